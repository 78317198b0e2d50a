// The app's commands, listed once. `build.rs` includes this file to declare them to Tauri (each
// becomes an `allow-<name>` permission that capabilities/ grants per window), `main.rs` to
// register their handlers, and the shell's tests check that the capability, the generated
// TypeScript (ui/src/lib/bindings.ts) and the UI's calls name exactly these. Each entry is
// `module::command`; a command's name is its function's.
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            status::desk_status,
            status::keychain_status,
            codes::pending_codes,
            codes::copy_code,
            codes::inbox_connection,
            mailbox::mailbox_setup,
            mailbox::save_mailbox,
            mailbox::notification_settings,
            mailbox::set_notification_settings,
            portals::portal_list,
            portals::portal_copy,
            portals::portal_reveal,
            portals::portal_presets,
            portals::portal_preset_fields,
            portals::portal_get,
            portals::portal_add,
            portals::portal_update,
            portals::portal_remove,
            portals::portal_change_password,
            portals::portal_recovery_codes,
            portals::portal_set_recovery_codes,
            portals::portal_mark_recovery_code_used,
            portals::portal_copy_recovery_code,
            portals::portal_export,
            portals::portal_import_check,
            portals::portal_import,
            authenticator::otp_codes,
            authenticator::otp_copy,
            authenticator::otp_next_code,
            authenticator::otp_link,
            authenticator::otp_remove,
            authenticator::otp_add_link,
            authenticator::otp_add_qr_file,
            authenticator::otp_add_qr_clipboard,
            authenticator::otp_import_file,
            authenticator::otp_export_backup,
            authenticator::otp_export_plain,
            authenticator::otp_import_backup,
            authenticator::otp_clock_check,
            settings::clipboard_delay,
            settings::set_clipboard_delay,
            signin::signin_start,
            signin::signin_status,
            signin::signin_open_in_browser,
            signin::signin_teach,
            devices::device_list,
            devices::device_forget,
            devices::device_add,
        }
    };
}
