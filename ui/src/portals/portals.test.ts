import { describe, expect, it } from "vitest";
import { daysAgo, passwordLabel } from "./portals";

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
});
