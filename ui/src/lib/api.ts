// The app's commands and events, typed. Every call goes through here so the UI has one list of
// what it uses: a Rust test (src-tauri/src/tests.rs) checks that the commands called below are
// exactly the app's command list and the events listened to exactly `EventName`. The types are
// generated from the Rust ones (./bindings.ts); none is written by hand.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  Area,
  ClockLine,
  Command,
  CommandError,
  Credential,
  DeskStatus,
  DesktopView,
  DeviceSource,
  FixAction,
  FixView,
  Attempt,
  Packet,
  PortalHealth,
  Practice,
  SupportFacts,
  EntryCodesView,
  ErrorCode,
  EventName,
  Exported,
  Focus,
  InboxConnection,
  KeychainStatus,
  LanguageSetting,
  LanguageView,
  MailboxSettings,
  MailboxSetup,
  SeenAuthservId,
  MessageKey,
  NotificationSettings,
  OtpImportReport,
  OutsideRecord,
  PendingCodeView,
  Portal,
  PortalFields,
  PortalImportReport,
  PortalSummary,
  PresetChoice,
  RecoveryCodeState,
  RememberedDevice,
  SignInView,
  SessionView,
  SignedIn,
  Person,
  Role,
  Record as AuditRecord,
  Filter as AuditFilter,
  Verdict,
  AuditFormat,
  OfficeSettings,
  ChangeView,
  PasswordRules,
  RulesView,
  Took,
} from "./bindings";

/** Runs one of the app's commands; a failure rejects with a `CommandError`. */
function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(command, args);
}

/** Listens to one of the events the shell sends the main window. */
function on<T>(event: EventName, handler: (payload: T) => void): Promise<UnlistenFn> {
  return listen<T>(event, (e) => handler(e.payload));
}

/** A thrown command error, or an "internal" one for anything else. */
export function asCommandError(e: unknown): CommandError {
  if (typeof e === "object" && e !== null && "message" in e) {
    const c = e as { code?: unknown; message: unknown; field?: CommandError["field"] };
    const code = typeof c.code === "string" ? (c.code as ErrorCode) : "internal";
    return c.field === undefined || c.field === null
      ? { code, message: String(c.message) }
      : { code, message: String(c.message), field: c.field };
  }
  return { code: "internal", message: String(e) };
}

/** What went wrong, in the core's plain words. */
export function errorMessage(e: unknown): string {
  return asCommandError(e).message;
}

// Status

export function deskStatus(): Promise<DeskStatus> {
  return call("desk_status");
}

/** Whether the keychain answers now (no network). */
export function keychainStatus(): Promise<KeychainStatus> {
  return call("keychain_status");
}

// Codes and the mailbox

export function pendingCodes(): Promise<PendingCodeView[]> {
  return call("pending_codes");
}

/** Copies a code to the clipboard and marks it used; resolves to the seconds until the
 * clipboard is cleared again. */
export function copyCode(key: MessageKey): Promise<number> {
  return call("copy_code", { key });
}

/** The mailbox connection above the codes, with the last error in plain words. */
export function inboxConnection(): Promise<InboxConnection> {
  return call("inbox_connection");
}

/** The saved mailbox settings and whether a password is stored (never the password). */
export function mailboxSetup(): Promise<MailboxSetup> {
  return call("mailbox_setup");
}

/** Saves the mailbox settings and restarts the inbox. `password` null keeps the saved one. */
export function saveMailbox(settings: MailboxSettings, password: string | null): Promise<void> {
  return call("save_mailbox", { settings, password });
}

/** The authserv-ids the saved mailbox's server stamps on recent mail, most frequent first. */
export function mailboxSeenIds(): Promise<SeenAuthservId[]> {
  return call("mailbox_seen_ids");
}

export function notificationSettings(): Promise<NotificationSettings> {
  return call("notification_settings");
}

export function setNotificationSettings(settings: NotificationSettings): Promise<void> {
  return call("set_notification_settings", { settings });
}

// Portals

export function portalList(): Promise<PortalSummary[]> {
  return call("portal_list");
}

