import { afterEach, describe, expect, it } from "vitest";
import { setLocale } from "../lib/paraglide/runtime.js";
import { connectionLine, formFrom, portAfterSecurityChange, proposal, settingsFrom, splitList } from "./mailbox";

describe("mailbox form", () => {
  it("proposes the id seen most on recent mail, or says the server checks nothing", () => {
    const p = proposal([
      { id: "mx.office.example", messages: 18, of: 20 },
      { id: "relay.example", messages: 2, of: 20 },
    ]);
    expect(p.id).toBe("mx.office.example");
    expect(p.text).toContain("18 of 20");
    const none = proposal([]);
    expect(none.id).toBeNull();
    expect(none.text).toContain("does not check who sent a message");
  });

  describe("in Spanish", () => {
    afterEach(() => setLocale("en", { reload: false }));

    it("proposes the id and explains a bad port in Spanish", () => {
      setLocale("es", { reload: false });
      expect(proposal([{ id: "mx.office.example", messages: 18, of: 20 }]).text).toContain("(18 de 20 mensajes)");
      const result = settingsFrom({ ...formFrom(null), port: "0" });
      expect("problem" in result && result.problem).toContain("El puerto debe ser un número de 1 a 65535");
    });
  });

  it("starts with TLS on 993 and the inbox and junk folders", () => {
    const form = formFrom(null);
    expect(form.security).toBe("tls");
    expect(form.port).toBe("993");
    expect(form.folders).toBe("INBOX, Junk");
    expect(form.password).toBe("");
  });

  it("never carries a password from saved settings", () => {
    const form = formFrom({
      host: "imap.example.org",
      port: 143,
      security: "start_tls",
      username: "desk",
      folders: ["INBOX"],
      trusted_certificate: "/etc/office.pem",
      sms_forwarders: ["a@b.example"],
      authserv_id: "mx.office.example",
    });
    expect(form.password).toBe("");
    expect(form.authservId).toBe("mx.office.example");
    expect(form.trustedCertificate).toBe("/etc/office.pem");
  });

  it("turns fields into the core's settings", () => {
    const form = { ...formFrom(null), host: " imap.example.org ", username: "desk", folders: "INBOX\nCodes", smsForwarders: "a@sms.example, b@sms.example", authservId: " mx.office.example " };
    const result = settingsFrom(form);
    expect("settings" in result && result.settings).toEqual({
      host: "imap.example.org",
      port: 993,
      security: "tls",
      username: "desk",
      folders: ["INBOX", "Codes"],
      trusted_certificate: null,
      sms_forwarders: ["a@sms.example", "b@sms.example"],
      authserv_id: "mx.office.example",
    });
    expect("settings" in settingsFrom(formFrom(null)) && settingsFrom(formFrom(null))).toMatchObject({ settings: { authserv_id: null } });
  });

  it("explains a port that is not a port", () => {
    const result = settingsFrom({ ...formFrom(null), port: "99999" });
    expect("problem" in result && result.problem).toContain("1 to 65535");
  });

  it("follows the default port when the security changes, unless the port was chosen", () => {
    expect(portAfterSecurityChange("993", "tls", "start_tls")).toBe("143");
    expect(portAfterSecurityChange("1993", "tls", "start_tls")).toBe("1993");
  });

  it("splits lists on commas and lines", () => {
    expect(splitList(" a, ,b\nc ")).toEqual(["a", "b", "c"]);
  });
});

describe("connection line", () => {
  it("says what failed in plain words", () => {
    const line = connectionLine({ state: "failing", account: "a", code: "mailbox_sign_in_failed", message: "mailbox sign-in failed: the server refused the user name or password. Keydesk tries again in 5 minutes." });
    expect(line.tone).toBe("bad");
    expect(line.text).toMatch(/^Mailbox sign-in failed/);
  });

  it("names the folders being watched", () => {
    expect(connectionLine({ state: "watching", account: "desk@host:993", folders: ["INBOX", "Junk"] }).text).toBe("Watching INBOX, Junk at desk@host:993");
  });
});
