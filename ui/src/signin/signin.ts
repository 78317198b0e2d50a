// How a sign-in's state as the core sends it (SignInView, generated: lib/bindings.ts) is shown.

import type { SignInView } from "../lib/bindings";

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
