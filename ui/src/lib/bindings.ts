// Generated from the Rust types by `src-tauri/src/tests.rs`; do not edit. After a change
// on the Rust side, run `KEYDESK_UPDATE_BINDINGS=1 cargo test -p keydesk-app bindings`.

/** Every command of the app (src-tauri/src/command_list.rs). */
export type Command =
  | "desk_status"
  | "keychain_status"
  | "pending_codes"
  | "copy_code"
  | "inbox_connection"
  | "mailbox_setup"
  | "save_mailbox"
  | "mailbox_seen_ids"
  | "notification_settings"
  | "set_notification_settings"
  | "portal_list"
  | "portal_copy"
  | "portal_reveal"
  | "portal_set_own"
  | "portal_presets"
  | "portal_preset_fields"
  | "portal_get"
  | "portal_add"
  | "portal_update"
  | "portal_remove"
  | "portal_change_password"
  | "portal_recovery_codes"
  | "portal_set_recovery_codes"
  | "portal_mark_recovery_code_used"
  | "portal_copy_recovery_code"
  | "portal_export"
  | "portal_import_check"
  | "portal_import"
  | "otp_codes"
  | "otp_copy"
  | "otp_next_code"
  | "otp_link"
  | "otp_remove"
  | "otp_add_link"
  | "otp_add_qr_file"
  | "otp_add_qr_clipboard"
  | "otp_import_file"
  | "otp_export_backup"
  | "otp_export_plain"
  | "otp_import_backup"
  | "otp_clock_check"
  | "clipboard_delay"
  | "set_clipboard_delay"
  | "language"
  | "set_language"
  | "signin_start"
  | "signin_status"
  | "signin_open_in_browser"
  | "signin_teach"
  | "signin_forget_taught"
  | "signin_confirm_code"
  | "password_rules"
  | "password_set_rules"
  | "password_propose"
  | "password_proposed"
  | "password_cancel"
  | "password_changes"
  | "password_settle"
  | "password_change"
  | "portal_health"
  | "portal_health_latest"
  | "signin_history"
  | "troubleshoot_fix"
  | "troubleshoot_run"
  | "support_facts"
  | "support_set_practice"
  | "support_set_hours"
  | "support_packet"
  | "device_list"
  | "device_forget"
  | "device_add"
  | "window_focus"
  | "desktop_settings"
  | "set_start_at_login"
  | "set_shortcut"
  | "session_view"
  | "session_touch"
  | "session_lock"
  | "session_unlock"
  | "people_list"
  | "people_add"
  | "people_remove"
  | "audit_list"
  | "audit_verify"
  | "audit_export"
  | "office_settings"
  | "set_lock_minutes"
;

/**
 * The events the main window listens to.
 */
export type EventName = "changed" | "signin-changed" | "focus";
/**
 * A command's failure as the window receives it.
 */
export type CommandError = { 
/**
 * The core's code.
 */
code: ErrorCode, 
/**
 * What happened and what to do, in plain words; next to its field it does not repeat the
 * field's name. Never a secret.
 */
message: string, 
/**
 * The form field at fault, when it is about one.
 */
field?: Field, };

/**
 * Every error code Keydesk reports, whatever the area.
 */
export type ErrorCode = "database" | "data_folder" | "file" | "file_too_big" | "file_missing" | "internal" | "keychain_unavailable" | "keychain_locked" | "keychain_damaged" | "keychain_error" | "mailbox_invalid_settings" | "mailbox_unreachable" | "mailbox_untrusted_certificate" | "mailbox_sign_in_failed" | "mailbox_no_password" | "mailbox_no_such_folder" | "mailbox_protocol" | "inbox_not_running" | "code_gone" | "portal_invalid" | "portal_duplicate_name" | "portal_not_found" | "portal_unknown_preset" | "portal_no_password" | "portal_no_such_recovery_code" | "portal_bad_recovery_code" | "portal_no_recovery_codes" | "portal_remove_blocked" | "portal_profile_kept" | "portal_remove_busy" | "portal_damaged" | "import_malformed" | "import_wrong_format" | "import_unsupported_version" | "otp_bad_uri" | "otp_bad_base32" | "otp_seed_too_short" | "otp_unknown_algorithm" | "otp_bad_digits" | "otp_bad_period" | "otp_no_name" | "otp_bad_export" | "otp_bad_entry" | "otp_encrypted_export" | "otp_bad_image" | "otp_no_qr_code" | "otp_no_clipboard_image" | "otp_damaged_backup" | "otp_weak_backup_password" | "otp_wrong_password" | "otp_plain_not_confirmed" | "otp_not_found" | "otp_ambiguous" | "otp_seed_missing" | "clock_no_date" | "clock_bad_date" | "clock_unreachable" | "clipboard_unavailable" | "clipboard_invalid_delay" | "shortcut_invalid" | "shortcut_taken" | "autostart" | "signin_needs_confirmation" | "signin_running" | "browser" | "password_rules_invalid" | "password_change_unsettled" | "recipe_parse" | "recipe_invalid" | "device_not_found" | "device_cookies" | "device_invalid" | "locked" | "person_not_found" | "person_invalid" | "person_last_admin" | "admin_only" | "pin_too_short" | "pin_wrong" | "pin_wait" | "policy_forbids" | "set_by_office" | "lock_invalid_delay" | "audit" | "practice_invalid";

