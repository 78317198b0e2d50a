//! The people of a desk and its audit log through the real `keydesk-cli`: a desk with people is
//! locked to anyone not signed in with `--as` and a PIN; every action leaves a record without a
//! secret; a record edited, deleted or moved in the database is named by `audit verify`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::bed;

const MARIA_PIN: &str = "kdS3cr3t-pin-maria";
const ANA_PIN: &str = "kdS3cr3t-pin-ana";

/// `keydesk-cli` as `person` (PIN in `KEYDESK_PIN`), with `stdin`.
/// Runs `keydesk-cli` on `profile`, as `person` (name and PIN) when given, with `stdin`.
pub(crate) fn cli_as(
    profile: &Path,
    person: Option<(&str, &str)>,
    args: &[&str],
    stdin: &str,
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keydesk-cli"));
    command.arg("--data-dir").arg(profile);
    if let Some((name, pin)) = person {
        command.args(["--as", name]).env("KEYDESK_PIN", pin);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run keydesk-cli");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .expect("stdin");
    child.wait_with_output().expect("keydesk-cli output")
}

/// The command's standard output, after checking that it succeeded.
pub(crate) fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A desk with Maria (admin) and Ana (staff), a portal of the desk and one of Ana's, and a few
/// records.
fn desk_with_people(name: &str) -> std::path::PathBuf {
    let profile = bed::profile_dir(name);
    let maria = Some(("Maria", MARIA_PIN));
    let ana = Some(("Ana", ANA_PIN));
    ok(
        cli_as(
            &profile,
            None,
            &["people", "add", "Maria"],
            &format!("{MARIA_PIN}\n"),
        ),
        "the first person needs no sign-in",
    );
    ok(
        cli_as(
            &profile,
            maria,
            &["people", "add", "Ana", "--role", "staff"],
            &format!("{ANA_PIN}\n"),
        ),
        "an admin adds a person",
    );
    let add = |who, name: &str| {
        ok(
            cli_as(
                &profile,
                who,
                &[
                    "portal",
                    "add",
                    "--name",
                    name,
                    "--login-url",
                    "https://portal.example/login",
                ],
                "",
            ),
            "portal add",
        )
    };
    add(maria, "Cigna");
    add(ana, "Availity for Ana");
    ok(
        cli_as(&profile, ana, &["portal", "own", "Availity for Ana"], ""),
        "Ana makes the Availity account her own",
    );
    profile
}

fn verify(profile: &Path) -> (bool, String) {
    let out = cli_as(profile, None, &["audit", "verify"], "");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    )
}

fn db(profile: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(profile.join("keydesk.db")).expect("the desk's database")
}

#[test]
fn a_desk_with_people_is_locked_without_a_pin_and_each_sees_their_own_portals() {
    let profile = desk_with_people("people-lock");
    let out = cli_as(&profile, None, &["portal", "list", "--json"], "");
    let list = ok(out, "listing needs no secret");
    assert!(list.contains("Cigna"), "{list}");
    assert!(
        !list.contains("Availity"),
        "not signed in: only the desk's portals: {list}"
    );
    let maria = ok(
        cli_as(
            &profile,
            Some(("Maria", MARIA_PIN)),
            &["portal", "list", "--json"],
            "",
        ),
        "Maria lists",
    );
    assert!(
        !maria.contains("Availity"),
        "Ana's own portal is hidden from Maria: {maria}"
    );
    let ana = ok(
        cli_as(
            &profile,
            Some(("Ana", ANA_PIN)),
            &["portal", "list", "--json"],
            "",
        ),
        "Ana lists",
    );
    assert!(ana.contains("Availity") && ana.contains("Cigna"), "{ana}");

    let out = cli_as(
        &profile,
        None,
        &["portal", "export", "--output", "/dev/null"],
        "",
    );
    assert!(!out.status.success(), "an export while locked is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("locked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli_as(
        &profile,
        Some(("Ana", "kdS3cr3t-wrong")),
        &["audit", "list"],
        "",
    );
    assert!(!out.status.success(), "a wrong PIN is refused");
    let out = cli_as(&profile, Some(("Ana", ANA_PIN)), &["audit", "list"], "");
    assert!(!out.status.success(), "staff cannot read the audit log");

    let records = ok(
        cli_as(
            &profile,
            Some(("Maria", MARIA_PIN)),
            &["audit", "list", "--json"],
            "",
        ),
        "an admin reads the log",
    );
    let actions: Vec<String> = records
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{}:{}",
                v["person"].as_str().unwrap(),
                v["action"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "Maria:person_added",
        "Maria:unlocked",
        "Maria:portal_added",
        "Ana:portal_added",
        "Ana:portal_changed",
        "Ana:unlock_failed",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
    assert!(!records.contains("kdS3cr3t"), "never a PIN in a record");
    assert_eq!(
        verify(&profile),
        (true, format!("intact: {} records", actions.len()))
    );

    let csv = profile.join("audit.csv");
    ok(
        cli_as(
            &profile,
            Some(("Maria", MARIA_PIN)),
            &[
                "audit",
                "export",
                "--format",
                "csv",
                "--out",
                csv.to_str().unwrap(),
            ],
            "",
        ),
        "export",
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("seq,at,desk,person,action,portal,detail,prev,hash\n"));
}

#[test]
fn audit_verify_names_a_record_edited_deleted_or_moved() {
    let edited = desk_with_people("audit-edited");
    assert!(verify(&edited).0, "an untouched log verifies");
    db(&edited)
        .execute("UPDATE audit SET person = 'Nobody' WHERE seq = 3", [])
        .unwrap();
    assert_eq!(verify(&edited), (false, "3".to_owned()), "edited");

    let deleted = desk_with_people("audit-deleted");
    db(&deleted)
        .execute("DELETE FROM audit WHERE seq = 4", [])
        .unwrap();
    assert_eq!(verify(&deleted), (false, "4".to_owned()), "deleted");

    let last = desk_with_people("audit-last");
    let head: i64 = db(&last)
        .query_row("SELECT max(seq) FROM audit", [], |r| r.get(0))
        .unwrap();
    db(&last)
        .execute("DELETE FROM audit WHERE seq = ?1", [head])
        .unwrap();
    assert_eq!(
        verify(&last),
        (false, head.to_string()),
        "the newest deleted"
    );

    let moved = desk_with_people("audit-moved");
    let conn = db(&moved);
    conn.execute("UPDATE audit SET seq = -1 WHERE seq = 2", [])
        .unwrap();
    conn.execute("UPDATE audit SET seq = 2 WHERE seq = 5", [])
        .unwrap();
    conn.execute("UPDATE audit SET seq = 5 WHERE seq = -1", [])
        .unwrap();
    drop(conn);
    assert_eq!(verify(&moved), (false, "2".to_owned()), "moved");
}
