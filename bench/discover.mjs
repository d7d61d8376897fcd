// Discovery over a generated 200-service platform: files/s, in-process and whole-process, against just reading the files.
import { mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generatePlatform } from "./gen-platform.mjs";
import { median, readTree } from "./timing.mjs";
import { discover } from "../dist/features/discover/index.js";

const n = Number(process.env.SERVICES ?? 200);
const dir = mkdtempSync(path.join(tmpdir(), "fks-bench-discover-"));
generatePlatform(dir, n);
const bin = fileURLToPath(new URL("../bin/fks.js", import.meta.url));

const time = (fn) => median(fn, 5);

const { files, ms: readAll } = await readTree(dir, 5);
let found = 0;
const inProcess = await time(async () => {
  found = (await discover({ cwd: dir })).services.length;
});
const wholeProcess = await time(async () => {
  const r = spawnSync(process.execPath, [bin, "services", dir, "--format", "json"], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`fks services exited ${r.status}`);
});
console.log(`${n} services, ${files.length} files, ${found} found`);
console.log(`walk+read only      ${readAll.toFixed(1)} ms`);
console.log(`discover in-process ${inProcess.toFixed(1)} ms  ${(files.length / (inProcess / 1000)).toFixed(0)} files/s  ratio ${(inProcess / readAll).toFixed(2)}x`);
console.log(`fks services (proc) ${wholeProcess.toFixed(1)} ms  ratio ${(wholeProcess / readAll).toFixed(2)}x`);
rmSync(dir, { recursive: true, force: true });
