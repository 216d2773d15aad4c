// Builds the builder's one bundle into the engine's static folder with fixed names (the shell
// template links them; no hashes, no index.html). scripts/manifest.mjs runs afterwards.
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

export default defineConfig({
  plugins: [preact()],
  base: "/static/builder/",
  build: {
    outDir: "../engine/web/static/builder",
    emptyOutDir: true,
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    target: "es2020",
    rollupOptions: {
      input: "src/main.jsx",
      output: {
        format: "es",
        entryFileNames: "builder.js",
        chunkFileNames: "builder-[name].js",
        assetFileNames: (asset) => (asset.names?.[0]?.endsWith(".css") ? "builder[extname]" : "builder-[name][extname]"),
      },
    },
  },
});
