// How the pending codes the core sends (PendingCodeView, generated: lib/bindings.ts) are shown:
// time left, who sent them, their state in words (from the message catalogue, in the current
// language).

import type { CodeState, Origin, PendingCodeView } from "../lib/bindings";
import { m } from "../lib/i18n";

/** Seconds left at `now` (UNIX seconds), never below zero. */
export function secondsLeft(code: PendingCodeView, now: number): number {
  return Math.max(0, Math.floor(code.expires_at - now));
}

/** Share of the lifetime left, 0..1, for the bar. */
export function shareLeft(code: PendingCodeView, now: number): number {
  const total = code.expires_at - code.delivered_at;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, (code.expires_at - now) / total));
}

/** "9:05", "59 s", or "1 h 02 min" — readable at a glance. The unit symbols are the same in
 *  Spanish, so they are not in the catalogue. */
export function formatLeft(seconds: number): string {
  if (seconds >= 3600) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    return `${h} h ${String(m).padStart(2, "0")} min`;
  }
  if (seconds >= 60) {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }
  return `${seconds} s`;
}

/** Who sent it, in words. */
export function fromLabel(origin: Origin): string {
  switch (origin.kind) {
    case "portal":
      return origin.name;
    case "unmatched":
      return m.codes_from_unknown({ sender: origin.sender });
    case "unverified":
      return m.codes_from_unverified({ name: origin.name });
  }
}

/** The state shown on a code; a code counted down to zero shows as expired even between the
 *  core's updates. */
export function stateAt(code: PendingCodeView, now: number): CodeState {
  if (code.state === "fresh" && secondsLeft(code, now) === 0) return "expired";
  return code.state;
}

/** Groups a code for reading: "482913" → "482 913". */
export function grouped(code: string): string {
  return code.length === 6 || code.length === 8 ? `${code.slice(0, code.length / 2)} ${code.slice(code.length / 2)}` : code;
}

/** The words under a code that is no longer usable, or the time left. */
export function stateLabel(code: PendingCodeView, state: CodeState, now: number): string {
  switch (state) {
    case "fresh":
      return m.codes_time_left({ time: formatLeft(secondsLeft(code, now)) });
    case "used":
      return code.used_at_another_desk ? m.codes_used_elsewhere() : m.codes_used();
    case "superseded":
      return m.codes_superseded();
    case "expired":
      return m.codes_expired();
  }
}

/** Whether the code may be copied: only a usable one. Unmatched and unverified codes can be
 *  copied by hand after a warning, but are never filled into a portal (the core refuses). */
export function copyable(state: CodeState): boolean {
  return state === "fresh";
}
