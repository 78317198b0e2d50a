//! The HTTP side of one portal: routes, cookies, and the test-only `/__sandbox/*` endpoints.
//! Handlers read the clock once and hand `now` to the state's logic. A portal with
//! `session_in_the_way` answers `/login` with a "session already open" notice, and no form,
//! while the browser holds a session cookie the portal no longer knows.

use crate::clock::Clock;
use crate::config::{Markup, PortalConfig, PortalKind};
use crate::letter::code_message;
use crate::mail::Postman;
use crate::pages::{self, Banner, Lang};
use crate::probe::{self, ProbeReport};
use crate::real;
use crate::state::{CodeResult, Method, Outcome, PasswordResult, PortalState, Step};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

type Params = HashMap<String, String>;

/// One served portal.
pub struct Portal {
    /// Its configuration.
    pub cfg: PortalConfig,
    state: Mutex<PortalState>,
    probes: Mutex<Vec<ProbeReport>>,
    clock: Clock,
    postman: Postman,
    /// `/__sandbox/redesign` switched the pages to a markup nothing recognises.
    redesigned: AtomicBool,
    /// A click a test asked for (`/__sandbox/click`), read once by the redesigned page.
    pending_click: Mutex<Option<String>>,
    /// Its own origin (the sign-in pages) and its landing site's, when it has one.
    own: String,
    landing: Option<String>,
}

impl Portal {
    /// A portal with fresh state.
    pub fn new(cfg: PortalConfig, clock: Clock, postman: Postman) -> Portal {
        Portal {
            state: Mutex::new(PortalState::new(&cfg)),
            probes: Mutex::default(),
            cfg,
            clock,
            postman,
            redesigned: AtomicBool::new(false),
            pending_click: Mutex::default(),
            own: String::new(),
            landing: None,
        }
    }

    fn state(&self) -> MutexGuard<'_, PortalState> {
        // A handler that panicked mid-update leaves test data only; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The portal with its own origin and its landing site's.
    pub fn with_origins(mut self, own: String, landing: Option<String>) -> Portal {
        self.own = own;
        self.landing = landing;
        self
    }

    /// Where a completed sign-in goes: the landing site's home when there is one.
    fn home_url(&self) -> String {
        match &self.landing {
            Some(landing) => format!("{landing}/home"),
            None => "/home".to_owned(),
        }
    }

    fn real_markup(&self) -> bool {
        self.cfg.markup != Markup::Classic || self.redesigned.load(Ordering::Relaxed)
    }

    /// The sign-in page with a banner, in the portal's markup.
    fn login_page(&self, l: Lang, b: Banner, user: &str) -> String {
        if self.real_markup() {
            real::login(&self.cfg, b, self.redesigned.load(Ordering::Relaxed))
        } else {
            pages::login(&self.cfg, l, b, user)
        }
    }

    /// The remember-device cookie: Okta's `DT`, else the sandbox's own.
    fn device_cookie(&self) -> String {
        if self.cfg.markup == Markup::Okta {
            "DT".to_owned()
        } else {
            self.cookie_name("device")
        }
    }

    /// The browser holds a session cookie of this portal that it no longer knows.
    fn stale_session(&self, headers: &HeaderMap) -> bool {
        cookie(headers, &self.cookie_name("session"))
            .is_some_and(|token| self.state().session_user(token).is_none())
    }

    fn cookie_name(&self, what: &str) -> String {
        // Cookies are scoped by host, not port: every portal on 127.0.0.1 sees the others'
        // cookies, so names carry the portal's name.
        format!("sp_{}_{what}", self.cfg.name)
    }
}

/// The router of a portal's landing site: people arrive there and are sent to the sign-in
/// origin; a completed sign-in comes back to its home page.
pub fn landing_router(portal: Arc<Portal>) -> Router {
    Router::new()
        .route("/", get(to_sign_in))
        .route("/ciam/login", get(to_sign_in))
        .route("/home", get(home))
        .with_state(portal)
}

async fn to_sign_in(State(p): State<Arc<Portal>>) -> Response {
    redirect(&format!("{}/login", p.own), vec![])
}

