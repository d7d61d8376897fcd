// `npm run build` step: one ES module for `fks split-plan` (dist/split-plan.bundle.js), so the
// command's start-up reads a few files instead of thirty and no CommonJS wrapper for commander.
// bin/fks.js loads it only for split-plan and falls back to dist/cli.js when it is missing; the
// other commands stay outside the bundle, so they run exactly as compiled.
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
// Never leave an old bundle beside new code.
for (const f of readdirSync(dist)) if (f.startsWith("split-plan.bundle")) rmSync(path.join(dist, f));
let rolldown;
try {
  ({ rolldown } = await import("rolldown"));
} catch {
  process.stderr.write("rolldown is not installed: no split-plan bundle, fks split-plan runs from dist/cli.js\n");
  process.exit(0);
}
const otherCommands = /[\\/]dist[\\/]commands[\\/](init|services|scaffold|ping|audit|chaos)\.js$/;
// Native addons and packages that read files beside themselves load from node_modules as they are.
const fromNodeModules = /^(@ast-grep\/|web-tree-sitter|dockerode|undici)/;

const bundle = await rolldown({
  input: { "split-plan.bundle": path.join(dist, "cli.js") },
  platform: "node",
  logLevel: "warn",
  external: (id) => id.startsWith("node:") || fromNodeModules.test(id) || otherCommands.test(id),
  makeAbsoluteExternalsRelative: true,
  // report/split.js is imported lazily by the command and eagerly by the HTML report: both fine.
  checks: { ineffectiveDynamicImport: false },
});
// What every split-plan run needs goes into one chunk; the rest (clustering, HTML, tree-sitter,
// TypeScript and Rust scanners, --check) stays in chunks of its own, loaded when asked for. The
// partition metrics are small and computed on every cold run: loading them as a chunk of their own
// handed control back to the event loop in the middle of the metrics, and that wait cost a cold
// run on a busy machine 10 to 25 ms.
const everyRun = /[\\/](dist[\\/](cli|errors|version|text-order)\.js|dist[\\/]commands[\\/](index|split-plan|context|progress)\.js|dist[\\/]features[\\/]split[\\/](index|graph|cache|metrics|breakers|partition)\.js|dist[\\/]io[\\/](fs|walk)\.js|dist[\\/]lang[\\/](test-code|python[\\/]imports-wasm)\.js|dist[\\/]report[\\/](split|table)\.js|node_modules[\\/](commander|picocolors)[\\/])/;
await bundle.write({
  dir: dist, format: "esm", entryFileNames: "[name].js", chunkFileNames: "split-plan.bundle-[name]-[hash].js", sourcemap: false,
  codeSplitting: { groups: [{ name: "core", test: everyRun }] },
});
await bundle.close();