/**
 * A form field an error belongs to, so the window shows the message next to it.
 */
export type Field = "name" | "login_url" | "organization_url" | "allowed_origins" | "username" | "password" | "code_senders" | "code_lifetime_secs" | "remember_device_days" | "password_change_days" | "lockout_threshold" | "support_phone" | "provider_id" | "npi" | "tin" | "browser" | "since" | "until";

/**
 * A part of what the window shows, named when it changed so the window refreshes it.
 */
export type Area = "codes" | "portals" | "authenticator" | "devices" | "mailbox" | "settings" | "session";

/**
 * What the status screen shows.
 */
export type DeskStatus = { 
/**
 * Whether secrets can be read and written.
 */
keychain: KeychainStatus, 
/**
 * Whether the code mailbox is set up and reachable.
 */
mailbox: MailboxStatus, 
/**
 * Things the desk should know about, in plain words (a damaged database moved aside).
 */
notices: Array<string>, };

/**
 * Whether the keychain can be used right now, and if not, why.
 */
export type KeychainStatus = { "state": "available", 
/**
 * Which platform store answered, e.g. "Secret Service".
 */
backend: string, } | { "state": "unavailable", 
/**
 * Its code (see [`KeychainError::code`]).
 */
code: ErrorCode, 
/**
 * What happened, in plain words.
 */
reason: string, };

/**
 * The state of the mailbox connection, as the status screen shows it.
 */
export type MailboxStatus = { "state": "not_set_up" } | { "state": "connected", 
/**
 * `user@host:port`.
 */
account: string, 
/**
 * The folders being watched.
 */
folders: Array<string>, } | { "state": "error", 
/**
 * Its code (see [`MailboxError::code`]).
 */
code: ErrorCode, 
/**
 * Plain-words explanation.
 */
message: string, };

/**
 * The mailbox as its settings form shows it.
 */
export type MailboxSetup = { 
/**
 * The saved settings, if a mailbox is set up.
 */
settings: MailboxSettings | null, 
/**
 * Whether the keychain holds its password (the password itself never leaves the core).
 */
password_saved: boolean, };

/**
 * An authserv-id seen on recent mail: the id of the topmost `Authentication-Results` (the one
 * the receiving server added last) and on how many of the messages looked at.
 */
export type SeenAuthservId = { 
/**
 * The id, lower-cased.
 */
id: string, 
/**
 * Messages whose topmost results carry it.
 */
messages: number, 
/**
 * Messages looked at.
 */
of: number, };

/**
 * Where the mailbox is and how to sign in (the password lives in the keychain).
 */
export type MailboxSettings = { 
/**
 * Server host name or address.
 */
host: string, 
/**
 * Server port.
 */
port: number, 
/**
 * Transport security.
 */
security: Security, 
/**
 * Sign-in name.
 */
username: string, 
/**
 * Folders to watch; codes often land in junk.
 */
folders: Array<string>, 
/**
 * A PEM certificate to trust instead of the public roots (an office's own server).
 */
trusted_certificate: string | null, 
/**
 * Addresses that forward the office phone's texts into this mailbox (an SMS-forwarding
 * number or app); codes in their messages are matched by the portal named in the text.
 */
sms_forwarders: Array<string>, 
/**
 * The authserv-id of the office's receiving server (the first word of the
 * `Authentication-Results` headers it adds). Only its results verify a code; `None`: the
 * server checks no sender, and every code needs the person's confirmation.
 */
authserv_id: string | null, };

/**
 * How the connection is protected.
 */
export type Security = "tls" | "start_tls" | "plain";

/**
 * The desk's notification preferences (stored in the database; no secret in them).
 */
export type NotificationSettings = { 
/**
 * Put the code itself in the notification. Off unless the desk turns it on.
 */
show_code: boolean, };

/**
 * The inbox's connection, as the window shows it above the codes.
 */
export type InboxConnection = { "state": "not_set_up" } | { "state": "stopped", 
/**
 * Its code.
 */
code: ErrorCode, 
/**
 * What happened and what to do.
 */
message: string, } | { "state": "connecting", 
/**
 * `user@host:port`.
 */
account: string, } | { "state": "watching", 
/**
 * `user@host:port`.
 */
account: string, 
/**
 * The folders.
 */
folders: Array<string>, } | { "state": "failing", 
/**
 * `user@host:port`.
 */
account: string, 
/**
 * The first failing folder's code.
 */
code: ErrorCode, 
/**
 * What failed, for which folder, and when the next attempt is.
 */
message: string, };

/**
 * What the inbox list shows for one code. This is the one place a code leaves the core for the
 * UI, so it is built only for the window that displays codes.
 */
