// The catalogue is whole: both languages hold the same keys, each with the same placeholders,
// and no Spanish text is left as the English one (unless it is the same word in both, listed
// here with why).
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import es from "../../messages/es.json";

// Texts that read the same in English and Spanish.
const SAME_IN_BOTH = new Set([
  "Keydesk", // the product's name
  "Portal", // the same word in Spanish
  "NPI", // National Provider Identifier: a US identifier, known by its acronym in both
  "TIN", // Taxpayer Identification Number: likewise
  "PIN", // the same word in Spanish
]);

const texts = (catalogue: Record<string, string>) =>
  Object.fromEntries(Object.entries(catalogue).filter(([key]) => key !== "$schema"));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((p) => p[1]).sort();

describe("the message catalogue", () => {
  const english = texts(en);
  const spanish = texts(es);

  it("holds the same keys in English and Spanish", () => {
    const missingInSpanish = Object.keys(english).filter((k) => !(k in spanish));
    const missingInEnglish = Object.keys(spanish).filter((k) => !(k in english));
    expect({ missingInSpanish, missingInEnglish }).toEqual({ missingInSpanish: [], missingInEnglish: [] });
  });

  it("leaves nothing untranslated or empty", () => {
    const untranslated = Object.keys(english).filter(
      (k) => k in spanish && spanish[k] === english[k] && !SAME_IN_BOTH.has(english[k]),
    );
    const empty = Object.keys({ ...english, ...spanish }).filter((k) => !english[k]?.trim() || !spanish[k]?.trim());
    expect({ untranslated, empty }).toEqual({ untranslated: [], empty: [] });
  });

  it("gives each text the same placeholders in both languages", () => {
    const differing = Object.keys(english).filter(
      (k) => k in spanish && placeholders(english[k]).join() !== placeholders(spanish[k]).join(),
    );
    expect(differing).toEqual([]);
  });

  it("keeps its keys sorted, so branches adding texts merge cleanly", () => {
    for (const catalogue of [english, spanish]) {
      const keys = Object.keys(catalogue);
      expect(keys).toEqual([...keys].sort());
    }
  });
});
