import { describe, expect, it } from "vitest";
import { clearedIn, daysAgo, importSummary, linkedEntry, passwordLabel, recoveryLabel } from "./portals";

describe("portal list wording", () => {
  it("says when the last sign-in was", () => {
    expect(daysAgo(null, 1000)).toBe("never");
    expect(daysAgo(1000, 1000 + 3600)).toBe("today");
    expect(daysAgo(0, 5 * 86_400 + 10)).toBe("5 days ago");
  });

  it("puts the core's warning before the age", () => {
    const base = { changed_at: 0, due_at: 0, age_days: 56 };
    expect(passwordLabel({ ...base, state: "due_soon", warning: "Availity wants a new password in 4 days" })).toContain("4 days");
    expect(passwordLabel({ ...base, state: "current", warning: null })).toBe("56 days old");
    expect(passwordLabel({ ...base, state: "not_saved", warning: null })).toBe("No password saved");
  });

  it("counts recovery codes left, and says nothing when there are none", () => {
    expect(recoveryLabel({ recovery_codes_total: 10, recovery_codes_unused: 7 })).toBe("7 of 10 recovery codes left");
    expect(recoveryLabel({ recovery_codes_total: 1, recovery_codes_unused: 0 })).toBe("0 of 1 recovery code left");
    expect(recoveryLabel({ recovery_codes_total: 0, recovery_codes_unused: 0 })).toBeNull();
  });

  it("words the clipboard delay the core reports", () => {
    expect(clearedIn(20)).toBe("20 seconds");
    expect(clearedIn(1)).toBe("1 second");
    expect(clearedIn(120)).toBe("2 minutes");
    expect(clearedIn(90)).toBe("90 seconds");
  });

  it("says what an import will do before it does it", () => {
    const r = { added: ["Availity"], rejected: [{ entry: 2, name: "Plain", reason: "not encrypted" }] };
    expect(importSummary(r, false)).toBe("Ready to import 1 portal. 1 cannot be imported (see below).");
    expect(importSummary(r, true)).toBe("Imported 1 portal. 1 cannot be imported (see below).");
    expect(importSummary({ added: [], rejected: r.rejected }, false)).toContain("Nothing in this file");
  });

  it("finds the authenticator entry linked to a portal", () => {
    const entries = [{ entry: { portal_id: 3 }, n: "a" }, { entry: { portal_id: null }, n: "b" }];
    expect(linkedEntry(3, entries)?.n).toBe("a");
    expect(linkedEntry(4, entries)).toBeNull();
  });
});
