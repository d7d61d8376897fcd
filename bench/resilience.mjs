// scaffold resilience and tracing (dry run: the full plan for one service, nothing written) in a
// platform of 50 generated services, against discovery alone on the same tree: discovery is their
// first step, so the ratio is what planning the client or the trace layer adds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generatePlatform } from "./gen-platform.mjs";
import { median } from "./timing.mjs";
import { discover } from "../dist/features/discover/index.js";
import { scaffoldResilience, scaffoldTracing } from "../dist/features/resilience/index.js";

const n = Number(process.env.SERVICES ?? 50);
const dir = mkdtempSync(path.join(tmpdir(), "fks-bench-resilience-"));
generatePlatform(dir, n);
const time = (fn) => median(fn, 7);

const disc = await time(async () => {
  await discover({ cwd: dir, paths: [dir] });
});
const rows = [];
// svc0 is FastAPI, svc1 axum, svc2 Django in the generated platform.
for (const service of ["svc0", "svc1", "svc2"]) {
  for (const [what, fn] of [["resilience", scaffoldResilience], ["tracing", scaffoldTracing]]) {
    let edits = 0;
    const ms = await time(async () => {
      edits = (await fn({ cwd: dir, paths: [dir], service, dryRun: true, downstreams: [{ name: "svc3", env: "SVC3_URL" }] })).edits.length;
    });
    rows.push(`scaffold ${what.padEnd(10)} ${service} ${ms.toFixed(1).padStart(7)} ms  ratio ${(ms / disc).toFixed(2)}x  (${edits} edits)`);
  }
}
console.log(`${n} services: discover only ${disc.toFixed(1)} ms (baseline)`);
for (const r of rows) console.log(r);
rmSync(dir, { recursive: true, force: true });
