import { describe, expect, it } from "vitest";
import type { SignInView } from "../lib/bindings";
import { setLocale } from "../lib/paraglide/runtime.js";
import { forPortal, isRunning, seconds, stateLine } from "./signin";

// Runs `words` with the window in Spanish, then back to English (the tests' base locale).
function inSpanish<T>(words: () => T): T {
  setLocale("es", { reload: false });
  try {
    return words();
  } finally {
    setLocale("en", { reload: false });
  }
}

// What every state shares; each view below adds its state's own fields.
const common = {
  portal_id: 1,
  portal: "Cigna",
  words: "Waiting for the code from Cigna…",
  next_step: null,
  failure_code: null,
  retry_needs_confirmation: false,
  lockout_warning: null,
  code_to_confirm: null,
  started_ms: 0,
  timing: { total_ms: null, waiting_for_code_ms: null },
};

const base: SignInView = { ...common, state: "waiting_for_code", since: 1000 };

const failed: SignInView = { ...common, state: "failed", failure: { reason: "wrong_credentials" }, failure_code: "wrong_credentials" };

const signedIn = (total_ms: number, waiting_for_code_ms: number | null): SignInView => ({
  ...common,
  state: "signed_in",
  skipped_code: waiting_for_code_ms === null,
  words: "Signed in to Cigna.",
  timing: { total_ms, waiting_for_code_ms },
});

describe("sign-in state", () => {
  it("is running until signed in or failed", () => {
    expect(isRunning(base)).toBe(true);
    expect(isRunning(failed)).toBe(false);
    expect(isRunning(signedIn(900, null))).toBe(false);
    expect(isRunning(null)).toBe(false);
  });

  it("shows the core's words, and the time once signed in", () => {
    expect(stateLine(base)).toBe("Waiting for the code from Cigna…");
    expect(stateLine(signedIn(2310, 580))).toBe("Signed in to Cigna. (2.3 s, 0.6 s of it waiting for the code)");
    expect(stateLine(signedIn(900, null))).toBe("Signed in to Cigna. (0.9 s)");
  });

  it("words the timing in Spanish, with the Spanish decimal comma (the core's words come translated)", () => {
    expect(inSpanish(() => stateLine({ ...signedIn(2310, 580), words: "Sesión iniciada en Cigna." }))).toBe(
      "Sesión iniciada en Cigna. (2,3 s; 0,6 s esperando el código)",
    );
    expect(seconds(2310)).toBe("2.3 s");
  });

  it("finds a portal's view", () => {
    expect(forPortal([base, { ...base, portal_id: 2 }], 2)?.portal_id).toBe(2);
    expect(forPortal([base], 3)).toBeNull();
  });
});