export type PendingCodeView = { 
/**
 * The message it came in (used to copy or mark it).
 */
key: MessageKey, 
/**
 * The code, as the user types it; `None` while Keydesk is locked (the portal and the time
 * left are still shown).
 */
code: string | null, 
/**
 * Who sent it.
 */
origin: Origin, 
/**
 * E-mail or text.
 */
channel: Channel, 
/**
 * Delivery time, UNIX seconds.
 */
delivered_at: number, 
/**
 * Expiry time, UNIX seconds.
 */
expires_at: number, 
/**
 * State at the time of the view.
 */
state: CodeState, 
/**
 * True when the code was seen being used at another desk (the server's keyword appeared
 * while this desk watched). A code found used at start may have been used here before a
 * restart, so it is not claimed for another desk.
 */
used_at_another_desk: boolean, };

/**
 * A message's identity on the server: unique per folder while UIDVALIDITY holds.
 */
export type MessageKey = { 
/**
 * Folder.
 */
folder: string, 
/**
 * The folder's UIDVALIDITY.
 */
uid_validity: number, 
/**
 * The message's UID.
 */
uid: number, };

/**
 * Who the code is from, as far as Keydesk can tell.
 */
export type Origin = { "kind": "portal", 
/**
 * The portal's id.
 */
portal_id: number, 
/**
 * The portal's name.
 */
name: string, } | { "kind": "unmatched", 
/**
 * The sender's address.
 */
sender: string, } | { "kind": "unverified", 
/**
 * The portal it names.
 */
portal_id: number, 
/**
 * The portal's name.
 */
name: string, 
/**
 * The claimed sender.
 */
sender: string, 
/**
 * Why it is not verified, in plain words.
 */
reason: string, 
/**
 * The office's server checks no sender at all (the mailbox has no authserv-id), so a
 * sign-in shows this code for the person to confirm with one click instead of filling
 * it by itself. False when a check was possible and did not verify it.
 */
confirmable: boolean, };

/**
 * How the code reached the mailbox.
 */
export type Channel = "email" | "sms";

/**
 * A code's state at a given moment.
 */
export type CodeState = "fresh" | "superseded" | "used" | "expired";

/**
 * One line of the portal list: what the list shows, computed at some `now`.
 */
export type PortalSummary = { 
/**
 * Database id.
 */
id: number, 
/**
 * Display name.
 */
name: string, 
/**
 * Preset the portal was made from.
 */
preset: string | null, 
/**
 * Second-step method.
 */
second_step: SecondStep, 
/**
 * The method in words.
 */
second_step_label: string, 
/**
 * Sign-in name.
 */
username: string, 
/**
 * The sign-in page.
 */
login_url: string, 
/**
 * Last sign-in through Keydesk (UNIX seconds).
 */
last_sign_in_at: number | null, 
/**
 * Password age and warning.
 */
password: PasswordAge, 
/**
 * Recovery codes saved.
 */
recovery_codes_total: number, 
/**
 * Recovery codes not yet marked used.
 */
recovery_codes_unused: number, 
/**
 * With someone signed in on a desk with people: whether it is their own (only they see
 * it) or the desk's. `None` on a desk without people.
 */
own: boolean | null, };

/**
 * A password's age as of some `now`.
 */
export type PasswordAge = { 
/**
 * Where it stands.
 */
state: PasswordState, 
/**
 * When it was last changed (UNIX seconds).
 */
changed_at: number | null, 
/**
 * Whole days since then.
 */
age_days: number | null, 
/**
 * When the portal's interval ends (UNIX seconds), if it has one.
 */
due_at: number | null, 
/**
 * A warning in plain words when the state is [`PasswordState::DueSoon`] or
 * [`PasswordState::Overdue`].
 */
warning: string | null, };

/**
 * Where a password stands against its portal's change interval.
 */
export type PasswordState = "not_saved" | "current" | "due_soon" | "overdue";

/**
 * How a portal checks it is really you after the password.
 */
export type SecondStep = "email_code" | "sms_code" | "authenticator" | "none";

/**
 * A stored portal.
 */
export type Portal = { 
/**
 * Database id; never reused after a portal is deleted.
 */
id: number, 
/**
 * What the person entered, validated and normalized.
 */
fields: PortalFields, 
/**
 * When it was added (UNIX seconds).
 */
created_at: number, 
/**
 * When Keydesk last stored its password (UNIX seconds); `None` when no password is saved.
 */
password_changed_at: number | null, 
/**
 * When someone last signed in through Keydesk (UNIX seconds).
 */
last_sign_in_at: number | null, };

/**
 * Everything about a portal that a person edits and an export file carries. No secrets.
 */
export type PortalFields = { 
/**
 * Display name, unique per desk ignoring case.
 */
name: string, 
/**
 * The preset these defaults came from, if any (e.g. `availity`).
 */
preset?: string | null, 
/**
 * The page where the sign-in starts. `https://`, or `http://` to this computer only.
 */
login_url: string, 
/**
 * The exact origins (scheme, host, port) allowed to receive this portal's credentials.
 * Empty means "the login URL's origin"; the login URL's origin is always included.
 */
allowed_origins: Array<string>, 
/**
 * The sign-in name at the portal.
 */
username: string, 
/**
 * The second step after the password.
 */
second_step: SecondStep, 
/**
 * Addresses the portal's codes come from: `name@domain`, or `@domain` for any sender there.
 */
code_senders: Array<string>, 
/**
 * How long a code stays valid, in seconds.
 */
code_lifetime_secs: number | null, 
/**
 * How long "remember this device" lasts, in days.
 */
remember_device_days: number | null, 
/**
 * How often the portal makes you change the password, in days.
 */
password_change_days: number | null, 
/**
 * Wrong tries before the account locks.
 */
lockout_threshold: number | null, 
/**
 * The support line's phone number.
 */
support_phone: string | null, 
/**
 * Identifiers the support line asks for.
 */
office: OfficeIds, };

