//! Errors as the desk and scripts see them: one closed set of [`ErrorCode`]s shared by every
//! area, and the form [`Field`] an error belongs to. ([`crate::api::Error`] is what every
//! use-case returns.)
//!
//! Each area keeps its own `thiserror` enum (its variants carry what that area knows); each of
//! those maps every variant to a code here, exhaustively, so a new variant cannot slip through as
//! "internal". The codes and fields cross to the window as snake_case strings whose TypeScript
//! union is generated from these enums; a message is plain words for the person at the desk,
//! never a command to type and never a secret. This module is a leaf: it imports nothing of the
//! crate, so every area, the database included, can use it.

use serde::{Deserialize, Serialize};

/// Declares [`ErrorCode`] once: each variant with its wire name, which serde, the TypeScript
/// union and [`ErrorCode::as_str`] all take from here.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $wire:literal,)*) => {
        /// Every error code Keydesk reports, whatever the area.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $wire)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it goes over the wire and into logs.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }
        }
    };
}

error_codes! {
    /// The local database failed or is damaged.
    Database = "database",
    /// The profile's data folder cannot be used.
    DataFolder = "data_folder",
    /// A file the person named could not be read or written.
    File = "file",
    /// A file the person picked is far too big to be what it should be.
    FileTooBig = "file_too_big",
    /// No file name was given.
    FileMissing = "file_missing",
    /// Something that should not happen; the message says what.
    Internal = "internal",

    /// No keychain service answers.
    KeychainUnavailable = "keychain_unavailable",
    /// The keychain is locked or refused access.
    KeychainLocked = "keychain_locked",
    /// A keychain item is not what Keydesk wrote.
    KeychainDamaged = "keychain_damaged",
    /// Any other keychain failure.
    KeychainError = "keychain_error",

    /// The mailbox settings are not valid.
    MailboxInvalidSettings = "mailbox_invalid_settings",
    /// The mail server cannot be reached.
    MailboxUnreachable = "mailbox_unreachable",
    /// The mail server's certificate is not trusted.
    MailboxUntrustedCertificate = "mailbox_untrusted_certificate",
    /// The mail server refused the user name or password.
    MailboxSignInFailed = "mailbox_sign_in_failed",
    /// No mailbox password is stored.
    MailboxNoPassword = "mailbox_no_password",
    /// A watched folder does not exist.
    MailboxNoSuchFolder = "mailbox_no_such_folder",
    /// The mail server connection broke or answered oddly.
    MailboxProtocol = "mailbox_protocol",
    /// The mailbox is not being watched.
    InboxNotRunning = "inbox_not_running",
    /// The code is no longer pending.
    CodeGone = "code_gone",

    /// A portal field is missing or malformed.
    PortalInvalid = "portal_invalid",
    /// Another portal has this name.
    PortalDuplicateName = "portal_duplicate_name",
    /// No such portal.
    PortalNotFound = "portal_not_found",
    /// No such preset.
    PortalUnknownPreset = "portal_unknown_preset",
    /// No saved password for the portal.
    PortalNoPassword = "portal_no_password",
    /// No recovery code with that number.
    PortalNoSuchRecoveryCode = "portal_no_such_recovery_code",
    /// A recovery code is empty or spans lines.
    PortalBadRecoveryCode = "portal_bad_recovery_code",
    /// No recovery codes were given.
    PortalNoRecoveryCodes = "portal_no_recovery_codes",
    /// The portal was kept: its keychain items could not be deleted.
    PortalRemoveBlocked = "portal_remove_blocked",
    /// The portal was kept: its browser profile could not be deleted.
    PortalProfileKept = "portal_profile_kept",
    /// The portal was kept: its sign-in is still running.
    PortalRemoveBusy = "portal_remove_busy",
    /// A stored portal cannot be read back.
    PortalDamaged = "portal_damaged",
    /// A portal list file is not valid JSON.
    ImportMalformed = "import_malformed",
    /// A file is not a Keydesk portal list.
    ImportWrongFormat = "import_wrong_format",
    /// A portal list from a newer Keydesk.
    ImportUnsupportedVersion = "import_unsupported_version",

    /// Not an authenticator link.
    OtpBadUri = "otp_bad_uri",
    /// The secret key is not base32.
    OtpBadBase32 = "otp_bad_base32",
    /// The secret key is too short.
    OtpSeedTooShort = "otp_seed_too_short",
    /// An unsupported hash algorithm.
    OtpUnknownAlgorithm = "otp_unknown_algorithm",
    /// An unsupported number of digits.
    OtpBadDigits = "otp_bad_digits",
    /// An unsupported code period.
    OtpBadPeriod = "otp_bad_period",
    /// An entry without a name.
    OtpNoName = "otp_no_name",
    /// An export file that cannot be read.
    OtpBadExport = "otp_bad_export",
    /// One unusable entry in an export.
    OtpBadEntry = "otp_bad_entry",
    /// An encrypted export of another app.
    OtpEncryptedExport = "otp_encrypted_export",
    /// A picture that cannot be opened.
    OtpBadImage = "otp_bad_image",
    /// No QR code in the picture.
    OtpNoQrCode = "otp_no_qr_code",
    /// The clipboard holds no picture.
    OtpNoClipboardImage = "otp_no_clipboard_image",
    /// A damaged backup file.
    OtpDamagedBackup = "otp_damaged_backup",
    /// A backup password that is too short.
    OtpWeakBackupPassword = "otp_weak_backup_password",
    /// The wrong backup password.
    OtpWrongPassword = "otp_wrong_password",
    /// A plain export without the person's confirmation.
    OtpPlainNotConfirmed = "otp_plain_not_confirmed",
    /// No such authenticator entry.
    OtpNotFound = "otp_not_found",
    /// A name that matches several entries.
    OtpAmbiguous = "otp_ambiguous",
    /// An entry whose secret key is missing from the keychain.
    OtpSeedMissing = "otp_seed_missing",
    /// A server sent no usable date for the clock check.
    ClockNoDate = "clock_no_date",
    /// A server sent a date that cannot be read.
    ClockBadDate = "clock_bad_date",
    /// A server did not answer the clock check.
    ClockUnreachable = "clock_unreachable",

    /// The clipboard does not answer.
    ClipboardUnavailable = "clipboard_unavailable",
    /// A clipboard delay out of range.
    ClipboardInvalidDelay = "clipboard_invalid_delay",

    /// A shortcut that is not a usable key combination.
    ShortcutInvalid = "shortcut_invalid",
    /// A shortcut another program holds already.
    ShortcutTaken = "shortcut_taken",
    /// Starting at login could not be turned on or off.
    Autostart = "autostart",

    /// A new sign-in needs the person's confirmation.
    SigninNeedsConfirmation = "signin_needs_confirmation",
    /// A sign-in to this portal is already running.
    SigninRunning = "signin_running",
    /// The system browser could not be opened.
    Browser = "browser",
    /// A portal's password rules cannot be used.
    PasswordRulesInvalid = "password_rules_invalid",
    /// A password change cut short must be settled first, or none is underway.
    PasswordChangeUnsettled = "password_change_unsettled",
    /// A sign-in recipe file cannot be read.
    RecipeParse = "recipe_parse",
    /// A sign-in recipe is not valid.
    RecipeInvalid = "recipe_invalid",

    /// No such remembered-device record.
    DeviceNotFound = "device_not_found",
    /// A portal's cookies could not all be cleared.
    DeviceCookies = "device_cookies",
    /// A remembered-device value is not usable.
    DeviceInvalid = "device_invalid",

    /// Keydesk is locked: sign in first.
    Locked = "locked",
    /// No such person at this desk.
    PersonNotFound = "person_not_found",
    /// A person's name is empty or taken.
    PersonInvalid = "person_invalid",
    /// The last office admin cannot be removed.
    PersonLastAdmin = "person_last_admin",
    /// Only an office admin may do this.
    AdminOnly = "admin_only",
    /// A PIN that is too short.
    PinTooShort = "pin_too_short",
    /// The PIN was wrong.
    PinWrong = "pin_wrong",
    /// Too many wrong PINs: wait before trying again.
    PinWait = "pin_wait",
    /// The office's policy does not allow this.
    PolicyForbids = "policy_forbids",
    /// The office's policy sets this setting.
    SetByOffice = "set_by_office",
    /// An idle-lock time out of range.
    LockInvalidDelay = "lock_invalid_delay",
    /// The audit log could not be written or read.
    Audit = "audit",
    /// The practice's name or address cannot be kept as given.
    PracticeInvalid = "practice_invalid",
}

