// The app's commands and events, typed. Every call goes through here so the UI has one list of
// what it uses (it must match src-tauri/build.rs and the main window's capability).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { DeskStatus } from "../status/status";
import type { MessageKey, PendingCode } from "../codes/codes";
import type { PortalSummary } from "../portals/portals";
import type { EntryCodes } from "../authenticator/authenticator";
import type { InboxConnection, MailboxSettings, MailboxSetup, NotificationSettings } from "../mailbox/mailbox";

/** What a failed command sends: a stable code and a plain-words message. */
export interface CommandError {
  code: string;
  message: string;
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

/** Copies a username or password from the core to the clipboard (cleared again after 20 s). */
export function portalCopy(id: number, credential: "username" | "password"): Promise<void> {
  return invoke("portal_copy", { id, credential });
}

/** The password, to show for a few seconds. */
export function portalReveal(id: number): Promise<string> {
  return invoke<string>("portal_reveal", { id });
}

export function otpCodes(): Promise<EntryCodes[]> {
  return invoke<EntryCodes[]>("otp_codes");
}

export function otpCopy(id: number): Promise<void> {
  return invoke("otp_copy", { id });
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
