// The portal form: PortalFields <-> the text a person types, and where the core's validation
// errors go. The core validates; this only converts text to numbers and lists, and refuses
// what is not a number before it is sent.

import type { CommandError, Field, PortalFields, SecondStep } from "../lib/bindings";
import { m } from "../lib/i18n";

export type Unit = "seconds" | "minutes" | "hours" | "days";
const UNIT_SECONDS: Record<Unit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/** The units a code's lifetime is typed in, smallest first. */
export const UNITS: Unit[] = ["seconds", "minutes", "hours", "days"];

/** A unit in words, in the current language. */
export function unitLabel(unit: Unit): string {
  switch (unit) {
    case "seconds":
      return m.form_unit_seconds();
    case "minutes":
      return m.form_unit_minutes();
    case "hours":
      return m.form_unit_hours();
    case "days":
      return m.form_unit_days();
  }
}

export interface PortalForm {
  name: string;
  preset: string | null;
  login_url: string;
  allowed_origins: string;
  username: string;
  second_step: SecondStep;
  code_senders: string;
  code_lifetime: string;
  code_lifetime_unit: Unit;
  remember_device_days: string;
  password_change_days: string;
  lockout_threshold: string;
  support_phone: string;
  provider_id: string;
  npi: string;
  tin: string;
}

export type FormKey = keyof PortalForm | "password" | "organization";
export type FormErrors = Partial<Record<FormKey, string>>;

/** A lifetime in seconds as the largest whole unit: 600 -> 10 minutes, 30 -> 30 seconds. */
export function splitLifetime(secs: number | null): { value: string; unit: Unit } {
  if (secs === null) return { value: "", unit: "minutes" };
  for (const unit of ["days", "hours", "minutes"] as Unit[]) {
    if (secs % UNIT_SECONDS[unit] === 0) return { value: String(secs / UNIT_SECONDS[unit]), unit };
  }
  return { value: String(secs), unit: "seconds" };
}

export function toForm(f: PortalFields): PortalForm {
  const life = splitLifetime(f.code_lifetime_secs);
  const text = (n: number | null) => (n === null ? "" : String(n));
  return {
    name: f.name,
    preset: f.preset ?? null,
    login_url: f.login_url,
    allowed_origins: f.allowed_origins.join("\n"),
    username: f.username,
    second_step: f.second_step,
    code_senders: f.code_senders.join("\n"),
    code_lifetime: life.value,
    code_lifetime_unit: life.unit,
    remember_device_days: text(f.remember_device_days),
    password_change_days: text(f.password_change_days),
    lockout_threshold: text(f.lockout_threshold),
    support_phone: f.support_phone ?? "",
    provider_id: f.office.provider_id ?? "",
    npi: f.office.npi ?? "",
    tin: f.office.tin ?? "",
  };
}

export function emptyForm(): PortalForm {
  return toForm({
    name: "",
    preset: null,
    login_url: "https://",
    allowed_origins: [],
    username: "",
    second_step: "email_code",
    code_senders: [],
    code_lifetime_secs: null,
    remember_device_days: null,
    password_change_days: null,
    lockout_threshold: null,
    support_phone: null,
    office: {},
  });
}

/** Entries typed one per line or separated by commas; blanks dropped. */
export function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** A whole number of at least 1, or null for an empty field; a string is the problem. */
export function wholeNumber(text: string): number | null | string {
  const t = text.trim();
  if (t === "") return null;
  if (!/^\d+$/.test(t)) return m.form_whole_number();
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return m.form_too_large();
  return n;
}

/** The form as PortalFields for the core, or the fields that are not numbers. */
export function fromForm(form: PortalForm): { fields: PortalFields } | { errors: FormErrors } {
  const errors: FormErrors = {};
  const num = (key: keyof PortalForm): number | null => {
    const v = wholeNumber(String(form[key]));
    if (typeof v === "string") {
      errors[key] = v;
      return null;
    }
    return v;
  };
  const lifetime = num("code_lifetime");
  const fields: PortalFields = {
    name: form.name,
    preset: form.preset,
    login_url: form.login_url,
    allowed_origins: lines(form.allowed_origins),
    username: form.username,
    second_step: form.second_step,
    code_senders: lines(form.code_senders),
    code_lifetime_secs: lifetime === null ? null : lifetime * UNIT_SECONDS[form.code_lifetime_unit],
    remember_device_days: num("remember_device_days"),
    password_change_days: num("password_change_days"),
    lockout_threshold: num("lockout_threshold"),
    support_phone: form.support_phone.trim() === "" ? null : form.support_phone,
    office: {
      provider_id: form.provider_id.trim() === "" ? null : form.provider_id,
      npi: form.npi.trim() === "" ? null : form.npi,
      tin: form.tin.trim() === "" ? null : form.tin,
    },
  };
  return Object.keys(errors).length > 0 ? { errors } : { fields };
}

/** The form's key for the core's field, or null for a field this form does not have. */
function formKey(field: Field): FormKey | null {
  switch (field) {
    case "code_lifetime_secs":
      return "code_lifetime";
    case "organization_url":
      return "organization";
    case "browser":
    case "since":
    case "until":
      return null;
    default:
      return field;
  }
}

/** Where a command's error belongs: next to its field, or above the form when it is not about
 * one of the form's fields. The core's message is shown as it is. */
export function placeError(e: CommandError): { key: FormKey | null; text: string } {
  return { key: e.field ? formKey(e.field) : null, text: e.message };
}