/**
 * The identifiers a payer's support line asks the office for. Office data only.
 */
export type OfficeIds = { 
/**
 * The payer's own provider or account number for the office.
 */
provider_id?: string | null, 
/**
 * National Provider Identifier: 10 digits with a Luhn check digit.
 */
npi?: string | null, 
/**
 * Tax Identification Number (EIN) of the practice: 9 digits, stored without the dash.
 */
tin?: string | null, };

/**
 * What an import did.
 */
export type PortalImportReport = { 
/**
 * Names of the portals added.
 */
added: Array<string>, 
/**
 * Entries not added, each with why.
 */
rejected: Array<Rejected>, };

/**
 * An entry that was not imported.
 */
export type Rejected = { 
/**
 * 1-based position in the file.
 */
entry: number, 
/**
 * The entry's name, or "entry N" when it has none.
 */
name: string, 
/**
 * Why, in plain words.
 */
reason: string, };

/**
 * Whether one recovery code was used (no code text: that stays in the keychain).
 */
export type RecoveryCodeState = { 
/**
 * 1-based, in the order the codes were saved.
 */
number: number, 
/**
 * When it was marked used (UNIX seconds).
 */
used_at: number | null, };

/**
 * A preset as the "Add portal" picker shows it.
 */
export type PresetChoice = { 
/**
 * Stable id, passed back to [`preset_fields`].
 */
id: string, 
/**
 * The portal's name.
 */
name: string, 
/**
 * What the front desk should know about it.
 */
note: string, 
/**
 * The sign-in address, or `None` when each organization has its own.
 */
login_url: string | null, 
/**
 * True when the organization's own sign-in address must be given (MyChart).
 */
needs_organization_url: boolean, };

/**
 * Which credential to copy.
 */
export type Credential = "username" | "password";

/**
 * What writing a file did.
 */
export type Exported = { 
/**
 * How many portals or entries it holds.
 */
count: number, 
/**
 * The file.
 */
path: string, };

/**
 * [`EntryCodes`] as the authenticator view shows them. Building it is where the codes leave the
 * core, so it is built only for the window that displays them.
 */
export type EntryCodesView = { 
/**
 * The entry.
 */
entry: OtpEntry, 
/**
 * The code valid now (TOTP).
 */
current: string | null, 
/**
 * The next period's code (TOTP).
 */
next: string | null, 
/**
 * Seconds until `current` changes (TOTP).
 */
seconds_left: number | null, 
/**
 * The TOTP period in seconds, for the countdown ring.
 */
period: number | null, 
/**
 * Why there are no codes, if there are none.
 */
problem: string | null, };

/**
 * A stored entry, without its seed: what lists and the UI show.
 */
export type OtpEntry = { 
/**
 * Stable id (also names the keychain item).
 */
id: number, 
/**
 * The account.
 */
name: string, 
/**
 * The service; may be empty.
 */
issuer: string, 
/**
 * `Issuer (name)`.
 */
label: string, 
/**
 * TOTP period or HOTP counter (the next one to use).
 */
kind: OtpKind, 
/**
 * The HMAC hash.
 */
algorithm: OtpAlgorithm, 
/**
 * Number of digits.
 */
digits: number, 
/**
 * The portal whose second step uses this entry, if linked.
 */
portal_id: number | null, };

/**
 * Time-based or counter-based, with the parameter that moves the code on.
 */
export type OtpKind = { "type": "totp", 
/**
 * Seconds per code; 30 almost everywhere.
 */
period: number, } | { "type": "hotp", 
/**
 * The counter value of the next code.
 */
counter: number, };

/**
 * The HMAC hash of an entry.
 */
export type OtpAlgorithm = "SHA1" | "SHA256" | "SHA512";

/**
 * What an import took and what it skipped.
 */
export type OtpImportReport = { 
/**
 * Labels of the entries added.
 */
taken: Array<string>, 
/**
 * Records left out, each with its reason.
 */
skipped: Array<OtpSkipped>, };

/**
 * A record not imported, and why.
 */
export type OtpSkipped = { 
/**
 * The record's label (never its seed).
 */
label: string, 
/**
 * Why, in plain words.
 */
reason: string, };

/**
 * One server's answer to the clock check, in words.
 */
export type ClockLine = { 
/**
 * The server asked.
 */
server: string, 
/**
 * True when the server answered.
 */
answered: boolean, 
/**
 * True when the clock is off enough to make codes fail.
 */
warn: boolean, 
/**
 * What to tell the person.
 */
message: string, };

