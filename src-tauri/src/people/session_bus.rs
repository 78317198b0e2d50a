//! The session's screen lock and the machine's sleep, from D-Bus: the screensaver's
//! `ActiveChanged(true)` on the session bus (GNOME, KDE, XFCE and others implement
//! org.freedesktop.ScreenSaver) and logind's `PrepareForSleep(true)` on the system bus. Either
//! bus may be missing (a container, the test bed): that is logged and the idle lock remains.

use futures_util::StreamExt;
use tauri::AppHandle;

/// Starts both watches on the app's runtime.
pub fn watch(app: AppHandle) {
    let screen = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = screensaver(&screen).await {
            tracing::info!(error = %e, "no screensaver signal; Keydesk locks on idle only");
        }
    });
    tauri::async_runtime::spawn(async move {
        if let Err(e) = sleep(&app).await {
            tracing::info!(error = %e, "no logind sleep signal; Keydesk locks on idle only");
        }
    });
}

async fn screensaver(app: &AppHandle) -> zbus::Result<()> {
    let conn = zbus::Connection::session().await?;
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface("org.freedesktop.ScreenSaver")?
        .member("ActiveChanged")?
        .build();
    let mut stream = zbus::MessageStream::for_match_rule(rule, &conn, None).await?;
    while let Some(msg) = stream.next().await {
        if let Ok(msg) = msg
            && let Ok(true) = msg.body().deserialize::<bool>()
        {
            super::lock_for(app, "screen locked");
        }
    }
    Ok(())
}

async fn sleep(app: &AppHandle) -> zbus::Result<()> {
    let conn = zbus::Connection::system().await?;
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface("org.freedesktop.login1.Manager")?
        .member("PrepareForSleep")?
        .build();
    let mut stream = zbus::MessageStream::for_match_rule(rule, &conn, None).await?;
    while let Some(msg) = stream.next().await {
        if let Ok(msg) = msg
            && let Ok(true) = msg.body().deserialize::<bool>()
        {
            super::lock_for(app, "sleep");
        }
    }
    Ok(())
}
