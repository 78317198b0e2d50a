//! `keydesk-inspect PAGE.html...`: runs Keydesk's page observation (the observe script the app
//! runs in a portal window, `keydesk::signin::script::observe`) and page detector
//! (`keydesk::signin::detect`) on saved pages, in WebKitGTK — the app's web engine on Linux —
//! and prints one JSON line per page:
//!
//! `{"page": PATH, "username": TAG, "password": TAG, "submit": TAG, "code": TAG, "remember": TAG}`
//!
//! where each TAG is the chosen element's opening tag as `outerHTML` begins (up to its first
//! `>`), or `null`. Nothing is fetched: a Content-Security-Policy of `default-src 'none'` is
//! put at the top of each page (no script, style sheet, image, frame or font is loaded, and the
//! page's own scripts do not run), and every navigation away from the page is refused. Run it
//! through `tests/pages/inspect`, which starts its own Xvfb when `DISPLAY` is unset.

#[cfg(target_os = "linux")]
mod engine;

fn main() {
    let pages: Vec<String> = std::env::args().skip(1).collect();
    if pages.is_empty() || pages.iter().any(|p| p == "-h" || p == "--help") {
        eprintln!("usage: keydesk-inspect PAGE.html...");
        std::process::exit(2);
    }
    #[cfg(target_os = "linux")]
    std::process::exit(engine::run(&pages));
    #[cfg(not(target_os = "linux"))]
    {
        eprintln!("keydesk-inspect runs WebKitGTK: Linux only");
        std::process::exit(2);
    }
}
