// Remembered devices as the core lists them (keydesk::devices::RememberedDevice).

export type DeviceSource = "keydesk_window" | "outside_browser";

export interface RememberedDevice {
  portal_id: number;
  portal: string;
  source: DeviceSource;
  browser: string;
  /** Where the desk is remembered, in the core's words. */
  place: string;
  since: number;
  until: number | null;
  until_from: "cookie" | "policy" | "by_hand" | "unknown";
  days_left: number | null;
  lapses_soon: boolean;
  lapsed: boolean;
  reminded_at: number | null;
}

/** A date as the desk reads it, e.g. "Mar 31, 2026". */
export function day(unix: number): string {
  return new Date(unix * 1000).toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

/** The "until" column: the date and where it came from, or why it is not known. */
export function untilLabel(d: RememberedDevice): string {
  if (d.until === null) return "Unknown";
  const from = { cookie: "from the portal's cookie", policy: "from the portal's policy", by_hand: "entered by hand", unknown: "" }[d.until_from];
  return from ? `${day(d.until)} (${from})` : day(d.until);
}

/** The "days left" column. */
export function daysLeftLabel(d: RememberedDevice): string {
  if (d.lapsed) return "Lapsed: the portal will ask for a code";
  if (d.days_left === null) return "—";
  const n = d.days_left === 1 ? "1 day" : `${d.days_left} days`;
  return d.lapses_soon ? `${n} (lapses soon)` : n;
}

/**
 * A date field's value ("2026-03-31") as UNIX seconds at 00:00 UTC, or null when empty. A date
 * that does not exist (2026-02-31) is refused with a plain message, never quietly dropped.
 */
export function fromDateField(value: string): number | null {
  if (!value) return null;
  const t = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) {
    throw new Error(`"${value}" is not a date like 2026-03-31`);
  }
  return Math.floor(t / 1000);
}
