// The window's words: Paraglide's message functions over ui/messages/{en,es}.json, the one
// catalogue the Rust core reads too (src/i18n.rs). The core decides the language (the person's
// setting, else the system's); App.svelte sets it here before anything is drawn and redraws
// everything when it changes.
export { m } from "./paraglide/messages.js";
import { getLocale, locales, setLocale } from "./paraglide/runtime.js";

export type Locale = (typeof locales)[number];

/** Draws every later message in `locale`; the caller redraws what is on screen. */
export function useLocale(locale: Locale) {
  if (getLocale() !== locale) setLocale(locale, { reload: false });
  document.documentElement.lang = locale;
}

export { getLocale, locales };