/// The router of one portal.
pub fn router(portal: Arc<Portal>) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/login", get(login_page).post(login))
        .route("/identify", post(identify))
        .route("/forgot", get(forgot_page))
        .route("/change-password", post(change_password))
        .route("/__sandbox/redesign", post(redesign))
        .route("/__sandbox/posts-elsewhere", get(posts_elsewhere))
        .route("/__sandbox/click", post(ask_click))
        .route("/__sandbox/pending-click", get(pending_click))
        .route("/mfa", get(choose_page))
        .route("/send-code", post(send_code))
        .route("/verify", get(code_page).post(verify))
        .route("/home", get(home))
        .route("/logout", post(logout))
        .route("/__sandbox/attempts", get(attempts))
        .route("/__sandbox/reset", post(reset))
        .route("/__sandbox/maintenance", post(maintenance))
        .route("/__sandbox/advance", post(advance))
        .route("/__sandbox/outbox", get(outbox))
        .route("/__sandbox/goto", get(goto))
        .route("/__sandbox/ipc-probe", get(ipc_probe))
        .route("/__sandbox/ipc-report", post(ipc_report))
        .route("/__sandbox/ipc-reports", get(ipc_reports))
        .with_state(portal)
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn set(name: &str, value: &str, max_age: Option<u64>) -> String {
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{age}")
}

