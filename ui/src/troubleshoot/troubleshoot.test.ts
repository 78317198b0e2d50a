import { afterEach, describe, expect, it } from "vitest";
import type { Attempt } from "../lib/bindings";
import { setLocale } from "../lib/paraglide/runtime.js";
import { attemptLine, healthLine } from "./troubleshoot";

describe("troubleshoot lines", () => {
  it("says a portal was not checked yet", () => {
    expect(healthLine(null)).toBe("Not checked yet.");
  });
  afterEach(() => setLocale("en", { reload: false }));

  it("names the step, the class and the portal's own words of a failed sign-in", () => {
    const a: Attempt = {
      id: 1,
      portal_id: 1,
      started_ms: 0,
      ended_ms: 2500,
      duration_ms: 2500,
      outcome: "failed",
      failure_code: "locked",
      class: "locked",
      alert_text: "Your account is locked.",
      step: "password",
      tried: [],
      handed_to: null,
    };
    const line = attemptLine(a);
    expect(line).toContain("failed at password (2.5 s), locked");
    expect(line).toContain("“Your account is locked.”");

    // In Spanish the words and the decimal comma follow; the core's codes and the portal's
    // own words stay as they came.
    setLocale("es", { reload: false });
    const spanish = attemptLine(a);
    expect(spanish).toContain("falló en password (2,5 s), locked");
    expect(spanish).toContain("“Your account is locked.”");
    expect(healthLine(null)).toBe("Aún no se ha comprobado.");
  });
});
