// Words for the portal's health and sign-in history lines.
import type { Attempt, PortalHealth } from "../lib/bindings";
import { getLocale, m } from "../lib/i18n";

/** The health line under a portal. */
export function healthLine(h: PortalHealth | null): string {
  if (!h) return m.trouble_not_checked();
  const at = new Date(h.checked_at * 1000).toLocaleTimeString(getLocale(), { hour: "2-digit", minute: "2-digit" });
  return m.trouble_health({ words: h.words, at });
}

/** One sign-in of the history. */
export function attemptLine(a: Attempt): string {
  const locale = getLocale();
  const at = new Date(a.started_ms).toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
  const seconds = (a.duration_ms / 1000).toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const took = `${seconds} s`;
  if (a.outcome === "signed_in") return m.trouble_signed_in({ at, took });
  // The step and the class are the core's codes; the alert is the portal's own words.
  const failed = m.trouble_failed({ at, step: a.step, took, why: a.class ?? a.failure_code ?? m.trouble_unknown() });
  return a.alert_text ? `${failed} — “${a.alert_text}”` : failed;
}
