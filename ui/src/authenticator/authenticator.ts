// The authenticator entries the core sends (EntryCodesView, generated: lib/bindings.ts) and the
// view's small decisions: search, countdown, wording of imports and the clock check.

import type { ClockLine, EntryCodesView, OtpImportReport } from "../lib/bindings";
import { m } from "../lib/i18n";

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
  const added = n === 0 ? m.auth_import_none() : n === 1 ? m.auth_import_added_one({ count: n }) : m.auth_import_added_other({ count: n });
  const s = r.skipped.length;
  if (s === 0) return `${added}.`;
  return s === 1 ? m.auth_import_skipped_one({ added, count: s }) : m.auth_import_skipped_other({ added, count: s });
}

/** The clock check in a line, and whether it must warn. */
export function clockVerdict(lines: ClockLine[]): { warn: boolean; text: string } | null {
  if (lines.length === 0) return null;
  const off = lines.find((l) => l.warn);
  if (off) return { warn: true, text: off.message };
  const answered = lines.filter((l) => l.answered);
  if (answered.length === 0) return { warn: false, text: m.auth_clock_unchecked() };
  const n = answered.length;
  return { warn: false, text: n === 1 ? m.auth_clock_agrees_one({ count: n }) : m.auth_clock_agrees_other({ count: n }) };
}

/** Why a new backup password cannot be used, or null. The core checks the length again. */
export function backupPasswordProblem(password: string, again: string): string | null {
  if (password.length < 10) return m.auth_backup_too_short();
  if (password !== again) return m.auth_backup_mismatch();
  return null;
}
