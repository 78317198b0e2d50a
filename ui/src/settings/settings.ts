// The Settings view's checks before a value goes to the core (which checks the bounds again).

export const MIN_CLEAR_SECONDS = 1;
export const MAX_CLEAR_SECONDS = 600;

/** Seconds typed into the clipboard field, or why they cannot be used. */
export function clearDelay(text: string): { seconds: number } | { problem: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { problem: "Enter a whole number of seconds." };
  const seconds = Number(t);
  if (seconds < MIN_CLEAR_SECONDS || seconds > MAX_CLEAR_SECONDS) {
    return { problem: `Choose between ${MIN_CLEAR_SECONDS} and ${MAX_CLEAR_SECONDS} seconds (10 minutes).` };
  }
  return { seconds };
}
