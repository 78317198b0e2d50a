// The app's commands are declared once here; `generate_handler!` in main.rs must list the same.
// Tauri turns each into an `allow-<name>` permission that capabilities/ grants per window.
const COMMANDS: &[&str] = &[
    "desk_status",
    "pending_codes",
    "copy_code",
    "inbox_connection",
    "mailbox_setup",
    "save_mailbox",
    "notification_settings",
    "set_notification_settings",
    "portal_list",
    "portal_copy",
    "portal_reveal",
    "otp_codes",
    "otp_copy",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
