// Runs every benchmark in this folder, start-up first; timing.mjs and gen-platform.mjs are helpers they share.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const LIBRARIES = new Set(["all.mjs", "timing.mjs", "gen-platform.mjs"]);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && !LIBRARIES.has(f))
  .sort((a, b) => (a === "startup.mjs" ? -1 : b === "startup.mjs" ? 1 : a < b ? -1 : 1));
for (const f of files) {
  console.log(`== bench/${f}`);
  const r = spawnSync(process.execPath, [path.join(here, f)], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
