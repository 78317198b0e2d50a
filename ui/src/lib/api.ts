// The app's commands and events, typed. Every call goes through here so the UI has one list of
// what it uses (it must match src-tauri/build.rs and the main window's capability).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { DeskStatus } from "../status/status";
import type { MessageKey, PendingCode } from "../codes/codes";
import type { KeychainStatus } from "../status/status";
import type {
  Exported,
  Portal,
  PortalFields,
  PortalImportReport,
  PortalSummary,
  PresetChoice,
  RecoveryCodeState,
} from "../portals/portals";
import type { ClockLine, EntryCodes, OtpImportReport } from "../authenticator/authenticator";
import type { SignInView } from "../signin/signin";
import type { DeviceSource, RememberedDevice } from "../devices/devices";
import type { InboxConnection, MailboxSettings, MailboxSetup, NotificationSettings } from "../mailbox/mailbox";

/** What a failed command sends: a stable code, a plain-words message, and for a validation
 * error the field at fault (as the core names it). */
export interface CommandError {
  code: string;
  message: string;
  field?: string;
}

/** A thrown command error, or a plain one for anything else. */
export function asCommandError(e: unknown): CommandError {
  if (typeof e === "object" && e !== null && "message" in e) {
    const c = e as CommandError;
    return { code: String(c.code ?? "internal"), message: String(c.message), field: c.field };
  }
  return { code: "internal", message: String(e) };
}

export function deskStatus(): Promise<DeskStatus> {
  return invoke<DeskStatus>("desk_status");
}

export function pendingCodes(): Promise<PendingCode[]> {
  return invoke<PendingCode[]>("pending_codes");
}

/** Copies a code to the clipboard (cleared again after the configured delay) and marks it used. */
export function copyCode(key: MessageKey): Promise<void> {
  return invoke("copy_code", { key });
}

/** The mailbox connection above the codes, with the last error in plain words. */
export function inboxConnection(): Promise<InboxConnection> {
  return invoke<InboxConnection>("inbox_connection");
}

/** The saved mailbox settings and whether a password is stored (never the password). */
export function mailboxSetup(): Promise<MailboxSetup> {
  return invoke<MailboxSetup>("mailbox_setup");
}

/** Saves the mailbox settings and restarts the inbox. `password` null keeps the saved one. */
export function saveMailbox(settings: MailboxSettings, password: string | null): Promise<void> {
  return invoke("save_mailbox", { settings, password });
}

export function notificationSettings(): Promise<NotificationSettings> {
  return invoke<NotificationSettings>("notification_settings");
}

export function setNotificationSettings(settings: NotificationSettings): Promise<void> {
  return invoke("set_notification_settings", { settings });
}

export function portalList(): Promise<PortalSummary[]> {
  return invoke<PortalSummary[]>("portal_list");
}

/** Copies a username or password from the core to the clipboard; resolves to the seconds until
 * it is cleared again. */
export function portalCopy(id: number, credential: "username" | "password"): Promise<number> {
  return invoke<number>("portal_copy", { id, credential });
}

/** The password, to show for a few seconds. */
export function portalReveal(id: number): Promise<string> {
  return invoke<string>("portal_reveal", { id });
}

export function otpCodes(): Promise<EntryCodes[]> {
  return invoke<EntryCodes[]>("otp_codes");
}

/** Copies an entry's code; resolves to the seconds until the clipboard is cleared again. */
export function otpCopy(id: number): Promise<number> {
  return invoke<number>("otp_copy", { id });
}

/** Whether the keychain answers now (no network). */
export function keychainStatus(): Promise<KeychainStatus> {
  return invoke<KeychainStatus>("keychain_status");
}

export function portalPresets(): Promise<PresetChoice[]> {
  return invoke<PresetChoice[]>("portal_presets");
}

/** The fields a preset fills in (MyChart needs the organization's sign-in address). */
export function portalPresetFields(preset: string, organizationUrl: string | null): Promise<PortalFields> {
  return invoke<PortalFields>("portal_preset_fields", { preset, organizationUrl });
}

export function portalGet(id: number): Promise<Portal> {
  return invoke<Portal>("portal_get", { id });
}

/** Adds a portal; with a password, that goes to the keychain in the same step (all or nothing). */
export function portalAdd(fields: PortalFields, password: string | null): Promise<Portal> {
  return invoke<Portal>("portal_add", { fields, password });
}

export function portalUpdate(id: number, fields: PortalFields): Promise<Portal> {
  return invoke<Portal>("portal_update", { id, fields });
}

/** Removes a portal and its keychain items (password, recovery codes). */
export function portalRemove(id: number): Promise<void> {
  return invoke("portal_remove", { id });
}

/** Saves a new password and records today as its change date. */
export function portalChangePassword(id: number, password: string): Promise<void> {
  return invoke("portal_change_password", { id, password });
}

export function portalRecoveryCodes(id: number): Promise<RecoveryCodeState[]> {
  return invoke<RecoveryCodeState[]>("portal_recovery_codes", { id });
}

