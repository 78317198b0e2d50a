// How the portal list words the portals the core sends (PortalSummary and the other shapes are
// generated: lib/bindings.ts). The words come from the message catalogue in the current language;
// a count picks its `_one` or `_other` text here.

import type { PasswordAge, PortalImportReport, PortalSummary, SecondStep } from "../lib/bindings";
import { getLocale, m } from "../lib/i18n";

/** The second steps a portal can have, in the order the form offers them. */
export const SECOND_STEPS: SecondStep[] = ["email_code", "sms_code", "authenticator", "none"];

/** A second step in words, e.g. "text message code". */
export function secondStepLabel(step: SecondStep): string {
  switch (step) {
    case "email_code":
      return m.portals_step_email();
    case "sms_code":
      return m.portals_step_sms();
    case "authenticator":
      return m.portals_step_authenticator();
    case "none":
      return m.portals_step_none();
  }
}

/** "today", "yesterday", "5 days ago", or "never". */
export function daysAgo(at: number | null, now: number): string {
  if (at === null) return m.portals_days_never();
  const days = Math.floor((now - at) / 86_400);
  if (days <= 0) return m.portals_days_today();
  if (days === 1) return m.portals_days_yesterday();
  return m.portals_days_ago({ count: days });
}

/** The password column: its age, or why there is none. */
export function passwordLabel(p: PasswordAge): string {
  if (p.state === "not_saved") return m.portals_password_not_saved();
  if (p.warning) return p.warning;
  if (p.age_days === null) return "";
  if (p.age_days === 0) return m.portals_password_changed_today();
  const count = p.age_days;
  return count === 1 ? m.portals_password_age_one({ count }) : m.portals_password_age_other({ count });
}

/** "7 of 10 recovery codes left", or null when the portal has no recovery codes saved. */
export function recoveryLabel(p: Pick<PortalSummary, "recovery_codes_total" | "recovery_codes_unused">): string | null {
  const total = p.recovery_codes_total;
  if (total === 0) return null;
  const left = p.recovery_codes_unused;
  return total === 1 ? m.portals_recovery_label_one({ left, total }) : m.portals_recovery_label_other({ left, total });
}

/** A date as the desk reads it in its language, e.g. "Nov 30, 2026" or "30 nov 2026". */
export function shortDate(at: number): string {
  return new Date(at * 1000).toLocaleDateString(getLocale(), { year: "numeric", month: "short", day: "numeric" });
}

/** How long until the clipboard is cleared, in words: "20 seconds", "2 minutes". */
export function clearedIn(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) {
    const count = seconds / 60;
    return count === 1 ? m.portals_cleared_minutes_one({ count }) : m.portals_cleared_minutes_other({ count });
  }
  const count = seconds;
  return count === 1 ? m.portals_cleared_seconds_one({ count }) : m.portals_cleared_seconds_other({ count });
}

/** The import's outcome in a sentence. */
export function importSummary(r: PortalImportReport, done: boolean): string {
  const count = r.added.length;
  const rejectedCount = r.rejected.length;
  const rejected =
    rejectedCount === 0
      ? ""
      : " " + (rejectedCount === 1 ? m.portals_import_rejected_one({ count: rejectedCount }) : m.portals_import_rejected_other({ count: rejectedCount }));
  if (done) return (count === 1 ? m.portals_import_done_one({ count }) : m.portals_import_done_other({ count })) + rejected;
  if (count === 0) return m.portals_import_nothing() + rejected;
  return (count === 1 ? m.portals_import_ready_one({ count }) : m.portals_import_ready_other({ count })) + rejected;
}

/** The authenticator entry a portal's second step uses, if one is linked to it. */
export function linkedEntry<T extends { entry: { portal_id: number | null } }>(portalId: number, entries: T[]): T | null {
  return entries.find((e) => e.entry.portal_id === portalId) ?? null;
}
