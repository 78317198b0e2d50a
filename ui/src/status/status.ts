// How the status screen words the core's DeskStatus (its type is generated: lib/bindings.ts).
// Deciding the state is the core's job; this file only chooses words and colours for it.

import type { KeychainStatus, MailboxStatus } from "../lib/bindings";

export type Tone = "ok" | "warn" | "bad";

export interface Line {
  title: string;
  tone: Tone;
  label: string;
  detail: string;
}

export function keychainLine(k: KeychainStatus): Line {
  if (k.state === "available") {
    return { title: "Keychain", tone: "ok", label: "Available", detail: k.backend };
  }
  return { title: "Keychain", tone: "bad", label: "Unavailable", detail: k.reason };
}

export function mailboxLine(m: MailboxStatus): Line {
  switch (m.state) {
    case "not_set_up":
      return {
        title: "Code mailbox",
        tone: "warn",
        label: "Not set up",
        detail: "Add the office mailbox the portals send their codes to.",
      };
    case "connected":
      return {
        title: "Code mailbox",
        tone: "ok",
        label: "Connected",
        detail: `${m.account} — watching ${m.folders.join(", ")}`,
      };
    case "error":
      return { title: "Code mailbox", tone: "bad", label: "Error", detail: m.message };
  }
}