/** Copies a username or password from the core to the clipboard; resolves to the seconds until
 * it is cleared again. */
export function portalCopy(id: number, credential: Credential): Promise<number> {
  return call("portal_copy", { id, credential });
}

/** The password, to show for a few seconds. */
export function portalSetOwn(id: number, own: boolean): Promise<void> {
  return call("portal_set_own", { id, own });
}

export function portalReveal(id: number): Promise<string> {
  return call("portal_reveal", { id });
}

export function portalPresets(): Promise<PresetChoice[]> {
  return call("portal_presets");
}

/** The fields a preset fills in (MyChart needs the organization's sign-in address). */
export function portalPresetFields(preset: string, organizationUrl: string | null): Promise<PortalFields> {
  return call("portal_preset_fields", { preset, organizationUrl });
}

export function portalGet(id: number): Promise<Portal> {
  return call("portal_get", { id });
}

/** Adds a portal; with a password, that goes to the keychain in the same step (all or nothing). */
export function portalAdd(fields: PortalFields, password: string | null): Promise<Portal> {
  return call("portal_add", { fields, password });
}

export function portalUpdate(id: number, fields: PortalFields): Promise<Portal> {
  return call("portal_update", { id, fields });
}

/** Removes a portal and its keychain items (password, recovery codes). */
export function portalRemove(id: number): Promise<void> {
  return call("portal_remove", { id });
}

/** Saves a new password and records today as its change date. */
export function portalChangePassword(id: number, password: string): Promise<void> {
  return call("portal_change_password", { id, password });
}

export function portalRecoveryCodes(id: number): Promise<RecoveryCodeState[]> {
  return call("portal_recovery_codes", { id });
}

/** Saves a new set of recovery codes, one per line; resolves to how many were saved. */
export function portalSetRecoveryCodes(id: number, codes: string): Promise<number> {
  return call("portal_set_recovery_codes", { id, codes });
}

export function portalMarkRecoveryCodeUsed(id: number, number: number): Promise<void> {
  return call("portal_mark_recovery_code_used", { id, number });
}

/** Copies one recovery code (keychain -> clipboard); resolves to the seconds until it is cleared. */
export function portalCopyRecoveryCode(id: number, number: number): Promise<number> {
  return call("portal_copy_recovery_code", { id, number });
}

export function portalExport(path: string): Promise<Exported> {
  return call("portal_export", { path });
}

/** What importing the file would do; adds nothing. */
export function portalImportCheck(path: string): Promise<PortalImportReport> {
  return call("portal_import_check", { path });
}

export function portalImport(path: string): Promise<PortalImportReport> {
  return call("portal_import", { path });
}

// Authenticator

export function otpCodes(): Promise<EntryCodesView[]> {
  return call("otp_codes");
}

/** Copies an entry's code; resolves to the seconds until the clipboard is cleared again. */
export function otpCopy(id: number): Promise<number> {
  return call("otp_copy", { id });
}

/** An HOTP entry's next code (its counter moves on). */
export function otpNextCode(id: number): Promise<string> {
  return call("otp_next_code", { id });
}

export function otpLink(id: number, portal: number | null): Promise<void> {
  return call("otp_link", { id, portal });
}

export function otpRemove(id: number): Promise<void> {
  return call("otp_remove", { id });
}

export function otpAddLink(link: string): Promise<OtpImportReport> {
  return call("otp_add_link", { link });
}

export function otpAddQrFile(path: string): Promise<OtpImportReport> {
  return call("otp_add_qr_file", { path });
}

export function otpAddQrClipboard(): Promise<OtpImportReport> {
  return call("otp_add_qr_clipboard");
}

export function otpImportFile(path: string): Promise<OtpImportReport> {
  return call("otp_import_file", { path });
}

export function otpExportBackup(path: string, password: string): Promise<Exported> {
  return call("otp_export_backup", { path, password });
}

/** A plain otpauth:// list; refused unless `understood` (the person ticked the warning). */
export function otpExportPlain(path: string, understood: boolean): Promise<Exported> {
  return call("otp_export_plain", { path, understood });
}

