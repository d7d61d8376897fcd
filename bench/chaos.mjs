/* global fetch */
// fks chaos on real engines: data and a caller as uvicorn services in Docker containers, a real
// Toxiproxy between them. Prints
//   (1) the wall time of an experiment with a 10 s fault as a ratio of its configured duration
//       (baseline + fault; goal ≤ 1.1),
//   (2) the time from fault applied to cascade detected, in probe intervals (goal ≤ 2),
//   (3) the rollback time after SIGTERM mid-fault (goal ≤ 1 s).
// Needs scripts/env/setup.sh (Docker engine, venv, Toxiproxy). Run after `npm run build`: node bench/chaos.mjs
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const APPS = path.join(ROOT, "test/fixtures/chaos/apps");
const CACHE = process.env.FKS_CACHE || path.join(os.homedir(), ".cache/fks");
const env = Object.fromEntries(
  (existsSync(path.join(CACHE, "env.sh")) ? readFileSync(path.join(CACHE, "env.sh"), "utf8") : "")
    .split("\n")
    .map((l) => /^export ([A-Z_]+)='(.*)'$/.exec(l))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const DOCKER = process.env.DOCKER_HOST || env.DOCKER_HOST;
const PY = env.FKS_PYTHON;
const portFile = path.join(CACHE, "toxiproxy/port");
const TOXI = env.FKS_TOXIPROXY_URL || (existsSync(portFile) ? `http://127.0.0.1:${readFileSync(portFile, "utf8").trim()}` : undefined);
if (!DOCKER || !PY || !TOXI) {
  console.log(`skipped: needs the Docker engine, the venv and Toxiproxy from scripts/env/setup.sh (DOCKER_HOST=${DOCKER ?? "unset"}, python=${PY ?? "unset"}, toxiproxy=${TOXI ?? "unset"})`);
  process.exit(0);
}
const INTERVAL = 250;
const docker = (...a) => spawnSync("docker", ["-H", DOCKER, ...a], { encoding: "utf8" });
const freePort = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
const fks = (args, cwd) => new Promise((resolve) => {
  const c = spawn(process.execPath, [path.join(ROOT, "bin/fks.js"), ...args], { cwd, env: { ...process.env, DOCKER_HOST: DOCKER, CI: "1" } });
  let out = "";
  c.stdout.on("data", (d) => (out += d));
  c.on("close", (code) => resolve({ code, out, child: c }));
  resolve.child = c;
});

async function platform(caller, experiment) {
  const tag = `bench${process.pid}${caller}`;
  const ports = { data: await freePort(), api: await freePort(), proxy: await freePort() };
  const names = { data: `fks-chaos-${tag}-data`, api: `fks-chaos-${tag}-api` };
  const venv = path.dirname(path.dirname(PY));
  const home = path.dirname(path.dirname(realpathSync(PY)));
  const mounts = [...new Set(["/usr", "/lib", "/lib64", home, venv, APPS])].filter(existsSync).flatMap((m) => ["-v", `${m}:${m}:ro`]);
  const run = (name, mod, port, extra) => docker("run", "-d", "--name", name, "--network", "host", ...mounts, "-w", APPS, ...extra, "fks-test/busybox:1", PY, "-m", "uvicorn", `${mod}:app`, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning");
  run(names.data, "data", ports.data, []);
  run(names.api, caller, ports.api, ["-e", `DATA_URL=http://127.0.0.1:${ports.proxy}`]);
  const dir = mkdtempSync(path.join(os.tmpdir(), "fks-bench-chaos-"));
  writeFileSync(path.join(dir, "fks.yaml"), `version: 1
services:
  data: { baseUrl: "http://127.0.0.1:${ports.data}" }
  api: { baseUrl: "http://127.0.0.1:${ports.api}", dependsOn: [data] }
chaos:
  allow: ["${DOCKER}"]
  toxiproxy: ${TOXI}
  targets: { data: { container: ${names.data} }, api: { container: ${names.api} } }
  edges: [{ name: fks-${tag}, from: api, to: data, listen: "127.0.0.1:${ports.proxy}" }]
`);
  writeFileSync(path.join(dir, "x.yaml"), experiment);
  for (const p of [ports.data, ports.api]) {
    for (let i = 0; i < 200 && !(await fetch(`http://127.0.0.1:${p}/live`).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await fks(["chaos", "proxies"], dir);
  return { dir, close: async () => { docker("rm", "-f", names.data, names.api); await fetch(`${TOXI}/proxies/fks-${tag}`, { method: "DELETE" }).catch(() => {}); rmSync(dir, { recursive: true, force: true }); } };
}

const results = [];
// 1. Wall time of a 10 s latency fault on a graceful caller vs its configured duration.
{
  const p = await platform("graceful", `faults:\n  - { service: data, toxic: latency, latency: 2s, duration: 10s }\nsteadyState: { interval: ${INTERVAL}ms, baseline: 1s }\n`);
  try {
    const t0 = performance.now();
    const r = await fks(["chaos", "run", "x.yaml", "--yes", "--format", "json"], p.dir);
    const wall = performance.now() - t0;
    const j = JSON.parse(r.out);
    results.push(`experiment with a 10 s fault: process wall ${(wall / 1000).toFixed(2)} s, run ${(j.wallMs / 1000).toFixed(2)} s vs configured ${(j.plannedMs / 1000).toFixed(2)} s → ratio ${(wall / j.plannedMs).toFixed(3)} (in-run ${(j.wallMs / j.plannedMs).toFixed(3)}; goal ≤ 1.1; exit ${r.code})`);
  } finally {
    await p.close();
  }
}
// 2. Fault applied → cascade detected, fragile caller, stop data.
{
  const p = await platform("fragile", `faults:\n  - { service: data, action: stop, duration: 3s }\nsteadyState: { interval: ${INTERVAL}ms, timeout: 1s, baseline: 1s }\n`);
  try {
    const r = await fks(["chaos", "run", "x.yaml", "--yes", "--format", "json"], p.dir);
    const c = JSON.parse(r.out).checks.find((x) => x.kind === "cascade" && !x.ok);
    results.push(c ? `fault applied → cascade ${c.chain.join(" → ")} detected: ${c.detectedAfterMs} ms = ${(c.detectedAfterMs / INTERVAL).toFixed(2)} probe intervals of ${INTERVAL} ms (goal ≤ 2)` : `no cascade detected (exit ${r.code})`);
  } finally {
    await p.close();
  }
}
// 2b. Fault applied → hang detected: a blackhole between the fragile caller and data (its /live
// waits on data without a timeout, so the probe hangs rather than fails).
{
  const p = await platform("fragile", `faults:\n  - { service: data, from: api, toxic: timeout, timeout: 0, duration: 3s }\nsteadyState: { interval: ${INTERVAL}ms, timeout: 1s, baseline: 1s }\n`);
  try {
    const r = await fks(["chaos", "run", "x.yaml", "--yes", "--format", "json"], p.dir);
    const c = JSON.parse(r.out).checks.find((x) => x.kind === "cascade" && !x.ok);
    results.push(c ? `fault applied → ${c.how ?? "cascade"} ${c.chain.join(" → ")} detected: ${c.detectedAfterMs} ms = ${(c.detectedAfterMs / INTERVAL).toFixed(2)} probe intervals of ${INTERVAL} ms (goal ≤ 2)` : `no hang detected (exit ${r.code})`);
  } finally {
    await p.close();
  }
}
// 3. Rollback after SIGTERM mid-fault: pause data + a latency toxic, SIGTERM once both are applied.
{
  const p = await platform("graceful", `mode: together\nfaults:\n  - { service: data, action: pause, duration: 60s }\n  - { service: data, toxic: latency, latency: 1s, duration: 60s }\nsteadyState: { baseline: 500ms }\n`);
  try {
    const c = spawn(process.execPath, [path.join(ROOT, "bin/fks.js"), "chaos", "run", "x.yaml", "--yes", "--format", "json"], { cwd: p.dir, env: { ...process.env, DOCKER_HOST: DOCKER, CI: "1" }, stdio: "ignore" });
    const exited = new Promise((r) => c.on("close", r));
    const journal = path.join(p.dir, ".fks/chaos-journal.json");
    for (let i = 0; i < 400; i++) {
      if (existsSync(journal) && JSON.parse(readFileSync(journal, "utf8")).entries.filter((e) => e.state === "applied").length === 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const t0 = performance.now();
    c.kill("SIGTERM");
    await exited;
    const ms = performance.now() - t0;
    const restored = docker("inspect", "-f", "{{.State.Status}}", `fks-chaos-bench${process.pid}graceful-data`).stdout.trim();
    results.push(`rollback after SIGTERM: ${Math.round(ms)} ms from signal to exit, data ${restored} (goal ≤ 1000 ms → ratio ${(ms / 1000).toFixed(3)})`);
  } finally {
    await p.close();
  }
}
for (const r of results) console.log(r);
