// The authenticator entries the core sends (EntryCodesView, generated: lib/bindings.ts) and the
// view's small decisions: search, countdown, wording of imports and the clock check.

import type { ClockLine, EntryCodesView, OtpImportReport } from "../lib/bindings";

/** Entries whose label contains every word of the search, ignoring case. */
export function matching(entries: EntryCodesView[], search: string): EntryCodesView[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => words.every((w) => e.entry.label.toLowerCase().includes(w)));
}

/** Seconds left at `elapsed` seconds after the core's reading, wrapping into the next period. */
export function secondsLeftAfter(e: EntryCodesView, elapsed: number): number | null {
  if (e.seconds_left === null || e.period === null) return null;
  const left = e.seconds_left - elapsed;
  return left > 0 ? left : 0;
}

/** The ring's stroke: the share of the period left, 0..1. */
export function ringShare(left: number | null, period: number | null): number {
  if (left === null || period === null || period <= 0) return 0;
  return Math.max(0, Math.min(1, left / period));
}

/** A code in two halves for reading aloud or typing: "123 456", "1234 5678". */
export function spaced(code: string | null): string {
  if (code === null) return "—";
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

/** True for a counter-based (HOTP) entry: its code is made on request, not shown. */
export function isCounter(e: EntryCodesView): boolean {
  return e.entry.kind.type === "hotp";
}

/** The import's outcome in a sentence. */
export function importSummary(r: OtpImportReport): string {
  const n = r.taken.length;
  const added = n === 0 ? "No entry was added" : `Added ${n} entr${n === 1 ? "y" : "ies"}`;
  const skipped = r.skipped.length === 0 ? "." : `; skipped ${r.skipped.length} (see below).`;
  return added + skipped;
}

/** The clock check in a line, and whether it must warn. */
export function clockVerdict(lines: ClockLine[]): { warn: boolean; text: string } | null {
  if (lines.length === 0) return null;
  const off = lines.find((l) => l.warn);
  if (off) return { warn: true, text: off.message };
  const answered = lines.filter((l) => l.answered);
  if (answered.length === 0) return { warn: false, text: "The clock could not be checked: no portal server answered." };
  const n = answered.length;
  return { warn: false, text: `The clock agrees with ${n} portal server${n === 1 ? "" : "s"} (within 15 seconds).` };
}

/** Why a new backup password cannot be used, or null. The core checks the length again. */
export function backupPasswordProblem(password: string, again: string): string | null {
  if (password.length < 10) return "Use at least 10 characters (a few words work well).";
  if (password !== again) return "The two passwords are not the same; type them again.";
  return null;
}
