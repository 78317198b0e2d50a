import { describe, expect, it } from "vitest";
import type { PendingCodeView } from "../lib/bindings";
import { setLocale } from "../lib/paraglide/runtime.js";
import { copyable, formatLeft, fromLabel, grouped, secondsLeft, shareLeft, stateAt, stateLabel } from "./codes";

// Runs `words` with the window in Spanish, then back to English (the tests' base locale).
function inSpanish<T>(words: () => T): T {
  setLocale("es", { reload: false });
  try {
    return words();
  } finally {
    setLocale("en", { reload: false });
  }
}

const code: PendingCodeView = {
  key: { folder: "INBOX", uid_validity: 1, uid: 9 },
  code: "482913",
  origin: { kind: "portal", portal_id: 1, name: "Cigna" },
  channel: "email",
  delivered_at: 1000,
  expires_at: 1600,
  state: "fresh",
  used_at_another_desk: false,
};

describe("pending code display", () => {
  it("counts down from delivery plus lifetime", () => {
    expect(secondsLeft(code, 1000)).toBe(600);
    expect(shareLeft(code, 1300)).toBeCloseTo(0.5);
    expect(secondsLeft(code, 2000)).toBe(0);
  });

  it("formats time left for a glance", () => {
    expect(formatLeft(545)).toBe("9:05");
    expect(formatLeft(42)).toBe("42 s");
    expect(formatLeft(3720)).toBe("1 h 02 min");
  });

  it("shows a code that ran out as expired before the core says so", () => {
    expect(stateAt(code, 1599)).toBe("fresh");
    expect(stateAt(code, 1600)).toBe("expired");
    expect(stateAt({ ...code, state: "used" }, 1600)).toBe("used");
  });

  it("marks unverified senders in the label", () => {
    const unverified = { kind: "unverified", portal_id: 1, name: "Cigna", sender: "x@evil.test", reason: "DMARC failed", confirmable: false } as const;
    expect(fromLabel(unverified)).toBe("Unverified — says it is Cigna");
    expect(fromLabel({ kind: "unmatched", sender: "x@evil.test" })).toBe("Unknown sender: x@evil.test");
    expect(inSpanish(() => fromLabel(unverified))).toBe("Sin verificar: dice ser Cigna");
  });

  it("groups six and eight character codes, leaves others alone", () => {
    expect(grouped("482913")).toBe("482 913");
    expect(grouped("TM3KX2")).toBe("TM3 KX2");
    expect(grouped("12345")).toBe("12345");
  });

  it("says when another desk used the code", () => {
    expect(stateLabel({ ...code, state: "used", used_at_another_desk: true }, "used", 1100)).toBe("Used at another desk");
    expect(stateLabel({ ...code, state: "used" }, "used", 1100)).toBe("Used");
    expect(stateLabel(code, "fresh", 1055)).toBe("9:05 left");
    expect(stateLabel(code, "superseded", 1100)).toBe("Replaced by a newer code");
    expect(stateLabel(code, "expired", 1700)).toBe("Expired");
  });

  it("says it in Spanish", () => {
    expect(
      inSpanish(() => [
        stateLabel(code, "fresh", 1055),
        stateLabel({ ...code, state: "used", used_at_another_desk: true }, "used", 1100),
        stateLabel(code, "expired", 1700),
      ]),
    ).toEqual(["Quedan 9:05", "Usado en otro puesto", "Vencido"]);
  });

  it("offers copying only a usable code", () => {
    expect(copyable("fresh")).toBe(true);
    expect(copyable("used")).toBe(false);
    expect(copyable("expired")).toBe(false);
  });
});
