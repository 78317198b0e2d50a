import { describe, expect, it } from "vitest";
import { setLocale } from "../lib/paraglide/runtime.js";
import { clearedIn, daysAgo, importSummary, linkedEntry, passwordLabel, recoveryLabel, secondStepLabel, shortDate } from "./portals";

// Runs `words` with the window in Spanish, then back to English (the tests' base locale).
function inSpanish<T>(words: () => T): T {
  setLocale("es", { reload: false });
  try {
    return words();
  } finally {
    setLocale("en", { reload: false });
  }
}

describe("portal list wording", () => {
  it("says when the last sign-in was", () => {
    expect(daysAgo(null, 1000)).toBe("never");
    expect(daysAgo(1000, 1000 + 3600)).toBe("today");
    expect(daysAgo(0, 5 * 86_400 + 10)).toBe("5 days ago");
    expect(daysAgo(0, 86_400 + 10)).toBe("yesterday");
  });

  it("puts the core's warning before the age", () => {
    const base = { changed_at: 0, due_at: 0, age_days: 56 };
    expect(passwordLabel({ ...base, state: "due_soon", warning: "Availity wants a new password in 4 days" })).toContain("4 days");
    expect(passwordLabel({ ...base, state: "current", warning: null })).toBe("56 days old");
    expect(passwordLabel({ ...base, state: "not_saved", warning: null })).toBe("No password saved");
    expect(passwordLabel({ ...base, age_days: 1, state: "current", warning: null })).toBe("1 day old");
    expect(passwordLabel({ ...base, age_days: 0, state: "current", warning: null })).toBe("changed today");
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

  it("words all of it in Spanish, with the singular for one", () => {
    const base = { changed_at: 0, due_at: 0, warning: null, state: "current" as const };
    const r = { added: ["Availity", "Cigna"], rejected: [{ entry: 2, name: "Plain", reason: "not encrypted" }] };
    expect(
      inSpanish(() => [
        daysAgo(null, 1000),
        daysAgo(0, 5 * 86_400 + 10),
        passwordLabel({ ...base, age_days: 56 }),
        passwordLabel({ ...base, age_days: 1 }),
        recoveryLabel({ recovery_codes_total: 10, recovery_codes_unused: 7 }),
        recoveryLabel({ recovery_codes_total: 1, recovery_codes_unused: 1 }),
        clearedIn(20),
        clearedIn(60),
        importSummary(r, false),
        importSummary({ added: ["Availity"], rejected: [] }, true),
        secondStepLabel("sms_code"),
      ]),
    ).toEqual([
      "nunca",
      "hace 5 días",
      "cambiada hace 56 días",
      "cambiada hace 1 día",
      "7 de 10 códigos de recuperación disponibles",
      "1 de 1 código de recuperación disponible",
      "20 segundos",
      "1 minuto",
      "Listo para importar 2 portales. 1 no se puede importar (vea abajo).",
      "Se importó 1 portal.",
      "código por mensaje de texto",
    ]);
    expect(secondStepLabel("sms_code")).toBe("text message code");
  });

  it("writes dates the way the window's language does", () => {
    const noonNov30 = Date.UTC(2026, 10, 30, 12) / 1000;
    expect(shortDate(noonNov30)).toBe("Nov 30, 2026");
    expect(inSpanish(() => shortDate(noonNov30))).toBe("30 nov 2026");
  });

  it("finds the authenticator entry linked to a portal", () => {
    const entries = [{ entry: { portal_id: 3 }, n: "a" }, { entry: { portal_id: null }, n: "b" }];
    expect(linkedEntry(3, entries)?.n).toBe("a");
    expect(linkedEntry(4, entries)).toBeNull();
  });
});