export function otpImportBackup(path: string, password: string): Promise<OtpImportReport> {
  return call("otp_import_backup", { path, password });
}

export function otpClockCheck(): Promise<ClockLine[]> {
  return call("otp_clock_check");
}

// Settings

/** The clipboard clearing delay in seconds. */
export function clipboardDelay(): Promise<number> {
  return call("clipboard_delay");
}

export function setClipboardDelay(seconds: number): Promise<void> {
  return call("set_clipboard_delay", { seconds });
}

/** The language setting ("system", "en", "es") and the language the window draws in. */
export function language(): Promise<LanguageView> {
  return call("language");
}

/** Keeps the language setting; a "settings" change follows, on which the window redraws. */
export function setLanguage(setting: LanguageSetting): Promise<LanguageView> {
  return call("set_language", { setting });
}

// Keydesk on the desktop

/** What to show now that the window has loaded (the tray, the shortcut or a notification made
 * it); null when nothing was asked. */
export function windowFocus(): Promise<Focus | null> {
  return call("window_focus");
}

/** Start at login, the shortcut, and why the shortcut does not work if it does not. */
export function desktopSettings(): Promise<DesktopView> {
  return call("desktop_settings");
}

export function setStartAtLogin(on: boolean): Promise<void> {
  return call("set_start_at_login", { on });
}

/** Uses another shortcut; resolves to it as Keydesk writes it ("Ctrl+Alt+K"). */
export function setShortcut(shortcut: string): Promise<string> {
  return call("set_shortcut", { shortcut });
}

// Sign-in

/** Starts a one-click sign-in in the portal's own window. `confirm` is the user's "try once
 * more" after a refused password, a locked account or a refused code. */
export function signinStart(portalId: number, confirm = false): Promise<SignInView> {
  return call("signin_start", { portalId, confirm });
}

export function signinStatus(): Promise<SignInView[]> {
  return call("signin_status");
}

/** Opens the portal's sign-in page in the system browser. */
/** Waits for the person's click in the portal window and keeps it as the hint for `step`. */
export function signinTeach(portalId: number, step: string): Promise<string> {
  return call("signin_teach", { portalId, step });
}

export function signinForgetTaught(portalId: number): Promise<boolean> {
  return call("signin_forget_taught", { portalId });
}

export function signinConfirmCode(portalId: number, key: MessageKey): Promise<void> {
  return call("signin_confirm_code", { portalId, key });
}

export function signinOpenInBrowser(portalId: number): Promise<void> {
  return call("signin_open_in_browser", { portalId });
}

// Remembered devices

export function deviceList(): Promise<RememberedDevice[]> {
  return call("device_list");
}

/** Checks one portal (or every portal) now; a check of less than five minutes ago stands. */
export function portalHealth(portalId: number | null): Promise<PortalHealth[]> {
  return call("portal_health", { portalId });
}

/** The latest health check of every portal. */
export function portalHealthLatest(): Promise<PortalHealth[]> {
  return call("portal_health_latest");
}

/** A portal's sign-ins, newest first. */
export function signinHistory(portalId: number): Promise<Attempt[]> {
  return call("signin_history", { portalId });
}

/** The guided fix after the portal's last sign-in, if it failed. */
export function troubleshootFix(portalId: number): Promise<FixView | null> {
  return call("troubleshoot_fix", { portalId });
}

/** Runs one step of the fix; what it found. */
export function troubleshootRun(portalId: number, action: FixAction): Promise<string> {
  return call("troubleshoot_run", { portalId, action });
}

/** The portal's password rules (edited, else its preset's). */
export function passwordRules(portalId: number): Promise<RulesView> {
  return call("password_rules", { portalId });
}

/** Keeps edited password rules for the portal. */
export function passwordSetRules(portalId: number, rules: PasswordRules): Promise<RulesView> {
  return call("password_set_rules", { portalId, rules });
}

/** Makes a new password meeting the rules, kept in the keychain beside the saved one. */
export function passwordPropose(portalId: number): Promise<ChangeView> {
  return call("password_propose", { portalId });
}