/// Scripts and tests compare codes with their wire names.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares [`Field`] once, with each field's wire name (the serde key of the form's struct
/// field) and the words a person calls it.
macro_rules! fields {
    ($($variant:ident = $wire:literal, $label:literal;)*) => {
        /// A form field an error belongs to, so the window shows the message next to it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        pub enum Field {
            $(#[doc = $label] #[serde(rename = $wire)] $variant,)*
        }

        impl Field {
            /// Every field, in declaration order.
            pub const ALL: &[Field] = &[$(Field::$variant,)*];

            /// The field as a person calls it ("login URL").
            pub const fn label(self) -> &'static str {
                match self {
                    $(Field::$variant => $label,)*
                }
            }

            /// The field as it goes over the wire (the form's key, "login_url").
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Field::$variant => $wire,)*
                }
            }
        }
    };
}

fields! {
    Name = "name", "name";
    LoginUrl = "login_url", "login URL";
    OrganizationUrl = "organization_url", "organization URL";
    AllowedOrigins = "allowed_origins", "allowed origin";
    Username = "username", "username";
    Password = "password", "password";
    CodeSenders = "code_senders", "code sender";
    CodeLifetime = "code_lifetime_secs", "code lifetime";
    RememberDeviceDays = "remember_device_days", "remember-device days";
    PasswordChangeDays = "password_change_days", "password-change interval";
    LockoutThreshold = "lockout_threshold", "lockout threshold";
    SupportPhone = "support_phone", "support phone";
    ProviderId = "provider_id", "provider ID";
    Npi = "npi", "NPI";
    Tin = "tin", "TIN";
    Browser = "browser", "browser";
    Since = "since", "remembered since";
    Until = "until", "remembered until";
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_unique_snake_case_and_match_serde() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let wire = code.as_str();
            assert!(seen.insert(wire), "{wire} is declared twice");
            assert!(
                wire.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{wire} is not snake_case"
            );
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(wire.to_owned()),
                "serde and as_str must agree"
            );
        }
        for field in Field::ALL {
            assert_eq!(
                serde_json::to_value(field).unwrap(),
                serde_json::Value::String(field.as_str().to_owned())
            );
        }
    }
}
