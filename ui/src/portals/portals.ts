// How the portal list words the portals the core sends (PortalSummary and the other shapes are
// generated: lib/bindings.ts).

import type { PasswordAge, PortalImportReport, PortalSummary, SecondStep } from "../lib/bindings";

export const SECOND_STEPS: { id: SecondStep; label: string }[] = [
  { id: "email_code", label: "e-mail code" },
  { id: "sms_code", label: "text message code" },
  { id: "authenticator", label: "authenticator app" },
  { id: "none", label: "none / single sign-on" },
];

/** "today", "yesterday", "5 days ago", or "never". */
export function daysAgo(at: number | null, now: number): string {
  if (at === null) return "never";
  const days = Math.floor((now - at) / 86_400);
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  return `${days} days ago`;
}

/** The password column: its age, or why there is none. */
export function passwordLabel(p: PasswordAge): string {
  if (p.state === "not_saved") return "No password saved";
  const age = p.age_days === null ? "" : p.age_days === 0 ? "changed today" : `${p.age_days} days old`;
  return p.warning ?? age;
}

/** "7 of 10 left", or null when the portal has no recovery codes saved. */
export function recoveryLabel(p: Pick<PortalSummary, "recovery_codes_total" | "recovery_codes_unused">): string | null {
  if (p.recovery_codes_total === 0) return null;
  const left = p.recovery_codes_unused;
  return `${left} of ${p.recovery_codes_total} recovery code${p.recovery_codes_total === 1 ? "" : "s"} left`;
}

/** A date as the desk reads it, e.g. "Nov 30, 2026". */
export function shortDate(at: number): string {
  return new Date(at * 1000).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** How long until the clipboard is cleared, in words: "20 seconds", "2 minutes". */
export function clearedIn(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) {
    const m = seconds / 60;
    return `${m} minute${m === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

/** The import's outcome in a sentence. */
export function importSummary(r: PortalImportReport, done: boolean): string {
  const n = r.added.length;
  const what = `${n} portal${n === 1 ? "" : "s"}`;
  const rejected = r.rejected.length === 0 ? "" : ` ${r.rejected.length} cannot be imported (see below).`;
  if (done) return `Imported ${what}.${rejected}`;
  if (n === 0) return `Nothing in this file can be imported.${rejected}`;
  return `Ready to import ${what}.${rejected}`;
}

/** The authenticator entry a portal's second step uses, if one is linked to it. */
export function linkedEntry<T extends { entry: { portal_id: number | null } }>(portalId: number, entries: T[]): T | null {
  return entries.find((e) => e.entry.portal_id === portalId) ?? null;
}
