// The authenticator entries the core sends (keydesk::otp::entries::EntryCodesView).

export interface EntryCodes {
  entry: { id: number; name: string; issuer: string; label: string; digits: number; portal_id: number | null };
  current: string | null;
  next: string | null;
  seconds_left: number | null;
  period: number | null;
}

/** Entries whose label contains every word of the search, ignoring case. */
export function matching(entries: EntryCodes[], search: string): EntryCodes[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => words.every((w) => e.entry.label.toLowerCase().includes(w)));
}

/** Seconds left at `elapsed` seconds after the core's reading, wrapping into the next period. */
export function secondsLeftAfter(e: EntryCodes, elapsed: number): number | null {
  if (e.seconds_left === null || e.period === null) return null;
  const left = e.seconds_left - elapsed;
  return left > 0 ? left : 0;
}

/** The ring's stroke: the share of the period left, 0..1. */
export function ringShare(left: number | null, period: number | null): number {
  if (left === null || period === null || period <= 0) return 0;
  return Math.max(0, Math.min(1, left / period));
}