/**
 * What the main window shows of one sign-in ("signin-changed"). No secret in it.
 */
export type SignInView = { 
/**
 * The portal.
 */
portal_id: number, 
/**
 * Its name.
 */
portal: string, 
/**
 * The state in plain words ("Waiting for the code from Cigna").
 */
words: string, 
/**
 * For a failure, what to do next.
 */
next_step: string | null, 
/**
 * For a failure, its stable code.
 */
failure_code: string | null, 
/**
 * A new sign-in must be confirmed (the last one ended in a way a lockout counts).
 */
retry_needs_confirmation: boolean, 
/**
 * How near the portal's lockout the sign-ins that failed in a row are, when near (see
 * [`guard::lockout_warning`]).
 */
lockout_warning: string | null, 
/**
 * When the sign-in started (UNIX milliseconds).
 */
started_ms: number, 
/**
 * Its figures.
 */
timing: Timing, 
/**
 * A code that arrived for this sign-in from a mail server that checks no sender: the
 * sign-in fills it only once the person confirms it.
 */
code_to_confirm: CodeToConfirm | null, } & ({ "state": "opening" } | { "state": "credentials" } | { "state": "requesting_code" } | { "state": "waiting_for_code", 
/**
 * When the code was asked for (UNIX seconds); only codes that arrived since are taken.
 */
since: number, } | { "state": "code" } | { "state": "signed_in", 
/**
 * A remembered device (or the portal's session) skipped the code step.
 */
skipped_code: boolean, } | { "state": "failed", 
/**
 * Why.
 */
failure: Failure, });

/**
 * A code shown for the person's confirmation: the mail server checks no sender, so only the
 * person can say it is the code the portal just sent. No digits here: the Codes view shows
 * them.
 */
export type CodeToConfirm = { 
/**
 * Its message.
 */
key: MessageKey, 
/**
 * Who the message says sent it.
 */
sender: string, 
/**
 * When it arrived (UNIX seconds).
 */
delivered_at: number, };

/**
 * Where the sign-in is.
 */
export type SignInState = { "state": "opening" } | { "state": "credentials" } | { "state": "requesting_code" } | { "state": "waiting_for_code", 
/**
 * When the code was asked for (UNIX seconds); only codes that arrived since are taken.
 */
since: number, } | { "state": "code" } | { "state": "signed_in", 
/**
 * A remembered device (or the portal's session) skipped the code step.
 */
skipped_code: boolean, } | { "state": "failed", 
/**
 * Why.
 */
failure: Failure, };

/**
 * Figures of one sign-in, in milliseconds; no secrets.
 */
export type Timing = { 
/**
 * From the start to signed in (or failed).
 */
total_ms: number | null, 
/**
 * How long the sign-in waited for a usable code: from asking for an e-mailed or texted
 * code to the code being in the inbox; for an authenticator code, the wait for the next
 * period when the current code was too near its end to send (none when it was at hand).
 */
waiting_for_code_ms: number | null, };

/**
 * Why a sign-in stopped. Carries no secret: only what the desk may read and report.
 */
export type Failure = { "reason": "wrong_credentials" } | { "reason": "locked" } | { "reason": "password_expired" } | { "reason": "maintenance" } | { "reason": "code_never_came" } | { "reason": "sso" } | { "reason": "look_alike_origin", 
/**
 * The origin the page was on.
 */
origin: string, } | { "reason": "address_changed", 
/**
 * The origin the page was on then, as far as known.
 */
origin: string, } | { "reason": "code_refused" } | { "reason": "code_not_sent" } | { "reason": "channel_not_offered", 
/**
 * The channel asked for.
 */
channel: Channel, } | { "reason": "stored_session" } | { "reason": "form_not_found" } | { "reason": "step_not_found", 
/**
 * The step ("username", "password", "code", "how to send the code").
 */
step: string, 
/**
 * The page (its address without the query).
 */
page: string, } | { "reason": "not_sign_in_page", 
/**
 * What it is, in words.
 */
page: string, } | { "reason": "form_posts_elsewhere", 
/**
 * Where it posts.
 */
origin: string, } | { "reason": "submit_not_found", 
/**
 * What was written.
 */
filled: Filled, } | { "reason": "not_responding" } | { "reason": "no_password" } | { "reason": "no_code_source", 
/**
 * What is missing, in plain words.
 */
missing: string, } | { "reason": "keychain", 
/**
 * Its message (never a secret).
 */
message: string, } | { "reason": "window_closed" } | { "reason": "window", 
/**
 * What went wrong.
 */
message: string, };

/**
 * What a fill wrote into the page.
 */
export type Filled = "password" | "code";

/**
 * One remembered device, as the Devices view and `keydesk-cli device list` show it at `now`.
 */
