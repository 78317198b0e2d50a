/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { paraglideVitePlugin } from "@inlang/paraglide-js";

// Tauri serves the built files from ui/dist; the dev server is only for `tauri dev`.
// Paraglide compiles ui/messages/{en,es}.json (the one catalogue, which the Rust core reads too)
// into typed message functions under src/lib/paraglide (generated, not committed). The locale is
// the core's choice (the setting, else the system's), set at start: a global variable, never a
// cookie or the URL.
export default defineConfig(({ mode }) => ({
  plugins: [
    // Under Vitest the catalogue is compiled beforehand (`npm run messages`, which `npm run check`
    // runs): the plugin's file watcher would keep the test run from ending.
    mode !== "test" &&
      paraglideVitePlugin({
        project: "./project.inlang",
        outdir: "./src/lib/paraglide",
        strategy: ["globalVariable", "baseLocale"],
      }),
    svelte(),
  ],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  test: { include: ["src/**/*.test.ts"] },
}));
