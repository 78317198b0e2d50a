import { afterEach, describe, expect, it } from "vitest";
import type { EntryCodesView } from "../lib/bindings";
import { setLocale } from "../lib/paraglide/runtime.js";
import { backupPasswordProblem, clockVerdict, importSummary, isCounter, matching, ringShare, secondsLeftAfter, spaced } from "./authenticator";

const entry = (label: string, left = 20): EntryCodesView => ({
  entry: { id: 1, name: label, issuer: "", label, kind: { type: "totp", period: 30 }, algorithm: "SHA1", digits: 6, portal_id: null },
  current: "123456",
  next: "654321",
  seconds_left: left,
  period: 30,
  problem: null,
});

describe("authenticator view", () => {
  it("finds entries by every word typed", () => {
    const all = [entry("Availity (frontdesk)"), entry("UnitedHealthcare (billing)")];
    expect(matching(all, "avail front").map((e) => e.entry.label)).toEqual(["Availity (frontdesk)"]);
    expect(matching(all, "")).toHaveLength(2);
  });

  it("counts down between the core's readings and stops at zero", () => {
    expect(secondsLeftAfter(entry("x", 20), 5)).toBe(15);
    expect(secondsLeftAfter(entry("x", 3), 5)).toBe(0);
  });

  it("draws the ring as the share of the period left", () => {
    expect(ringShare(15, 30)).toBe(0.5);
    expect(ringShare(null, 30)).toBe(0);
  });

  it("splits codes in two for reading aloud", () => {
    expect(spaced("123456")).toBe("123 456");
    expect(spaced("12345678")).toBe("1234 5678");
    expect(spaced("1234567")).toBe("1234 567");
    expect(spaced(null)).toBe("—");
  });

  it("tells counter-based entries apart", () => {
    const hotp = { ...entry("x"), entry: { ...entry("x").entry, kind: { type: "hotp" as const, counter: 4 } } };
    expect(isCounter(hotp)).toBe(true);
    expect(isCounter(entry("x"))).toBe(false);
  });

  it("says what an import took and skipped", () => {
    expect(importSummary({ taken: ["A", "B"], skipped: [] })).toBe("Added 2 entries.");
    expect(importSummary({ taken: ["A"], skipped: [{ label: "Steam", reason: "Steam codes are not standard" }] })).toBe(
      "Added 1 entry; skipped 1 (see below).",
    );
    expect(importSummary({ taken: [], skipped: [{ label: "A", reason: "already in Keydesk" }] })).toContain("No entry was added");
  });

  describe("in Spanish", () => {
    afterEach(() => setLocale("en", { reload: false }));

    it("says what an import took and skipped, with the counts agreeing", () => {
      setLocale("es", { reload: false });
      expect(importSummary({ taken: ["A"], skipped: [] })).toBe("Se agregó 1 entrada.");
      expect(importSummary({ taken: ["A", "B"], skipped: [{ label: "S", reason: "r" }, { label: "T", reason: "r" }] })).toBe(
        "Se agregaron 2 entradas; se omitieron 2 (vea abajo).",
      );
    });
  });

  it("warns about the clock only when a server says it is off", () => {
    const ok = { server: "https://a", answered: true, warn: false, message: "agrees" };
    const off = { server: "https://b", answered: true, warn: true, message: "This computer's clock is 40 s behind https://b." };
    const silent = { server: "https://c", answered: false, warn: false, message: "unreachable" };
    expect(clockVerdict([ok, off])).toEqual({ warn: true, text: off.message });
    expect(clockVerdict([ok, silent])).toEqual({ warn: false, text: "The clock agrees with 1 portal server (within 15 seconds)." });
    expect(clockVerdict([silent])?.text).toContain("could not be checked");
    expect(clockVerdict([])).toBeNull();
  });

  it("wants a backup password of 10 characters typed twice the same", () => {
    expect(backupPasswordProblem("short", "short")).toContain("10 characters");
    expect(backupPasswordProblem("correct horse", "correct h0rse")).toContain("not the same");
    expect(backupPasswordProblem("correct horse", "correct horse")).toBeNull();
  });
});