export type RememberedDevice = { 
/**
 * The portal.
 */
portal_id: number, 
/**
 * Its name.
 */
portal: string, 
/**
 * Where the desk is remembered.
 */
source: DeviceSource, 
/**
 * The other browser's name, for outside-browser records.
 */
browser: string, 
/**
 * Where the desk is remembered, in words: "Keydesk window", the other browser's name, or
 * "Outside browser". The one wording the app, its reminders and the CLI all show.
 */
place: string, 
/**
 * Remembered since (UNIX seconds).
 */
since: number, 
/**
 * Remembered until (UNIX seconds), when known.
 */
until: number | null, 
/**
 * Where `until` came from.
 */
until_from: UntilFrom, 
/**
 * Days left, rounded up (1 on the last day), when the end is known and not passed.
 */
days_left: number | null, 
/**
 * It lapses within [`LAPSE_WARNING_DAYS`].
 */
lapses_soon: boolean, 
/**
 * It has lapsed: the portal will ask for a code again.
 */
lapsed: boolean, 
/**
 * When the desk was last reminded that it lapses (UNIX seconds).
 */
reminded_at: number | null, };

/**
 * Where the desk is remembered.
 */
export type DeviceSource = "keydesk_window" | "outside_browser";

/**
 * Where a record's end date came from.
 */
export type UntilFrom = "cookie" | "policy" | "by_hand" | "unknown";

/**
 * A record for a desk remembered in another browser, as the person typed it.
 */
export type OutsideRecord = { 
/**
 * Which browser ("Chrome on the front desk PC"); may be empty.
 */
browser: string, 
/**
 * Remembered since, `YYYY-MM-DD`; today when empty.
 */
since: string | null, 
/**
 * Remembered until, `YYYY-MM-DD`; unknown when empty (unless `days` gives it).
 */
until: string | null, 
/**
 * Remembered for this many days from `since`, instead of `until`.
 */
days: number | null, };

/**
 * One portal's health as the window and `keydesk-cli portal health` show it.
 */
export type PortalHealth = { 
/**
 * The portal's id.
 */
portal_id: number, 
/**
 * Its name.
 */
portal: string, 
/**
 * How it stands.
 */
state: PortalHealthState, 
/**
 * When it was checked (UNIX seconds).
 */
checked_at: number, 
/**
 * One line in plain words.
 */
words: string, 
/**
 * This check was not made now: one made less than five minutes ago stands for it.
 */
reused: boolean, 
/**
 * Everything the check found.
 */
checkup: Checkup, };

/**
 * How a portal stands, worst first after `ok`.
 */
export type PortalHealthState = "ok" | "maintenance" | "certificate" | "unreachable" | "error";

/**
 * What one check found. No secret: only the portal's public sign-in page was asked for.
 */
export type Checkup = { 
/**
 * The address checked.
 */
url: string, 
/**
 * How it stands.
 */
state: PortalHealthState, 
/**
 * The state in one line of plain words.
 */
words: string, 
/**
 * When (UNIX seconds).
 */
checked_at: number, 
/**
 * The addresses the name resolved to.
 */
addresses: Array<string>, 
/**
 * How long the name took to resolve (ms).
 */
dns_ms: number | null, 
/**
 * How long the connection took (ms; to the proxy when one is in use).
 */
connect_ms: number | null, 
/**
 * The secure connection, for an `https://` portal reached directly.
 */
tls: TlsReport | null, 
/**
 * The sign-in page's HTTP status.
 */
http_status: number | null, 
/**
 * How long the sign-in page took (ms).
 */
http_ms: number | null, 
/**
 * The maintenance notice on the page, in its own words.
 */
maintenance_notice: string | null, 
/**
 * The system proxy in use for this portal.
 */
proxy: string | null, };

/**
 * What the certificate step found.
 */
export type TlsReport = { 
/**
 * The chain checked out against the trusted roots for the portal's name.
 */
valid: boolean, 
/**
 * What is wrong, in plain words (none when valid).
 */
problem: string | null, 
/**
 * The portal's certificate ends (UNIX seconds).
 */
not_after: number | null, 
/**
 * Days until then (negative once past).
 */
days_left: number | null, 
/**
 * The chain as sent, the portal's certificate first: each one's subject.
 */
chain: Array<string>, 
/**
 * How long the handshake took (ms).
 */
handshake_ms: number | null, };

/**
 * A portal's rules, as the window shows and edits them.
 */
export type RulesView = { 
/**
 * The portal.
 */
portal_id: number, 
/**
 * Its rules.
 */
rules: PasswordRules, 
/**
 * In one sentence.
 */
words: string, };

/**
 * Where a portal's password change stands. No secret in it.
 */
export type ChangeView = { 
/**
 * The portal.
 */
portal_id: number, 
/**
 * Its name.
 */
portal: string, 
/**
 * `proposed` (a new password waits for the person's go), `running`, `changed`,
 * `refused`, `not_sent`, or `unsettled` (cut short after it was sent).
 */
state: string, 
/**
 * In plain words.
 */
words: string, 
/**
 * The rules the new password meets, in a sentence.
 */
rules: string, };

/**
 * What a portal asks of a password.
 */
export type PasswordRules = { 
/**
 * At least this many characters.
 */
min_length: number, 
/**
 * At most this many characters.
 */
max_length: number, 
/**
 * At least one upper-case letter.
 */
upper: boolean, 
/**
 * At least one lower-case letter.
 */
lower: boolean, 
/**
 * At least one digit.
 */
digit: boolean, 
/**
 * At least one symbol (from [`PasswordRules::symbols`]).
 */
symbol: boolean, 
/**
 * The symbols the portal accepts; empty: none.
 */
symbols: string, 
/**
 * The portal refuses any of the last this many passwords (said to the person; Keydesk's
 * new passwords are random, so they never repeat one).
 */
not_last: number, };

