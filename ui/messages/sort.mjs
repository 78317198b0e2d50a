// Rewrites ui/messages/{en,es}.json with their keys sorted ("$schema" first): run after adding
// texts (`node messages/sort.mjs`), so texts added on different branches merge cleanly.
import { readFileSync, writeFileSync } from "node:fs";

for (const locale of ["en", "es"]) {
  const path = new URL(`./${locale}.json`, import.meta.url);
  const { $schema, ...texts } = JSON.parse(readFileSync(path, "utf8"));
  const sorted = Object.fromEntries(Object.keys(texts).sort().map((k) => [k, texts[k]]));
  writeFileSync(path, JSON.stringify({ $schema, ...sorted }, null, 2) + "\n");
}
