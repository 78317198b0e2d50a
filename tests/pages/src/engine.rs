//! The pages loaded one after the other into one off-screen WebKitGTK view.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use gtk::prelude::*;
use javascriptcore::ValueExt;
use keydesk::signin::detect;
use keydesk::signin::{Observation, Recipes, script};
use serde_json::{Value, json};
use webkit2gtk::{
    LoadEvent, NavigationPolicyDecision, NavigationPolicyDecisionExt, PolicyDecisionExt,
    PolicyDecisionType, SettingsExt, URIRequestExt, WebViewExt,
};

/// The address the pages are loaded under: `.invalid` never resolves.
const BASE: &str = "http://keydesk-inspect.invalid/page.html";
/// Nothing is loaded from anywhere; inline styles still apply (they decide what is visible).
const CSP: &str = r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">"#;
const PAGE_WAIT: Duration = Duration::from_secs(15);

/// Inspects every page; the exit status (0, or 1 when a page could not be read).
pub fn run(pages: &[String]) -> i32 {
    if gtk::init().is_err() {
        eprintln!("keydesk-inspect: no display (tests/pages/inspect starts Xvfb)");
        return 2;
    }
    let recipe = Recipes::shipped()
        .expect("the shipped recipes parse")
        .for_preset(None)
        .clone();
    let observe = script::observe(&recipe);
    let window = gtk::OffscreenWindow::new();
    window.set_default_size(1280, 1000);
    let view = webkit2gtk::WebView::new();
    if let Some(settings) = WebViewExt::settings(&view) {
        settings.set_enable_javascript(true);
        settings.set_auto_load_images(false);
        settings.set_enable_dns_prefetching(false);
        settings.set_enable_hyperlink_auditing(false);
    }
    view.set_size_request(1280, 1000);
    window.add(&view);
    window.show_all();
    // Only the page itself: every other navigation (a meta refresh, a redirect) is refused.
    view.connect_decide_policy(|_, decision, kind| {
        if kind == PolicyDecisionType::NavigationAction
            || kind == PolicyDecisionType::NewWindowAction
        {
            let uri = decision
                .downcast_ref::<NavigationPolicyDecision>()
                .and_then(|d| d.navigation_action())
                .and_then(|a| a.request())
                .and_then(|r| r.uri())
                .map(|u| u.to_string())
                .unwrap_or_default();
            if !uri.starts_with(BASE) {
                decision.ignore();
                return true;
            }
        }
        false
    });
    let finished = Rc::new(RefCell::new(false));
    let flag = finished.clone();
    view.connect_load_changed(move |_, event| {
        if event == LoadEvent::Finished {
            *flag.borrow_mut() = true;
        }
    });
    let mut status = 0;
    for page in pages {
        let line = match std::fs::read(page) {
            Ok(bytes) => {
                let html = with_policy(&String::from_utf8_lossy(&bytes).replace('\0', ""));
                *finished.borrow_mut() = false;
                view.load_html(&html, Some(BASE));
                let deadline = Instant::now() + PAGE_WAIT;
                while !*finished.borrow() && Instant::now() < deadline {
                    gtk::main_iteration_do(false);
                    std::thread::sleep(Duration::from_millis(2));
                }
                // A moment for layout after the load.
                let settle = Instant::now() + Duration::from_millis(50);
                while Instant::now() < settle {
                    gtk::main_iteration_do(false);
                }
                match evaluate(&view, &observe) {
                    Some(observation) => line_for(page, &observation),
                    None => {
                        status = 1;
                        json!({ "page": page, "error": "the page gave no observation" })
                    }
                }
            }
            Err(e) => {
                status = 1;
                json!({ "page": page, "error": e.to_string() })
            }
        };
        // A page's line comes as its JSON text (keys in order); an error as an object.
        match line.as_str() {
            Some(text) => println!("{text}"),
            None => println!("{line}"),
        }
    }
    status
}

/// The page with the policy as the first thing in its head (or in front of it all).
fn with_policy(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let at = lower
        .find("<head")
        .and_then(|start| lower[start..].find('>').map(|end| start + end + 1));
    match at {
        Some(at) if html.is_char_boundary(at) => format!("{}{CSP}{}", &html[..at], &html[at..]),
        _ => format!("{CSP}{html}"),
    }
}

fn evaluate(view: &webkit2gtk::WebView, script: &str) -> Option<Observation> {
    let result: Rc<RefCell<Option<Option<String>>>> = Rc::new(RefCell::new(None));
    let slot = result.clone();
    view.evaluate_javascript(
        script,
        None,
        None,
        None::<&gtk::gio::Cancellable>,
        move |r| {
            let json = r.ok().and_then(|v| v.to_json(0)).map(|s| s.to_string());
            *slot.borrow_mut() = Some(json);
        },
    );
    let deadline = Instant::now() + PAGE_WAIT;
    while result.borrow().is_none() && Instant::now() < deadline {
        gtk::main_iteration_do(false);
        std::thread::sleep(Duration::from_millis(1));
    }
    let json = result.borrow_mut().take().flatten()?;
    serde_json::from_str(&json).ok()
}

#[derive(serde::Serialize)]
struct Line {
    page: String,
    username: Value,
    password: Value,
    submit: Value,
    code: Value,
    remember: Value,
}

fn line_for(page: &str, observation: &Observation) -> Value {
    if std::env::var_os("KEYDESK_INSPECT_CONTROLS").is_some() {
        // What the detector was given, for working on it: one control a line, on stderr.
        eprintln!("{page}: heading {:?}", observation.heading);
        for c in &observation.controls {
            eprintln!(
                "  {} {} vis={} {}x{} at {},{} form={:?} label={:?} text={:?}",
                c.i, c.tag_html, c.visible, c.w, c.h, c.x, c.y, c.form, c.label, c.text
            );
        }
    }
    let reading = detect::read(&observation.controls, &observation.heading);
    let tag = |i: Option<u32>| -> Value {
        i.and_then(|i| observation.controls.iter().find(|c| c.i == i))
            .map_or(Value::Null, |c| Value::String(c.tag_html.clone()))
    };
    let fills = reading.password.is_some() || reading.username.is_some() || reading.asks_code();
    // A sign-in form hidden until a click: the elements the app fills once its link opened it.
    let behind = reading.behind.as_ref().filter(|_| !fills);
    // Built in order (serde_json's map would sort the keys).
    let line = Line {
        page: page.to_owned(),
        username: tag(reading.username.or(behind.map(|b| b.username))),
        password: tag(reading.password.or(behind.map(|b| b.password))),
        submit: tag(reading
            .submit
            .or(reading.code_submit)
            .filter(|_| fills)
            .or(behind.map(|b| b.submit))),
        code: tag(reading.code.first().copied()),
        remember: tag(reading.remember.filter(|_| fills)),
    };
    json!(serde_json::to_string(&line).expect("a line serializes"))
}
