import { describe, expect, it } from "vitest";
import { forPortal, isRunning, stateLine, type SignInView } from "./signin";

const base: SignInView = {
  portal_id: 1,
  portal: "Cigna",
  state: "waiting_for_code",
  since: 1000,
  words: "Waiting for the code from Cigna…",
  next_step: null,
  failure_code: null,
  retry_needs_confirmation: false,
  lockout_warning: null,
  started_ms: 0,
  timing: { total_ms: null, waiting_for_code_ms: null },
};

describe("sign-in state", () => {
  it("is running until signed in or failed", () => {
    expect(isRunning(base)).toBe(true);
    expect(isRunning({ ...base, state: "failed" })).toBe(false);
    expect(isRunning({ ...base, state: "signed_in" })).toBe(false);
    expect(isRunning(null)).toBe(false);
  });

  it("shows the core's words, and the time once signed in", () => {
    expect(stateLine(base)).toBe("Waiting for the code from Cigna…");
    const done = { ...base, state: "signed_in" as const, words: "Signed in to Cigna.", timing: { total_ms: 2310, waiting_for_code_ms: 580 } };
    expect(stateLine(done)).toBe("Signed in to Cigna. (2.3 s, 0.6 s of it waiting for the code)");
    expect(stateLine({ ...done, timing: { total_ms: 900, waiting_for_code_ms: null } })).toBe("Signed in to Cigna. (0.9 s)");
  });

  it("finds a portal's view", () => {
    expect(forPortal([base, { ...base, portal_id: 2 }], 2)?.portal_id).toBe(2);
    expect(forPortal([base], 3)).toBeNull();
  });
});
