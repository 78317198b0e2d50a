import { describe, expect, it } from "vitest";
import { emptyForm, fromForm, lines, placeError, splitLifetime, toForm, unitLabel, wholeNumber } from "./form";
import type { PortalFields } from "../lib/bindings";
import { setLocale } from "../lib/paraglide/runtime.js";

// Runs `words` with the window in Spanish, then back to English (the tests' base locale).
function inSpanish<T>(words: () => T): T {
  setLocale("es", { reload: false });
  try {
    return words();
  } finally {
    setLocale("en", { reload: false });
  }
}

const availity: PortalFields = {
  name: "Availity",
  preset: "availity",
  login_url: "https://apps.availity.com/availity/web/public.elegant.login",
  allowed_origins: ["https://apps.availity.com"],
  username: "frontdesk",
  second_step: "authenticator",
  code_senders: [],
  code_lifetime_secs: 30,
  remember_device_days: null,
  password_change_days: 60,
  lockout_threshold: 5,
  support_phone: "800-282-4548",
  office: { provider_id: "A123", npi: "1234567893", tin: null },
};

describe("portal form", () => {
  it("gives back exactly the fields it was given", () => {
    const back = fromForm(toForm(availity));
    expect(back).toEqual({ fields: { ...availity, office: { ...availity.office, tin: null } } });
  });

  it("shows a lifetime in the largest whole unit and converts it back to seconds", () => {
    expect(splitLifetime(600)).toEqual({ value: "10", unit: "minutes" });
    expect(splitLifetime(86_400)).toEqual({ value: "1", unit: "days" });
    expect(splitLifetime(30)).toEqual({ value: "30", unit: "seconds" });
    expect(splitLifetime(null)).toEqual({ value: "", unit: "minutes" });
    const form = { ...toForm(availity), code_lifetime: "2", code_lifetime_unit: "hours" as const };
    const out = fromForm(form);
    expect("fields" in out && out.fields.code_lifetime_secs).toBe(7200);
  });

  it("refuses numbers that are not whole, next to their field, and sends nothing", () => {
    const out = fromForm({ ...toForm(availity), lockout_threshold: "five", password_change_days: "1.5" });
    expect(out).toEqual({
      errors: {
        lockout_threshold: "enter a whole number, or leave it empty",
        password_change_days: "enter a whole number, or leave it empty",
      },
    });
    expect(wholeNumber("  ")).toBeNull();
    expect(wholeNumber("12")).toBe(12);
    expect(wholeNumber("99999999999999999999")).toBe("this number is too large");
  });

  it("words its own problems and units in Spanish", () => {
    expect(inSpanish(() => [wholeNumber("five"), unitLabel("minutes")])).toEqual(["escriba un número entero o deje el campo vacío", "minutos"]);
    expect(unitLabel("minutes")).toBe("minutes");
  });

  it("reads lists one per line or comma-separated and empties optional text to null", () => {
    expect(lines(" @cigna.com\n\nno-reply@cigna.example, x@y.org ")).toEqual(["@cigna.com", "no-reply@cigna.example", "x@y.org"]);
    const out = fromForm({ ...emptyForm(), name: "X", support_phone: "  ", npi: "" });
    expect("fields" in out && out.fields.support_phone).toBeNull();
    expect("fields" in out && out.fields.office.npi).toBeNull();
  });

  it("puts the core's validation error next to the field it names, as the core words it", () => {
    expect(placeError({ code: "portal_invalid", field: "npi", message: "1234567890 fails the NPI check digit; check it for a typo" })).toEqual({
      key: "npi",
      text: "1234567890 fails the NPI check digit; check it for a typo",
    });
    expect(placeError({ code: "portal_invalid", field: "login_url", message: "Is empty" }).key).toBe("login_url");
    expect(placeError({ code: "portal_duplicate_name", field: "name", message: 'A portal named "A" already exists' })).toEqual({
      key: "name",
      text: 'A portal named "A" already exists',
    });
    expect(placeError({ code: "portal_no_password", field: "password", message: "Enter the password" }).key).toBe("password");
  });

  it("maps the core's field names that differ from the form's keys", () => {
    expect(placeError({ code: "portal_invalid", field: "code_lifetime_secs", message: "Must be at least 10 seconds" }).key).toBe("code_lifetime");
    expect(placeError({ code: "portal_invalid", field: "organization_url", message: "Must start with https://" }).key).toBe("organization");
  });

  it("puts an error that is not about one of the form's fields above the form", () => {
    expect(placeError({ code: "keychain_unavailable", message: "keychain unavailable: no keychain service is running" })).toEqual({
      key: null,
      text: "keychain unavailable: no keychain service is running",
    });
    expect(placeError({ code: "device_invalid", field: "since", message: "2026-02-31 is not a day" }).key).toBeNull();
  });
});
