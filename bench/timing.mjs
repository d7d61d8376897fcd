// Shared by the benchmarks: the median wall time of an async function, and the read-only baseline.
import { readFileSync } from "node:fs";
import { walk } from "../dist/io/walk.js";

export async function median(fn, runs = 5) {
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ts.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ts.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** The baseline every tree benchmark compares against: walking the tree and reading each file. */
export async function readTree(dir, runs = 5) {
  const { files } = await walk([dir]);
  const ms = await median(async () => {
    const { files: fs } = await walk([dir]);
    for (const f of fs) readFileSync(f, "utf8");
  }, runs);
  return { files, ms };
}
