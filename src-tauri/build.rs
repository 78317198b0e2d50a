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
    // Portals view: add, edit, remove, password, recovery codes, import/export.
    "keychain_status",
    "portal_presets",
    "portal_preset_fields",
    "portal_get",
    "portal_add",
    "portal_update",
    "portal_remove",
    "portal_change_password",
    "portal_recovery_codes",
    "portal_set_recovery_codes",
    "portal_mark_recovery_code_used",
    "portal_copy_recovery_code",
    "portal_export",
    "portal_import_check",
    "portal_import",
    // Authenticator view: next HOTP code, link, remove, add, backups, clock.
    "otp_next_code",
    "otp_link",
    "otp_remove",
    "otp_add_link",
    "otp_add_qr_file",
    "otp_add_qr_clipboard",
    "otp_import_file",
    "otp_export_backup",
    "otp_export_plain",
    "otp_import_backup",
    "otp_clock_check",
    // Settings: the clipboard clearing delay.
    "clipboard_delay",
    "set_clipboard_delay",
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
