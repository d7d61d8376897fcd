// fks --version / --help against plain `node -e 0`, in the same run. Goal: within 100 ms of plain Node.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/fks.js", import.meta.url));
const runs = Number(process.env.RUNS ?? 15);

function median(cmd) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, cmd, { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${cmd.join(" ")} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const base = median(["-e", "0"]);
for (const args of [["--version"], ["--help"]]) {
  const t = median([bin, ...args]);
  console.log(`fks ${args.join(" ").padEnd(10)} ${t.toFixed(1)} ms  node -e 0 ${base.toFixed(1)} ms  +${(t - base).toFixed(1)} ms  ratio ${(t / base).toFixed(2)}x`);
}
