// fks ping at scale: 200 endpoints on 127.0.0.1, 20 of them blackholes, timeout 1 s, 3 attempts.
// Prints (1) the whole wall time as a ratio of one endpoint's deadline (goal ≤ 1.25) and
// (2) the per-probe cost against a raw undici request to the same endpoints (goal ≤ 1.1×).
// The servers run in a child process so they do not share the event loop being measured.
// Run after `npm run build`: node bench/ping.mjs
import { spawn } from "node:child_process";
import { request, Agent } from "undici";
import { ping } from "../dist/index.js";

const TIMEOUT = 1000;
const HEALTHY_ORIGINS = 45; // × 4 paths = 180 endpoints
const DEAD_ORIGINS = 5; // × 4 paths = 20 blackhole endpoints
const PATHS = ["/live", "/ready", "/health", "/status"];

const serverCode = `
const http = require("node:http"), net = require("node:net");
const body = JSON.stringify({ status: "pass", checks: { "db:ping": [{ status: "pass", observedValue: 1 }] } });
const ports = { healthy: [], dead: [] };
let pending = ${HEALTHY_ORIGINS} + ${DEAD_ORIGINS};
const done = () => { if (--pending === 0) process.stdout.write(JSON.stringify(ports) + "\\n"); };
for (let i = 0; i < ${HEALTHY_ORIGINS}; i++) {
  const s = http.createServer((q, r) => r.writeHead(200, { "content-type": "application/health+json" }).end(body));
  s.keepAliveTimeout = 30000;
  s.listen(0, "127.0.0.1", () => { ports.healthy.push(s.address().port); done(); });
}
for (let i = 0; i < ${DEAD_ORIGINS}; i++) {
  const s = net.createServer(() => {});
  s.listen(0, "127.0.0.1", () => { ports.dead.push(s.address().port); done(); });
}`;

const child = spawn(process.execPath, ["-e", serverCode], { stdio: ["ignore", "pipe", "inherit"] });
const ports = await new Promise((resolve) => {
  let buf = "";
  child.stdout.on("data", (c) => {
    buf += c;
    if (buf.includes("\n")) resolve(JSON.parse(buf));
  });
});
const urlsOf = (list) => list.flatMap((p) => PATHS.map((path) => `http://127.0.0.1:${p}${path}`));
const healthy = urlsOf(ports.healthy);
const all = [...healthy, ...urlsOf(ports.dead)];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  // 1. Whole run vs one deadline: first cold (undici and cockatiel load inside the run, as in
  //    a CLI invocation), then warm (modules loaded, as in --watch and --wait rounds).
  const settings = { timeout: TIMEOUT, retries: 2, threshold: 3 };
  for (const label of ["cold", "warm"]) {
    const t0 = performance.now();
    const r = await ping({ cwd: process.cwd(), urls: all, settings, docker: false });
    const wall = performance.now() - t0;
    const eps = r.services.flatMap((s) => s.endpoints);
    const pass = eps.filter((e) => e.status === "pass").length;
    const dead = eps.filter((e) => e.status === "no-response").length;
    const attempts = eps.reduce((n, e) => n + e.attempts, 0);
    console.log(`${label}: ${eps.length} endpoints (${pass} pass, ${dead} blackholed), ${attempts} attempts, ${r.services.filter((s) => s.breaker === "open").length} breakers open`);
    console.log(`${label}: wall time ${wall.toFixed(0)} ms = ${(wall / TIMEOUT).toFixed(3)} × one endpoint's deadline (${TIMEOUT} ms)  goal ≤ 1.25`);
  }

  // 2. Per-probe overhead: the healthy endpoints one at a time, fks vs raw undici on a keep-alive agent.
  // Each pass gets a fresh keep-alive agent on both sides, as each fks run does.
  const raw = async () => {
    const t = performance.now();
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    for (const u of healthy) {
      const res = await request(u, { dispatcher: agent, headers: { accept: "application/health+json" } });
      JSON.parse(await res.body.text());
    }
    await agent.close();
    return performance.now() - t;
  };
  const viaFks = async () => {
    const t = performance.now();
    await ping({ cwd: process.cwd(), urls: healthy, settings: { timeout: TIMEOUT, retries: 2, concurrency: 1 }, docker: false });
    return performance.now() - t;
  };
  await raw();
  await viaFks(); // warm both paths (JIT, connections)
  const rawTimes = [];
  const fksTimes = [];
  for (let i = 0; i < 7; i++) {
    rawTimes.push(await raw());
    fksTimes.push(await viaFks());
  }
  const per = (ms) => (ms / healthy.length) * 1000;
  const rawUs = per(median(rawTimes));
  const fksUs = per(median(fksTimes));
  console.log(`per probe: fks ${fksUs.toFixed(0)} µs, raw undici ${rawUs.toFixed(0)} µs = ${(fksUs / rawUs).toFixed(3)}×  goal ≤ 1.1 (median of 7, ${healthy.length} sequential probes)`);
} finally {
  child.kill();
}
