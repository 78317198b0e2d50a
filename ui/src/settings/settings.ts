// The Settings view's checks before a value goes to the core (which checks the bounds again).
import { m } from "../lib/i18n";

export const MIN_CLEAR_SECONDS = 1;
export const MAX_CLEAR_SECONDS = 600;

/** Seconds typed into the clipboard field, or why they cannot be used. */
export function clearDelay(text: string): { seconds: number } | { problem: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { problem: m.set_whole_seconds() };
  const seconds = Number(t);
  if (seconds < MIN_CLEAR_SECONDS || seconds > MAX_CLEAR_SECONDS) {
    return { problem: m.set_seconds_range({ min: MIN_CLEAR_SECONDS, max: MAX_CLEAR_SECONDS }) };
  }
  return { seconds };
}
