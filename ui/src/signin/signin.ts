// A sign-in's state as the core sends it (keydesk::signin::SignInView) and how to show it.

export type SignInStateName =
  | "opening"
  | "credentials"
  | "requesting_code"
  | "waiting_for_code"
  | "code"
  | "signed_in"
  | "failed";

export interface SignInView {
  portal_id: number;
  portal: string;
  state: SignInStateName;
  since?: number;
  skipped_code?: boolean;
  failure?: { reason: string; origin?: string; channel?: string; missing?: string; message?: string };
  words: string;
  next_step: string | null;
  failure_code: string | null;
  retry_needs_confirmation: boolean;
  /** Set when the sign-ins that failed in a row near the portal's lockout. */
  lockout_warning: string | null;
  started_ms: number;
  timing: { total_ms: number | null; waiting_for_code_ms: number | null };
}

/** True while the sign-in is still going. */
export function isRunning(view: SignInView | null): boolean {
  return view !== null && view.state !== "signed_in" && view.state !== "failed";
}

/** "2.3 s" for milliseconds. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The line under the button: the core's words, plus how long it took once signed in. */
export function stateLine(view: SignInView): string {
  if (view.state !== "signed_in" || view.timing.total_ms === null) return view.words;
  const waited = view.timing.waiting_for_code_ms;
  const mail = waited === null ? "" : `, ${seconds(waited)} of it waiting for the code`;
  return `${view.words} (${seconds(view.timing.total_ms)}${mail})`;
}

/** The newest view for one portal from an event or the status list. */
export function forPortal(views: SignInView[], portalId: number): SignInView | null {
  return views.find((v) => v.portal_id === portalId) ?? null;
}
