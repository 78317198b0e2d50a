// Words for the portal's health and sign-in history lines.
import type { Attempt, PortalHealth } from "../lib/bindings";

/** The health line under a portal. */
export function healthLine(h: PortalHealth | null): string {
  if (!h) return "Not checked yet.";
  const at = new Date(h.checked_at * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `${h.words} (checked ${at})`;
}

/** One sign-in of the history. */
export function attemptLine(a: Attempt): string {
  const at = new Date(a.started_ms).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
  const took = `${(a.duration_ms / 1000).toFixed(1)} s`;
  if (a.outcome === "signed_in") return `${at}: signed in (${took})`;
  const alert = a.alert_text ? ` — “${a.alert_text}”` : "";
  return `${at}: failed at ${a.step} (${took}), ${a.class ?? a.failure_code ?? "unknown"}${alert}`;
}
