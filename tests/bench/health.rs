//! Portal health at scale (a benchmark program, not a timed test): `cargo bench --bench health`
//! serves 20 sign-in pages on loopback, sets up a profile with 20 portals, and times
//! `api::health::check` of all of them at once (DNS, connection, page, maintenance words, the
//! checks kept in the database), five rounds on fresh profiles. Target: under 2 s.

use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PORTALS: usize = 20;
const ROUNDS: usize = 5;

async fn serve_page(listener: tokio::net::TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            let body = "<html><body><h1>Sign in</h1><form><input name=username>\
                        <input type=password name=password></form></body></html>";
            let _ = stream
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        });
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let mut urls = Vec::new();
        for _ in 0..PORTALS {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            urls.push(format!("http://127.0.0.1:{}/login", listener.local_addr().unwrap().port()));
            tokio::spawn(serve_page(listener));
        }
        let mut times = Vec::new();
        for round in 0..ROUNDS {
            let dir = tempfile::tempdir().expect("a temp folder");
            let kd = keydesk::Keydesk::open(dir.path()).expect("a profile");
            let now = keydesk::Now::system();
            for (i, url) in urls.iter().enumerate() {
                let fields = keydesk::portal::PortalFields {
                    name: format!("Portal {i:02}"),
                    login_url: url.clone(),
                    ..Default::default()
                };
                keydesk::api::portals::add(&kd, fields, None, now).expect("a portal");
            }
            let started = Instant::now();
            let checks = keydesk::api::health::check(&kd, None, now).await.expect("checked");
            let elapsed = started.elapsed();
            let ok = checks.iter().filter(|c| c.state == keydesk::health::HealthState::Ok).count();
            assert_eq!(checks.len(), PORTALS, "every portal checked");
            println!("round {round}: {PORTALS} portals checked at once in {:.1} ms ({ok} ok)", elapsed.as_secs_f64() * 1e3);
            times.push(elapsed.as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "health, {PORTALS} portals at once on loopback: median {:.1} ms, max {:.1} ms over {ROUNDS} rounds (target under 2000 ms)",
            times[ROUNDS / 2],
            times[ROUNDS - 1]
        );
    });
}
