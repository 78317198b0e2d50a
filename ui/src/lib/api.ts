// The app's commands and events, typed. Every call goes through here so the UI has one list of
// what it uses (it must match src-tauri/build.rs and the main window's capability).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { DeskStatus } from "../status/status";
import type { MessageKey, PendingCode } from "../codes/codes";
import type { PortalSummary } from "../portals/portals";
import type { EntryCodes } from "../authenticator/authenticator";
import type { SignInView } from "../signin/signin";
import type { DeviceSource, RememberedDevice } from "../devices/devices";

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
