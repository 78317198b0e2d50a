// How the Devices view words the remembered devices the core lists (RememberedDevice,
// generated: lib/bindings.ts).

import type { RememberedDevice, UntilFrom } from "../lib/bindings";
import { getLocale, m } from "../lib/i18n";

/** A date as the desk reads it in its language, e.g. "Mar 31, 2026" or "31 mar 2026". */
export function day(unix: number): string {
  return new Date(unix * 1000).toLocaleDateString(getLocale(), { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

/** Where an end date came from, in words ("" when it is not known). */
const UNTIL_FROM: Record<UntilFrom, () => string> = {
  cookie: m.dev_from_cookie,
  policy: m.dev_from_policy,
  by_hand: m.dev_by_hand,
  unknown: () => "",
};

/** The "until" column: the date and where it came from, or why it is not known. */
export function untilLabel(d: RememberedDevice): string {
  if (d.until === null) return m.dev_unknown();
  const from = UNTIL_FROM[d.until_from]();
  return from ? `${day(d.until)} (${from})` : day(d.until);
}

/** The "days left" column. */
export function daysLeftLabel(d: RememberedDevice): string {
  if (d.lapsed) return m.dev_lapsed();
  if (d.days_left === null) return "—";
  const n = d.days_left === 1 ? m.dev_days_one({ count: 1 }) : m.dev_days_other({ count: d.days_left });
  return d.lapses_soon ? m.dev_lapses_soon({ days: n }) : n;
}

