import { afterEach, describe, expect, it } from "vitest";
import type { RememberedDevice } from "../lib/bindings";
import { setLocale } from "../lib/paraglide/runtime.js";
import { daysLeftLabel, untilLabel } from "./devices";

const base: RememberedDevice = {
  portal_id: 1,
  portal: "Cigna",
  source: "keydesk_window",
  browser: "",
  place: "Keydesk window",
  since: 0,
  until: 1_772_323_200,
  until_from: "cookie",
  days_left: 10,
  lapses_soon: false,
  lapsed: false,
  reminded_at: null,
};

describe("remembered devices wording", () => {
  it("says where and until when", () => {
    expect(untilLabel(base)).toBe("Mar 1, 2026 (from the portal's cookie)");
    expect(untilLabel({ ...base, until: null, until_from: "unknown" })).toBe("Unknown");
  });

  it("counts the days left and warns before a lapse", () => {
    expect(daysLeftLabel(base)).toBe("10 days");
    expect(daysLeftLabel({ ...base, days_left: 1, lapses_soon: true })).toBe("1 day (lapses soon)");
    expect(daysLeftLabel({ ...base, days_left: null, lapsed: true })).toContain("Lapsed");
  });

  describe("in Spanish", () => {
    afterEach(() => setLocale("en", { reload: false }));

    it("writes the date the Spanish way and counts days in Spanish", () => {
      setLocale("es", { reload: false });
      expect(untilLabel(base)).toBe("1 mar 2026 (según la cookie del portal)");
      expect(daysLeftLabel({ ...base, days_left: 1, lapses_soon: true })).toBe("1 día (vence pronto)");
      expect(daysLeftLabel(base)).toBe("10 días");
    });
  });

});
