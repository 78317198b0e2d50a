// How a sign-in's state as the core sends it (SignInView, generated: lib/bindings.ts) is shown.
// The state's words come translated from the core; the timing is worded here.

import type { SignInView } from "../lib/bindings";
import { getLocale, m } from "../lib/i18n";

/** True while the sign-in is still going. */
export function isRunning(view: SignInView | null): boolean {
  return view !== null && view.state !== "signed_in" && view.state !== "failed";
}

/** "2.3 s" for milliseconds ("2,3 s" in Spanish). */
export function seconds(ms: number): string {
  const n = new Intl.NumberFormat(getLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ms / 1000);
  return `${n} s`;
}

/** The line under the button: the core's words, plus how long it took once signed in. */
export function stateLine(view: SignInView): string {
  if (view.state !== "signed_in" || view.timing.total_ms === null) return view.words;
  const waited = view.timing.waiting_for_code_ms;
  const total = seconds(view.timing.total_ms);
  const took = waited === null ? total : m.signin_took_waiting({ total, waited: seconds(waited) });
  return `${view.words} (${took})`;
}

/** The newest view for one portal from an event or the status list. */
export function forPortal(views: SignInView[], portalId: number): SignInView | null {
  return views.find((v) => v.portal_id === portalId) ?? null;
}
