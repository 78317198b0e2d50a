// How the status screen words the core's DeskStatus (its type is generated: lib/bindings.ts).
// Deciding the state is the core's job; this file only chooses words and colours for it.

import type { KeychainStatus, MailboxStatus } from "../lib/bindings";
import { m } from "../lib/i18n";

export type Tone = "ok" | "warn" | "bad";

export interface Line {
  /** Which line it is, whatever the language. */
  id: "keychain" | "mailbox";
  title: string;
  tone: Tone;
  label: string;
  detail: string;
}

export function keychainLine(k: KeychainStatus): Line {
  if (k.state === "available") {
    return { id: "keychain", title: m.status_keychain(), tone: "ok", label: m.status_available(), detail: k.backend };
  }
  return { id: "keychain", title: m.status_keychain(), tone: "bad", label: m.status_unavailable(), detail: k.reason };
}

export function mailboxLine(s: MailboxStatus): Line {
  switch (s.state) {
    case "not_set_up":
      return {
        id: "mailbox",
        title: m.status_mailbox(),
        tone: "warn",
        label: m.status_not_set_up(),
        detail: m.status_not_set_up_detail(),
      };
    case "connected":
      return {
        id: "mailbox",
        title: m.status_mailbox(),
        tone: "ok",
        label: m.status_connected(),
        detail: m.status_watching({ account: s.account, folders: s.folders.join(", ") }),
      };
    case "error":
      return { id: "mailbox", title: m.status_mailbox(), tone: "bad", label: m.status_error(), detail: s.message };
  }
}