/**
 * Which password the portal took.
 */
export type Took = "new" | "old";

/**
 * The guided fix after a portal's last failed sign-in.
 */
export type FixView = { 
/**
 * The portal.
 */
portal_id: number, 
/**
 * Its name.
 */
portal: string, 
/**
 * The failed attempt, with the steps tried since and what they found.
 */
attempt: Attempt, 
/**
 * The fix.
 */
fix: Fix, };

/**
 * The guided fix of one failure class for one portal.
 */
export type Fix = { 
/**
 * The class.
 */
class: FailureClass, 
/**
 * Its heading.
 */
title: string, 
/**
 * The steps, in order.
 */
steps: Array<FixStep>, };

/**
 * One step of a fix.
 */
export type FixStep = { 
/**
 * What to do, in plain words.
 */
words: string, 
/**
 * What Keydesk can do for it, if anything.
 */
action: FixAction | null, 
/**
 * The action's button words.
 */
label: string | null, };

/**
 * What Keydesk can do itself for a step of a fix.
 */
export type FixAction = "change_password" | "open_forgot_password" | "forget_cookies" | "clean_profile_try" | "health_check" | "check_mailbox" | "check_clock" | "show_support" | "prepare_support_request";

/**
 * The kinds of sign-in failure a front desk meets, each with its own fix.
 */
export type FailureClass = "wrong_password" | "locked" | "password_expired" | "sso_hand_off" | "identity_host_unreachable" | "code_never_arrived" | "code_refused" | "stored_session" | "network" | "tls" | "maintenance" | "page_changed" | "other";

/**
 * One sign-in attempt.
 */
export type Attempt = { 
/**
 * Its id.
 */
id: number, 
/**
 * The portal.
 */
portal_id: number, 
/**
 * Started (UNIX milliseconds).
 */
started_ms: number, 
/**
 * Ended (UNIX milliseconds).
 */
ended_ms: number, 
/**
 * How long it took.
 */
duration_ms: number, 
/**
 * `signed_in` or `failed`.
 */
outcome: string, 
/**
 * The failure's stable code ([`crate::signin::Failure::code`]).
 */
failure_code: string | null, 
/**
 * Its class.
 */
class: FailureClass | null, 
/**
 * The portal's alert text, exactly as shown.
 */
alert_text: string | null, 
/**
 * The step it reached.
 */
step: string, 
/**
 * The fix steps tried after it.
 */
tried: Array<Tried>, 
/**
 * Where the portal handed the sign-in outside its own addresses (without the query), if
 * it did: the organization's identity host, say.
 */
handed_to: string | null, };

/**
 * A fix step tried after a failed attempt, and what it found.
 */
export type Tried = { 
/**
 * The action's code ([`super::FixAction::code`]).
 */
action: string, 
/**
 * When (UNIX milliseconds).
 */
at_ms: number, 
/**
 * What it found, in plain words.
 */
found: string, };

/**
 * Everything a support call about one portal needs, but the failure itself.
 */
export type SupportFacts = { 
/**
 * The portal's name.
 */
portal: string, 
/**
 * Its sign-in page.
 */
login_url: string, 
/**
 * The practice.
 */
practice: Practice, 
/**
 * The payer's provider ID for the office.
 */
provider_id: string | null, 
/**
 * The practice's TIN.
 */
tin: string | null, 
/**
 * The NPI (its check digit was validated when saved).
 */
npi: string | null, 
/**
 * The portal's support phone.
 */
support_phone: string | null, 
/**
 * Its hours.
 */
support_hours: string | null, };

/**
 * The practice's own facts, shared by every portal.
 */
export type Practice = { 
/**
 * The practice's name.
 */
name: string, 
/**
 * Its address.
 */
address: string, };

/**
 * A support request: the summary to copy and the zip written.
 */
export type Packet = { 
/**
 * The plain-text summary.
 */
summary: string, 
/**
 * Where the zip was written.
 */
path: string, 
/**
 * A screenshot of the portal window at the failure is in it.
 */
has_screenshot: boolean, };

/**
 * The desk's desktop settings.
 */
export type DesktopSettings = { 
/**
 * Keydesk starts when the person signs in to the computer (off unless turned on).
 */
start_at_login: boolean, 
/**
 * The key combination that shows Keydesk with the newest code, as "Ctrl+Alt+K".
 */
shortcut: string, };

/**
 * The desktop settings as the Settings view shows them.
 */
export type DesktopView = { 
/**
 * What the desk chose.
 */
settings: DesktopSettings, 
/**
 * Why the shortcut does not work now (another program holds it), in plain words.
 */
shortcut_problem: string | null, };

/**
 * Which code the window opens on.
 */
export type Focus = { 
/**
 * The code to select in the Codes view, if any is pending.
 */
code: MessageKey | null, };