/** Saves a new set of recovery codes, one per line; resolves to how many were saved. */
export function portalSetRecoveryCodes(id: number, codes: string): Promise<number> {
  return invoke<number>("portal_set_recovery_codes", { id, codes });
}

export function portalMarkRecoveryCodeUsed(id: number, number: number): Promise<void> {
  return invoke("portal_mark_recovery_code_used", { id, number });
}

/** Copies one recovery code (keychain -> clipboard); resolves to the seconds until it is cleared. */
export function portalCopyRecoveryCode(id: number, number: number): Promise<number> {
  return invoke<number>("portal_copy_recovery_code", { id, number });
}

export function portalExport(path: string): Promise<Exported> {
  return invoke<Exported>("portal_export", { path });
}

/** What importing the file would do; adds nothing. */
export function portalImportCheck(path: string): Promise<PortalImportReport> {
  return invoke<PortalImportReport>("portal_import_check", { path });
}

export function portalImport(path: string): Promise<PortalImportReport> {
  return invoke<PortalImportReport>("portal_import", { path });
}

/** An HOTP entry's next code (its counter moves on). */
export function otpNextCode(id: number): Promise<string> {
  return invoke<string>("otp_next_code", { id });
}

export function otpLink(id: number, portal: number | null): Promise<void> {
  return invoke("otp_link", { id, portal });
}

export function otpRemove(id: number): Promise<void> {
  return invoke("otp_remove", { id });
}

export function otpAddLink(link: string): Promise<OtpImportReport> {
  return invoke<OtpImportReport>("otp_add_link", { link });
}

export function otpAddQrFile(path: string): Promise<OtpImportReport> {
  return invoke<OtpImportReport>("otp_add_qr_file", { path });
}

export function otpAddQrClipboard(): Promise<OtpImportReport> {
  return invoke<OtpImportReport>("otp_add_qr_clipboard");
}

export function otpImportFile(path: string): Promise<OtpImportReport> {
  return invoke<OtpImportReport>("otp_import_file", { path });
}

export function otpExportBackup(path: string, password: string): Promise<Exported> {
  return invoke<Exported>("otp_export_backup", { path, password });
}

/** A plain otpauth:// list; refused unless `understood` (the person ticked the warning). */
export function otpExportPlain(path: string, understood: boolean): Promise<Exported> {
  return invoke<Exported>("otp_export_plain", { path, understood });
}

export function otpImportBackup(path: string, password: string): Promise<OtpImportReport> {
  return invoke<OtpImportReport>("otp_import_backup", { path, password });
}

export function otpClockCheck(): Promise<ClockLine[]> {
  return invoke<ClockLine[]>("otp_clock_check");
}

/** The clipboard clearing delay in seconds. */
export function clipboardDelay(): Promise<number> {
  return invoke<number>("clipboard_delay");
}

export function setClipboardDelay(seconds: number): Promise<void> {
  return invoke("set_clipboard_delay", { seconds });
}

/** Starts a one-click sign-in in the portal's own window. `confirm` is the user's "try once
 * more" after a refused password, a locked account or a refused code. */
export function signinStart(portalId: number, confirm = false): Promise<SignInView> {
  return invoke<SignInView>("signin_start", { portalId, confirm });
}

export function signinStatus(): Promise<SignInView[]> {
  return invoke<SignInView[]>("signin_status");
}

/** Opens the portal's sign-in page in the system browser. */
export function signinOpenInBrowser(portalId: number): Promise<void> {
  return invoke("signin_open_in_browser", { portalId });
}

/** Each sign-in's state changes (no secrets in it). */
export function onSigninChanged(handler: (view: SignInView) => void): Promise<UnlistenFn> {
  return listen<SignInView>("signin-changed", (e) => handler(e.payload));
}

export function deviceList(): Promise<RememberedDevice[]> {
  return invoke<RememberedDevice[]>("device_list");
}

/** Forgets a remembered device: for the Keydesk window its cookies too. */
export function deviceForget(portalId: number, source: DeviceSource): Promise<void> {
  return invoke("device_forget", { portalId, source });
}

/** Keeps a record by hand for a desk remembered in another browser (UNIX seconds). */
export function deviceAdd(portalId: number, browser: string, since: number | null, until: number | null): Promise<void> {
  return invoke("device_add", { portalId, browser, since, until });
}

/** Called when the remembered devices changed; no data included. */
export function onDevicesChanged(handler: () => void): Promise<UnlistenFn> {
  return listen("devices-changed", handler);
}

/** Called whenever the inbox changed (a code arrived, a connection changed); no data included. */
export function onInboxChanged(handler: () => void): Promise<UnlistenFn> {
  return listen("inbox-changed", handler);
}

export function errorMessage(e: unknown): string {
  if (typeof e === "object" && e !== null && "message" in e) {
    return String((e as CommandError).message);
  }
  return String(e);
}