/// The page language: `?lang=`, then the `sp_lang` cookie, then Accept-Language.
fn lang(q: &Params, headers: &HeaderMap) -> (Lang, Option<String>) {
    let pick = |v: &str| {
        if v.trim().to_ascii_lowercase().starts_with("es") {
            Lang::Es
        } else {
            Lang::En
        }
    };
    if let Some(l) = q.get("lang") {
        let l = pick(l);
        let code = if l == Lang::Es { "es" } else { "en" };
        return (l, Some(format!("sp_lang={code}; Path=/; SameSite=Lax")));
    }
    if let Some(c) = cookie(headers, "sp_lang") {
        return (pick(c), None);
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (pick(accept.split(',').next().unwrap_or("")), None)
}

fn respond(status: StatusCode, cookies: Vec<String>, body: String) -> Response {
    let mut r = (status, Html(body)).into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

fn redirect(to: &str, cookies: Vec<String>) -> Response {
    let mut r = respond(StatusCode::SEE_OTHER, cookies, String::new());
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(to).expect("ASCII path"),
    );
    r
}

fn maintenance_page(p: &Portal, l: Lang) -> Response {
    let body = pages::notice(&p.cfg, l, "maintenance", l.words().maintenance);
    respond(StatusCode::SERVICE_UNAVAILABLE, vec![], body)
}

async fn root(State(p): State<Arc<Portal>>, headers: HeaderMap) -> Response {
    let signed_in = cookie(&headers, &p.cookie_name("session"))
        .is_some_and(|t| p.state().session_user(t).is_some());
    redirect(if signed_in { "/home" } else { "/login" }, vec![])
}

/// The *Forgot password* page (it only says what a real one would do).
async fn forgot_page(State(p): State<Arc<Portal>>, h: HeaderMap) -> Response {
    let (l, _) = lang(&Params::new(), &h);
    let body = pages::notice(
        &p.cfg,
        l,
        "forgot",
        "Reset your password: enter your username and we will e-mail you a link.",
    );
    respond(StatusCode::OK, vec![], body)
}

async fn login_page(
    State(p): State<Arc<Portal>>,
    Query(q): Query<Params>,
    h: HeaderMap,
) -> Response {
    let (l, lc) = lang(&q, &h);
    if p.state().maintenance {
        return maintenance_page(&p, l);
    }
    if p.cfg.session_in_the_way && p.stale_session(&h) {
        let said = "A session is already open in this browser. Sign out of it, or clear this \
                    browser's cookies for the portal, then sign in again.";
        let page = pages::notice(&p.cfg, l, "session-in-use", said);
        return respond(StatusCode::OK, vec![], page);
    }
    respond(
        StatusCode::OK,
        lc.into_iter().collect(),
        p.login_page(l, Banner::None, ""),
    )
}

/// The username page of an identifier-first portal was sent: the password page.
async fn identify(State(p): State<Arc<Portal>>, Form(f): Form<Params>) -> Response {
    let (user, _) = real::posted_credentials(&f);
    if user.is_empty() {
        let page = real::login(&p.cfg, Banner::Error("Enter your username."), false);
        return respond(StatusCode::OK, vec![], page);
    }
    respond(
        StatusCode::OK,
        vec![],
        real::password(&p.cfg, Banner::None, &user),
    )
}

/// `GET /__sandbox/posts-elsewhere?to=ORIGIN`: this portal's own sign-in page, except that
/// its form sends what is typed to `ORIGIN/login` (a page that was tampered with).
async fn posts_elsewhere(State(p): State<Arc<Portal>>, Query(q): Query<Params>) -> Response {
    let Some(to) = q
        .get("to")
        .filter(|t| t.starts_with("http://") && t.is_ascii())
    else {
        return (StatusCode::BAD_REQUEST, "give ?to=http://…").into_response();
    };
    let page = pages::login(&p.cfg, Lang::En, Banner::None, "").replace(
        r#"action="/login""#,
        &format!(r#"action="{}/login""#, pages::escape(to)),
    );
    respond(StatusCode::OK, vec![], page)
}

/// `POST /__sandbox/click?selector=CSS`: the redesigned sign-in page clicks that element (as the
/// person would) the next time it looks, within a fifth of a second.
async fn ask_click(State(p): State<Arc<Portal>>, Query(q): Query<Params>) -> StatusCode {
    *p.pending_click.lock().unwrap_or_else(|e| e.into_inner()) = q.get("selector").cloned();
    StatusCode::NO_CONTENT
}

async fn pending_click(State(p): State<Arc<Portal>>) -> String {
    p.pending_click
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .unwrap_or_default()
}

/// `POST /__sandbox/redesign?on=true|false`: the portal's pages change their markup.
async fn redesign(State(p): State<Arc<Portal>>, Query(q): Query<Params>) -> Response {
    let on = q.get("on").is_none_or(|v| v == "true" || v == "1");
    p.redesigned.store(on, Ordering::Relaxed);
    Json(serde_json::json!({ "redesigned": on })).into_response()
}

async fn login(State(p): State<Arc<Portal>>, h: HeaderMap, Form(f): Form<Params>) -> Response {
    let (l, _) = lang(&Params::new(), &h);
    let w = l.words();
    let now = p.clock.now();
    let (user, password) = real::posted_credentials(&f);
    let (user, password) = (user.as_str(), password.as_str());
    let mut st = p.state();
    if st.maintenance {
        st.note(&p.cfg, user, Step::Password, Outcome::Maintenance, now);
        drop(st);
        return maintenance_page(&p, l);
    }
    let device_cookie = p.device_cookie();
    let device = cookie(&h, &device_cookie);
    match st.password(&p.cfg, user, password, device, now) {
        PasswordResult::SignedIn(_)
            if p.cfg
                .user(user)
                .is_some_and(|u| u.sso && u.sso_hand_off_fails) =>
        {
            // The hand-off to the organization's sign-in did not complete: the portal says so.
            let said = "Sign in through your organization's single sign-on: the hand-off did \
                        not complete. Try again.";
            respond(
                StatusCode::OK,
                vec![],
                p.login_page(l, Banner::Error(said), user),
            )
        }
        PasswordResult::SignedIn(_)
            if p.cfg
                .user(user)
                .is_some_and(|u| u.sso && u.identity_host_down) =>
        {
            // Handed to the organization's identity host, which does not answer.
            let port = crate::faults::closed_port().unwrap_or(9);
            redirect(&format!("http://127.0.0.1:{port}/sso/saml2"), vec![])
        }
        PasswordResult::SignedIn(s) => redirect(
            &p.home_url(),
            vec![set(&p.cookie_name("session"), &s, None)],
        ),
        PasswordResult::NeedCode(t) => {
            let next = if p.cfg.kind == PortalKind::Availity && p.cfg.markup != Markup::Availity {
                "/verify"
            } else {
                "/mfa"
            };
            redirect(next, vec![set(&p.cookie_name("pending"), &t, None)])
        }
        PasswordResult::Wrong if real::identifier_first(p.cfg.markup) => respond(
            StatusCode::OK,
            vec![],
            real::password(&p.cfg, Banner::Error(w.wrong_password), user),
        ),
        PasswordResult::Wrong => respond(
            StatusCode::OK,
            vec![],
            p.login_page(l, Banner::Error(w.wrong_password), user),
        ),
        PasswordResult::Locked => respond(
            StatusCode::OK,
            vec![],
            pages::notice(&p.cfg, l, "locked", w.locked),
        ),
        PasswordResult::Expired(token) => respond(
            StatusCode::OK,
            vec![set(&p.cookie_name("change"), &token, None)],
            pages::change_password(&p.cfg, l, Banner::Error(w.expired_password)),
        ),
    }
}

/// The expired-password form was sent: the password is changed, or the form comes back with
/// the portal's words for what was wrong.
async fn change_password(
    State(p): State<Arc<Portal>>,
    h: HeaderMap,
    Form(f): Form<Params>,
) -> Response {
    let (l, _) = lang(&Params::new(), &h);
    let field = |name: &str| f.get(name).map(String::as_str).unwrap_or("");
    let token = cookie(&h, &p.cookie_name("change")).unwrap_or("");
    let now = p.clock.now();
    let result = p.state().change_password(
        &p.cfg,
        token,
        field("current_password"),
        field("new_password"),
        field("confirm_password"),
        now,
    );
    match result {
        Ok(()) => respond(
            StatusCode::OK,
            vec![set(&p.cookie_name("change"), "", Some(0))],
            pages::password_changed(&p.cfg, l),
        ),
        Err(words) if p.state().change_user(token).is_none() => respond(
            StatusCode::OK,
            vec![],
            p.login_page(l, Banner::Error(words), ""),
        ),
        Err(words) => respond(
            StatusCode::OK,
            vec![],
            pages::change_password(&p.cfg, l, Banner::Error(words)),
        ),
    }
}

/// The pending sign-in's user and method, or the response that replaces the page. A POST
/// (`step`) on a locked account is recorded.
fn pending(
    p: &Portal,
    h: &HeaderMap,
    l: Lang,
    step: Option<Step>,
) -> Result<(String, Option<Method>), Box<Response>> {
    let mut st = p.state();
    if st.maintenance {
        return Err(Box::new(maintenance_page(p, l)));
    }
    let token = cookie(h, &p.cookie_name("pending")).unwrap_or("");
    match st.pending(token).cloned() {
        Some(pend) if st.is_locked(&pend.user) => {
            if let Some(step) = step {
                st.note(&p.cfg, &pend.user, step, Outcome::Locked, p.clock.now());
            }
            let page = pages::notice(&p.cfg, l, "locked", l.words().locked);
            Err(Box::new(respond(StatusCode::OK, vec![], page)))
        }
        Some(pend) => Ok((pend.user, pend.method)),
        None => {
            let page = p.login_page(l, Banner::Error(l.words().start_over), "");
            Err(Box::new(respond(StatusCode::OK, vec![], page)))
        }
    }
}

async fn choose_page(
    State(p): State<Arc<Portal>>,
    Query(q): Query<Params>,
    h: HeaderMap,
) -> Response {
    let (l, lc) = lang(&q, &h);
    if let Err(r) = pending(&p, &h, l, None) {
        return *r;
    }
    if p.cfg.kind == PortalKind::Availity && p.cfg.markup != Markup::Availity {
        return redirect("/verify", vec![]);
    }
    let page = if p.real_markup() {
        real::choose(&p.cfg, Banner::None)
    } else {
        pages::choose(&p.cfg, l, Banner::None)
    };
    respond(StatusCode::OK, lc.into_iter().collect(), page)
}

async fn send_code(State(p): State<Arc<Portal>>, h: HeaderMap, Form(f): Form<Params>) -> Response {
    let (l, _) = lang(&Params::new(), &h);
    if let Err(r) = pending(&p, &h, l, Some(Step::SendCode)) {
        return *r;
    }
    if p.cfg.kind == PortalKind::Availity {
        let to = match f.get("choice").map(String::as_str) {
            Some("backup") => "/verify?method=backup",
            _ => "/verify",
        };
        return redirect(to, vec![]);
    }
    let method = match (p.cfg.kind, f.get("method").map(String::as_str)) {
        // A voice call's code is spoken: the sandbox texts it as well.
        (PortalKind::Mychart, Some("sms" | "call")) => Method::Sms,
        _ => Method::Email,
    };
    let now = p.clock.now();
    let token = cookie(&h, &p.cookie_name("pending")).unwrap_or("");
    let Some((user, code, seq)) = p.state().issue_code(&p.cfg, token, method, now) else {
        return redirect("/verify", vec![]);
    };
    let msg = code_message(&p.cfg, &user, &code, method, l);
    if let Err(e) = p.postman.deliver(&msg, now).await {
        eprintln!("portal {}: code {seq} not delivered: {e}", p.cfg.name);
        let mut st = p.state();
        st.note(
            &p.cfg,
            &user.username,
            Step::SendCode,
            Outcome::DeliveryFailed,
            now,
        );
        drop(st);
        let page = pages::choose(&p.cfg, l, Banner::Error(l.words().delivery_failed));
        return respond(StatusCode::OK, vec![], page);
    }
    redirect("/verify", vec![])
}

async fn code_page(
    State(p): State<Arc<Portal>>,
    Query(q): Query<Params>,
    h: HeaderMap,
) -> Response {
    let (l, lc) = lang(&q, &h);
    let (_, method) = match pending(&p, &h, l, None) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let w = l.words();
    let (banner, m) = match (p.cfg.kind, method) {
        (PortalKind::Availity, _) if q.get("method").is_some_and(|m| m == "backup") => {
            (Banner::None, "backup")
        }
        (PortalKind::Availity, _) => (Banner::None, "totp"),
        (_, Some(Method::Sms)) => (Banner::Notice(w.code_sent_sms), "sms"),
        (_, Some(_)) => (Banner::Notice(w.code_sent_email), "email"),
        (_, None) => return redirect("/mfa", vec![]),
    };
    let page = if p.real_markup() {
        real::code(&p.cfg, banner, m)
    } else {
        pages::code(&p.cfg, l, banner, m)
    };
    respond(StatusCode::OK, lc.into_iter().collect(), page)
}

async fn verify(State(p): State<Arc<Portal>>, h: HeaderMap, Form(f): Form<Params>) -> Response {
    let (l, _) = lang(&Params::new(), &h);
    let w = l.words();
    let (_, sent) = match pending(&p, &h, l, Some(Step::Code)) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let asked = f.get("method").map(String::as_str).unwrap_or("");
    let method = match (p.cfg.kind, asked, sent) {
        (PortalKind::Availity, "backup", _) => Method::Backup,
        (PortalKind::Availity, _, _) => Method::Totp,
        (_, _, Some(m)) => m,
        (_, _, None) => return redirect("/mfa", vec![]),
    };
    let form_method = match method {
        Method::Backup => "backup",
        Method::Totp => "totp",
        Method::Sms => "sms",
        _ => "email",
    };
    let code = real::posted_code(&f);
    let code = code.as_str();
    // Okta keeps its device token whatever the page asks.
    let remember =
        f.get("remember").is_some_and(|v| v == "on" || v == "true") || p.cfg.markup == Markup::Okta;
    let token = cookie(&h, &p.cookie_name("pending"))
        .unwrap_or("")
        .to_string();
    let now = p.clock.now();
    let result = p
        .state()
        .verify(&p.cfg, &token, method, code, remember, now);
    match result {
        None => respond(
            StatusCode::OK,
            vec![],
            p.login_page(l, Banner::Error(w.start_over), ""),
        ),
        Some(CodeResult::Locked) => respond(
            StatusCode::OK,
            vec![],
            pages::notice(&p.cfg, l, "locked", w.locked),
        ),
        Some(CodeResult::Refused(o)) => {
            let text = if o == Outcome::CodeExpired {
                w.expired_code
            } else {
                w.wrong_code
            };
            let page = if p.real_markup() {
                real::code(&p.cfg, Banner::Error(text), form_method)
            } else {
                pages::code(&p.cfg, l, Banner::Error(text), form_method)
            };
            respond(StatusCode::OK, vec![], page)
        }
        Some(CodeResult::SignedIn { session, device }) => {
            let mut cookies = vec![
                set(&p.cookie_name("session"), &session, None),
                set(&p.cookie_name("pending"), "", Some(0)),
            ];
            if let Some(d) = device {
                let age = u64::from(p.cfg.remember_days) * 86_400;
                cookies.push(set(&p.device_cookie(), &d, Some(age)));
            }
            redirect(&p.home_url(), cookies)
        }
    }
}

async fn home(State(p): State<Arc<Portal>>, Query(q): Query<Params>, h: HeaderMap) -> Response {
    let (l, lc) = lang(&q, &h);
    let st = p.state();
    if st.maintenance {
        drop(st);
        return maintenance_page(&p, l);
    }
    let token = cookie(&h, &p.cookie_name("session")).unwrap_or("");
    match st.session_user(token) {
        Some(u) => respond(
            StatusCode::OK,
            lc.into_iter().collect(),
            pages::home(&p.cfg, l, u),
        ),
        None => redirect("/login", vec![]),
    }
}

async fn logout(State(p): State<Arc<Portal>>, h: HeaderMap) -> Response {
    if let Some(t) = cookie(&h, &p.cookie_name("session")) {
        p.state().end_session(t);
    }
    redirect("/login", vec![set(&p.cookie_name("session"), "", Some(0))])
}

async fn attempts(State(p): State<Arc<Portal>>) -> Response {
    Json(p.state().attempts().to_vec()).into_response()
}

async fn reset(State(p): State<Arc<Portal>>) -> StatusCode {
    *p.state() = PortalState::new(&p.cfg);
    p.probes.lock().unwrap_or_else(|e| e.into_inner()).clear();
    if let Postman::Outbox(list) = &p.postman {
        list.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
    StatusCode::NO_CONTENT
}

async fn maintenance(State(p): State<Arc<Portal>>, Query(q): Query<Params>) -> Response {
    let on = q.get("on").is_none_or(|v| v == "true" || v == "1");
    p.state().maintenance = on;
    Json(serde_json::json!({ "maintenance": on })).into_response()
}

async fn advance(State(p): State<Arc<Portal>>, Query(q): Query<Params>) -> Response {
    let Some(secs) = q.get("secs").and_then(|s| s.parse::<u64>().ok()) else {
        return (StatusCode::BAD_REQUEST, "give ?secs=N").into_response();
    };
    p.clock.advance(secs);
    Json(serde_json::json!({ "now": p.clock.now() })).into_response()
}

async fn outbox(State(p): State<Arc<Portal>>) -> Response {
    match &p.postman {
        Postman::Outbox(list) => {
            Json(list.lock().unwrap_or_else(|e| e.into_inner()).clone()).into_response()
        }
        Postman::Lmtp { .. } => {
            (StatusCode::NOT_FOUND, "this sandbox delivers by LMTP").into_response()
        }
    }
}

/// `GET /__sandbox/goto?to=URL`: a redirect to anywhere, as a link that lands on a look-alike
/// portal would be. Test-only: it is how a test sends a portal window to another origin.
async fn goto(Query(q): Query<Params>) -> Response {
    match q.get("to") {
        Some(to) if to.is_ascii() && (to.starts_with("http://") || to.starts_with("https://")) => {
            redirect(to, vec![])
        }
        _ => (StatusCode::BAD_REQUEST, "give ?to=http://…").into_response(),
    }
}

async fn ipc_probe() -> Response {
    respond(StatusCode::OK, vec![], probe::ipc_probe_page())
}

async fn ipc_report(State(p): State<Arc<Portal>>, Json(report): Json<ProbeReport>) -> StatusCode {
    p.probes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(report);
    StatusCode::NO_CONTENT
}

async fn ipc_reports(State(p): State<Arc<Portal>>) -> Response {
    Json(p.probes.lock().unwrap_or_else(|e| e.into_inner()).clone()).into_response()
}