/**
 * What the window shows of the lock: always "Signed in as …", the lock screen when locked.
 */
export type SessionView = { 
/**
 * False on a desk without people: never locked.
 */
has_people: boolean, 
/**
 * Locked now.
 */
locked: boolean, 
/**
 * Who is signed in (kept while locked, offered first).
 */
person: SignedIn | null, 
/**
 * Everyone who can sign in.
 */
people: Array<PersonChoice>, 
/**
 * The idle time in force, seconds.
 */
idle_secs: number, 
/**
 * Seconds until the idle lock.
 */
seconds_left: number | null, 
/**
 * The office requires PINs but the desk has no people yet.
 */
pin_required_unmet: boolean, };

/**
 * Someone the lock screen offers.
 */
export type PersonChoice = { 
/**
 * Their id.
 */
id: number, 
/**
 * Their name.
 */
name: string, };

/**
 * Who is signed in.
 */
export type SignedIn = { 
/**
 * Their id.
 */
id: number, 
/**
 * Their name.
 */
name: string, 
/**
 * Their role.
 */
role: Role, };

/**
 * A person as the window shows them (no hash).
 */
export type Person = { 
/**
 * Database id.
 */
id: number, 
/**
 * The name shown ("Maria").
 */
name: string, 
/**
 * Staff or admin.
 */
role: Role, 
/**
 * Wrong PINs typed since the last right one.
 */
failed: number, 
/**
 * Until when (UNIX seconds) no PIN is tried, after too many wrong ones; 0 when none.
 */
wait_until: number, };

/**
 * What a person may do beyond using the desk.
 */
export type Role = "staff" | "admin";

/**
 * One record of the log.
 */
export type Record = { 
/**
 * Its place in the chain, from 1.
 */
seq: number, 
/**
 * UNIX seconds.
 */
at: number, 
/**
 * The desk.
 */
desk: string, 
/**
 * Who.
 */
person: string, 
/**
 * What (wire name of [`Action`]).
 */
action: string, 
/**
 * Which portal.
 */
portal: string | null, 
/**
 * More, in words.
 */
detail: string, 
/**
 * The hash of the record before.
 */
prev: string, 
/**
 * This record's hash.
 */
hash: string, };

/**
 * Which records to list.
 */
export type Filter = { 
/**
 * Only this person's.
 */
person: string | null, 
/**
 * Only this action (wire name).
 */
action: string | null, 
/**
 * Only records about this portal.
 */
portal: string | null, 
/**
 * From this time on (UNIX seconds).
 */
since: number | null, 
/**
 * Up to this time (UNIX seconds).
 */
until: number | null, };

/**
 * What [`verify`] found.
 */
export type Verdict = { "kind": "intact", 
/**
 * How many records were checked.
 */
records: number, } | { "kind": "broken", 
/**
 * Its sequence number.
 */
seq: number, 
/**
 * What is wrong, in words.
 */
why: string, };

/**
 * The export formats.
 */
export type AuditFormat = "csv" | "jsonl";

/**
 * What the office's policy sets, for Settings to show as "set by your office".
 */
export type OfficeSettings = { 
/**
 * The policy in force, where it came from, and what was wrong with it.
 */
office: OfficePolicy, 
/**
 * The desk's chosen idle lock, minutes.
 */
lock_minutes: number, 
/**
 * Where audit records also go ("journald").
 */
system_log: string | null, 
/**
 * Why they do not go to the system log, when they do not.
 */
system_log_problem: string | null, 
/**
 * Whether core dumps are off for this process.
 */
core_dumps_off: boolean, };

/**
 * The language chosen: the system's, or one of Keydesk's own.
 */
export type LanguageSetting = "system" | "en" | "es";

/**
 * The language setting and the language it gives.
 */
export type LanguageView = { 
/**
 * What the person chose.
 */
setting: LanguageSetting, 
/**
 * The language shown.
 */
locale: Locale, };

/**
 * A language Keydesk speaks.
 */
export type Locale = "en" | "es";

/**
 * The policy in force and where it came from.
 */
export type OfficePolicy = { 
/**
 * The merged values.
 */
policy: Policy, 
/**
 * Where values came from (files, registry key).
 */
sources: Array<string>, 
/**
 * What went wrong reading it, in plain words; the strictest values then apply.
 */
problem: string | null, };

/**
 * The office's settings; `None` leaves the desk free to choose.
 */
export type Policy = { 
/**
 * The longest idle time before the desk locks, minutes.
 */
max_idle_minutes: number | null, 
/**
 * The longest a copy stays on the clipboard, seconds.
 */
max_clipboard_secs: number | null, 
/**
 * Whether plain (unencrypted) exports of authenticator keys may be written.
 */
plain_export: boolean | null, 
/**
 * Who may see passwords.
 */
reveal_passwords: RevealWho | null, 
/**
 * Whether the desk must have people with PINs.
 */
pin_required: boolean | null, 
/**
 * How long audit records are kept, days.
 */
audit_retention_days: number | null, };

/**
 * Who may see a portal's password in the window.
 */
export type RevealWho = "everyone" | "admins" | "nobody";
