// The mailbox settings form and the inbox connection line. The shapes are the core's
// (MailboxSettings, InboxConnection, generated: lib/bindings.ts); the core checks the settings,
// this file only turns form fields into them and chooses words.

import type { InboxConnection, MailboxSettings, SeenAuthservId, Security } from "../lib/bindings";
import { m } from "../lib/i18n";

/** The form's fields, as the user edits them (lists as text, the port as text). */
export interface MailboxForm {
  host: string;
  port: string;
  security: Security;
  username: string;
  password: string;
  folders: string;
  trustedCertificate: string;
  smsForwarders: string;
  authservId: string;
}

/** Codes often land in junk, so both are watched unless the office says otherwise. */
export const DEFAULT_FOLDERS = ["INBOX", "Junk"];

export function defaultPort(security: Security): number {
  return security === "tls" ? 993 : 143;
}

/** The form for saved settings, or an empty one with the defaults. */
export function formFrom(settings: MailboxSettings | null): MailboxForm {
  return {
    host: settings?.host ?? "",
    port: String(settings?.port ?? defaultPort("tls")),
    security: settings?.security ?? "tls",
    username: settings?.username ?? "",
    password: "",
    folders: (settings?.folders ?? DEFAULT_FOLDERS).join(", "),
    trustedCertificate: settings?.trusted_certificate ?? "",
    smsForwarders: (settings?.sms_forwarders ?? []).join(", "),
    authservId: settings?.authserv_id ?? "",
  };
}

/** What the form proposes from the ids seen on recent mail: the most frequent, for the person
 *  to confirm, or the plain-words fact that the server checks no sender. */
export function proposal(seen: SeenAuthservId[]): { id: string | null; text: string } {
  const top = seen[0];
  if (!top) {
    return {
      id: null,
      text: m.mail_no_checks(),
    };
  }
  return {
    id: top.id,
    text: m.mail_checked_by({ id: top.id, messages: top.messages, of: top.of }),
  };
}

/** A list typed as "a, b" or one per line. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The settings the form describes, or the plain-words reason it cannot describe any. */
export function settingsFrom(form: MailboxForm): { settings: MailboxSettings } | { problem: string } {
  const port = Number(form.port.trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { problem: m.mail_bad_port() };
  }
  const folders = splitList(form.folders);
  return {
    settings: {
      host: form.host.trim(),
      port,
      security: form.security,
      username: form.username.trim(),
      folders: folders.length > 0 ? folders : DEFAULT_FOLDERS,
      trusted_certificate: form.trustedCertificate.trim() === "" ? null : form.trustedCertificate.trim(),
      sms_forwarders: splitList(form.smsForwarders),
      authserv_id: form.authservId.trim() === "" ? null : form.authservId.trim(),
    },
  };
}

/** When the security changes and the port was the old default, follow the new default. */
export function portAfterSecurityChange(port: string, from: Security, to: Security): string {
  return port.trim() === String(defaultPort(from)) || port.trim() === "" ? String(defaultPort(to)) : port;
}

export type Tone = "ok" | "warn" | "bad";

/** The connection line above the codes. */
export function connectionLine(c: InboxConnection): { tone: Tone; text: string } {
  switch (c.state) {
    case "not_set_up":
      return { tone: "warn", text: m.mail_line_not_set_up() };
    case "stopped":
      return { tone: "bad", text: m.mail_line_stopped({ reason: c.message }) };
    case "connecting":
      return { tone: "warn", text: m.mail_line_connecting({ account: c.account }) };
    case "watching":
      return { tone: "ok", text: m.mail_line_watching({ folders: c.folders.join(", "), account: c.account }) };
    case "failing":
      return { tone: "bad", text: sentence(c.message) };
  }
}

/** The core's messages start in lower case (they also follow a colon); a line starts upper. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
