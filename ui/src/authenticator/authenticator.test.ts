import { describe, expect, it } from "vitest";
import { matching, ringShare, secondsLeftAfter, type EntryCodes } from "./authenticator";

const entry = (label: string, left = 20): EntryCodes => ({
  entry: { id: 1, name: label, issuer: "", label, digits: 6, portal_id: null },
  current: "123456",
  next: "654321",
  seconds_left: left,
  period: 30,
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
});