/** The proposed new password, to show for a few seconds because the person asked. */
export function passwordProposed(portalId: number): Promise<string> {
  return call("password_proposed", { portalId });
}

/** Drops a proposed change (never one that was sent). */
export function passwordCancel(portalId: number): Promise<void> {
  return call("password_cancel", { portalId });
}

/** Every portal's password change to show. */
export function passwordChanges(): Promise<ChangeView[]> {
  return call("password_changes");
}

/** Says which password the portal took, for a change cut short. */
export function passwordSettle(portalId: number, took: Took): Promise<ChangeView> {
  return call("password_settle", { portalId, took });
}

/** The person confirmed: the change runs in the portal's window. */
export function passwordChange(portalId: number): Promise<void> {
  return call("password_change", { portalId });
}

/** What a support call about the portal needs. */
export function supportFacts(portalId: number): Promise<SupportFacts> {
  return call("support_facts", { portalId });
}

/** Keeps the practice's name and address. */
export function supportSetPractice(practice: Practice): Promise<void> {
  return call("support_set_practice", { practice });
}

/** Keeps the portal's support hours. */
export function supportSetHours(portalId: number, hours: string): Promise<void> {
  return call("support_set_hours", { portalId, hours });
}

/** Writes the support request (a zip) to `path`; its summary. */
export function supportPacket(portalId: number, path: string, includeUsername: boolean): Promise<Packet> {
  return call("support_packet", { portalId, path, includeUsername });
}

/** Forgets a remembered device: for the Keydesk window its cookies too. */
export function deviceForget(portalId: number, source: DeviceSource): Promise<void> {
  return call("device_forget", { portalId, source });
}

/** Keeps a record by hand for a desk remembered in another browser. The dates are as typed
 * (`YYYY-MM-DD`, null when empty); the core checks them. */
export function deviceAdd(portalId: number, record: OutsideRecord): Promise<void> {
  return call("device_add", { portalId, record });
}

// Events

/** Called when one of `areas` changed (a code arrived, a portal was saved…), with the area;
 * the view then reads it again. */
export function onChanged(areas: Area[], handler: (area: Area) => void): Promise<UnlistenFn> {
  return on("changed", (area: Area) => {
    if (areas.includes(area)) handler(area);
  });
}

/** Keydesk was brought forward on a code while the window was open. */
export function onFocus(handler: (focus: Focus) => void): Promise<UnlistenFn> {
  return on("focus", handler);
}

/** Each sign-in's state changes (no secrets in it). */
export function onSigninChanged(handler: (view: SignInView) => void): Promise<UnlistenFn> {
  return on("signin-changed", handler);
}

// The lock, the people of the desk, the audit log, the office's policy

/** "Signed in as …", or the lock screen. */
export function sessionView(): Promise<SessionView> {
  return call("session_view");
}

/** Someone used the window: the idle lock moves on (called at most every few seconds). */
export function sessionTouch(): Promise<void> {
  return call("session_touch");
}

/** Locks now, from the button or the shortcut. */
export function sessionLock(why: "button" | "shortcut"): Promise<void> {
  return call("session_lock", { why });
}

/** Unlocks for a person (or switches to them) with their PIN, checked by the core. */
export function sessionUnlock(name: string, pin: string): Promise<SignedIn> {
  return call("session_unlock", { name, pin });
}

export function peopleList(): Promise<Person[]> {
  return call("people_list");
}

export function peopleAdd(name: string, role: Role, pin: string): Promise<Person> {
  return call("people_add", { name, role, pin });
}

export function peopleRemove(name: string): Promise<void> {
  return call("people_remove", { name });
}

export function auditList(filter: AuditFilter): Promise<AuditRecord[]> {
  return call("audit_list", { filter });
}

export function auditVerify(): Promise<Verdict> {
  return call("audit_verify");
}

export function auditExport(filter: AuditFilter, format: AuditFormat, path: string): Promise<Exported> {
  return call("audit_export", { filter, format, path });
}

export function officeSettings(): Promise<OfficeSettings> {
  return call("office_settings");
}

export function setLockMinutes(minutes: number): Promise<void> {
  return call("set_lock_minutes", { minutes });
}
