import { afterEach, describe, expect, it } from "vitest";
import { setLocale } from "../lib/paraglide/runtime.js";
import { clearDelay } from "./settings";

describe("clipboard delay field", () => {
  it("takes whole seconds from 1 to 600", () => {
    expect(clearDelay(" 45 ")).toEqual({ seconds: 45 });
    expect(clearDelay("1")).toEqual({ seconds: 1 });
    expect(clearDelay("600")).toEqual({ seconds: 600 });
  });

  it("says why anything else cannot be used", () => {
    expect(clearDelay("0")).toHaveProperty("problem");
    expect(clearDelay("601")).toHaveProperty("problem");
    expect(clearDelay("2.5")).toEqual({ problem: "Enter a whole number of seconds." });
    expect(clearDelay("")).toEqual({ problem: "Enter a whole number of seconds." });
  });

  describe("in Spanish", () => {
    afterEach(() => setLocale("en", { reload: false }));

    it("says why in Spanish", () => {
      setLocale("es", { reload: false });
      expect(clearDelay("601")).toEqual({ problem: "Elija entre 1 y 600 segundos (10 minutos)." });
    });
  });
});
