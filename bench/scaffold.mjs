// Scaffold health (dry run: the full plan, nothing written) and --check over 50 generated services, against only reading their files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generatePlatform } from "./gen-platform.mjs";
import { median, readTree } from "./timing.mjs";
import { scaffoldHealth } from "../dist/features/scaffold/index.js";
import { discover } from "../dist/features/discover/index.js";

const n = Number(process.env.SERVICES ?? 50);
const dir = mkdtempSync(path.join(tmpdir(), "fks-bench-scaffold-"));
generatePlatform(dir, n);

const time = (fn) => median(fn, 7);

const { files, ms: readAll } = await readTree(dir, 7);
// Discovery is the first step of both runs: shown so the scaffolder's own share is visible.
const disc = await time(async () => {
  await discover({ cwd: dir, paths: [dir] });
});
let edits = 0;
let findings = 0;
const plan = await time(async () => {
  edits = (await scaffoldHealth({ cwd: dir, dryRun: true })).edits.length;
});
const check = await time(async () => {
  findings = (await scaffoldHealth({ cwd: dir, check: true })).findings.length;
});
console.log(`${n} services, ${files.length} files: ${edits} planned edits, ${findings} findings`);
console.log(`walk+read only          ${readAll.toFixed(1)} ms`);
console.log(`discover only           ${disc.toFixed(1)} ms  ratio ${(disc / readAll).toFixed(1)}x`);
console.log(`scaffold health (plan)  ${plan.toFixed(1)} ms  ratio ${(plan / readAll).toFixed(1)}x`);
console.log(`scaffold health --check ${check.toFixed(1)} ms  ratio ${(check / readAll).toFixed(1)}x`);
rmSync(dir, { recursive: true, force: true });
