// How the Devices view words the remembered devices the core lists (RememberedDevice,
// generated: lib/bindings.ts).

import type { RememberedDevice, UntilFrom } from "../lib/bindings";

/** A date as the desk reads it, e.g. "Mar 31, 2026". */
export function day(unix: number): string {
  return new Date(unix * 1000).toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

/** Where an end date came from, in words ("" when it is not known). */
const UNTIL_FROM: Record<UntilFrom, string> = {
  cookie: "from the portal's cookie",
  policy: "from the portal's policy",
  by_hand: "entered by hand",
  unknown: "",
};

/** The "until" column: the date and where it came from, or why it is not known. */
export function untilLabel(d: RememberedDevice): string {
  if (d.until === null) return "Unknown";
  const from = UNTIL_FROM[d.until_from];
  return from ? `${day(d.until)} (${from})` : day(d.until);
}

/** The "days left" column. */
export function daysLeftLabel(d: RememberedDevice): string {
  if (d.lapsed) return "Lapsed: the portal will ask for a code";
  if (d.days_left === null) return "—";
  const n = d.days_left === 1 ? "1 day" : `${d.days_left} days`;
  return d.lapses_soon ? `${n} (lapses soon)` : n;
}

