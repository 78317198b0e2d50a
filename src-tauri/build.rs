// The app's commands are declared once here; `generate_handler!` in main.rs must list the same.
// Tauri turns each into an `allow-<name>` permission that capabilities/ grants per window.
const COMMANDS: &[&str] = &[
    "desk_status",
    "pending_codes",
    "copy_code",
    "portal_list",
    "portal_copy",
    "portal_reveal",
    "otp_codes",
    "otp_copy",
    "signin_start",
    "signin_status",
    "signin_open_in_browser",
    "device_list",
    "device_forget",
    "device_add",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
