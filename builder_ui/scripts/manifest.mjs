// Writes engine/web/static/builder/manifest.json: the sha256 of every file the bundle is built
// from (src/**, package.json, package-lock.json, vite.config.js). tests/builder/test_bundle.py
// recomputes them in Python, so a source changed without `npm run build` fails the tests; `built`
// lists every emitted file, so a chunk or font changed by hand fails them too.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "..", "engine", "web", "static", "builder", "manifest.json");

function walk(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = [...walk(join(root, "src")), ...["package.json", "package-lock.json", "vite.config.js"].map((f) => join(root, f))];
const sources = {};
for (const path of files.sort()) {
  sources[relative(root, path).split(sep).join("/")] = createHash("sha256").update(readFileSync(path)).digest("hex");
}
// every file the build emitted (the entry, lazily loaded chunks such as the BPMN canvas, fonts)
const bundle = join(root, "..", "engine", "web", "static", "builder");
const built = {};
for (const name of readdirSync(bundle).sort()) {
  if (name !== "manifest.json") built[name] = createHash("sha256").update(readFileSync(join(bundle, name))).digest("hex");
}
writeFileSync(out, JSON.stringify({ sources, built }, null, 2) + "\n");
console.log(`manifest: ${Object.keys(sources).length} sources`);
