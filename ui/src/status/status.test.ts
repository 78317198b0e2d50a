import { describe, expect, it } from "vitest";
import { keychainLine, mailboxLine } from "./status";

describe("status lines", () => {
  it("shows why the keychain is unavailable", () => {
    const line = keychainLine({ state: "unavailable", code: "keychain_unavailable", reason: "no Secret Service answered" });
    expect(line.id).toBe("keychain");
    expect(line.tone).toBe("bad");
    expect(line.detail).toContain("no Secret Service");
  });

  it("names the account and folders of a connected mailbox", () => {
    const line = mailboxLine({ state: "connected", account: "desk@mail:993", folders: ["INBOX", "Junk"] });
    expect(line.id).toBe("mailbox");
    expect(line.label).toBe("Connected");
    expect(line.detail).toBe("desk@mail:993 — watching INBOX, Junk");
  });

  it("passes the core's plain-words error through unchanged", () => {
    const message = "mailbox sign-in failed: the server refused the user name or password";
    expect(mailboxLine({ state: "error", code: "mailbox_sign_in_failed", message }).detail).toBe(message);
  });
});
