/**
 * Scaffolded services served for real, each calling data (FastAPI under uvicorn) through its
 * generated resilient client: api (FastAPI, async client under uvicorn) and web (Django, sync
 * client under runserver): the deadline holds while data hangs, the breaker opens and short-circuits, /ready shows
 * it, it closes after data comes back; a traceparent reaches data with the same trace id and a
 * new parent id, and both services log it.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { removeTree } from "../helpers.js";
import { buildExecution, percentile, runserver, scaffoldedPlatform, uvicorn } from "./platform.js";
import { existsSync } from "node:fs";

const skip = existsSync(pythonBin()) ? undefined : `no Python venv at ${pythonBin()} (run scripts/env/setup.sh)`;
if (skip) console.warn(`[skip] served resilience: ${skip}`);

const TIMEOUT_MS = 800;
let dir = "";
let data: StartedProcess | undefined;
const started: StartedProcess[] = [];
const callerEnv = () => ({
  DATA_URL: `http://127.0.0.1:${data!.port}`,
  FKS_HTTP_TIMEOUT: String(TIMEOUT_MS / 1000),
  FKS_BREAKER_THRESHOLD: "5",
  FKS_BREAKER_RESET: "1.5",
});
const cargo = spawnSync("cargo", ["--version"], { encoding: "utf8" }).status === 0;
if (!cargo) console.warn("[skip] execution (axum) caller: cargo is not installed");
const CALLERS = [
  { name: "api (FastAPI)", route: "/market/symbols", log: "GET /market/symbols", start: () => uvicorn(dir, "api", callerEnv()) },
  { name: "web (Django)", route: "/market/symbols", log: "GET /market/symbols", start: () => runserver(dir, callerEnv()) },
  {
    name: "execution (axum)",
    route: "/market/symbols",
    log: "GET /market/symbols",
    skip: !cargo,
    start: () => startProcess(buildExecution(dir), [], { env: { PORT: "{port}", BIND_ADDR: "127.0.0.1", ...callerEnv() }, readyUrl: "http://127.0.0.1:{port}/live", timeoutMs: 30_000 }),
  },
];

async function startData(port?: number): Promise<StartedProcess> {
  const p = await uvicorn(dir, "data", {}, port);
  started.push(p);
  return p;
}

beforeAll(async () => {
  if (skip) return;
  dir = scaffoldedPlatform();
  data = await startData();
}, 60_000);

afterAll(async () => {
  if (data) process.kill(-data.pid, "SIGCONT");
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});


async function timed(url: string, opts: Parameters<typeof httpRequest>[1] = {}): Promise<{ ms: number; status: number; body: string; headers: Record<string, unknown> }> {
  const t0 = performance.now();
  const r = await httpRequest(url, { timeoutMs: 10_000, ...opts });
  return { ms: performance.now() - t0, status: r.status, body: r.body, headers: r.headers };
}

/** /ready's status of one check, polled until it is `want` (the report is cached for a moment). */
async function readyCheck(apiUrl: (p: string) => string, name: string, want: string, timeoutMs = 8000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    const r = await httpRequest(apiUrl("/ready"), { timeoutMs: 5000 });
    last = (JSON.parse(r.body) as { checks: Record<string, Array<{ status: string }>> }).checks[name]?.[0]?.status;
    if (last === want) return last;
    await new Promise((res) => setTimeout(res, 250));
  }
  return last;
}

describe.skipIf(!!skip).each(CALLERS.filter((c) => !("skip" in c && c.skip)))("$name → data through the scaffolded resilient client", (caller) => {
  let api: StartedProcess | undefined;
  beforeAll(async () => {
    api = await caller.start();
    started.push(api);
  }, 600_000);
  afterAll(() => api?.stop());
  const apiUrl = (p: string) => `http://127.0.0.1:${api!.port}${p}`;

  it("carries the caller's trace id to data with a new parent id, and both logs have it", async () => {
    const traceId = randomBytes(16).toString("hex");
    const parent = randomBytes(8).toString("hex");
    const r = await timed(apiUrl("/market/symbols"), { headers: { traceparent: `00-${traceId}-${parent}-01`, "x-request-id": "req-abc-1" } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).status).toBe(200);
    // api answers with its own span of the caller's trace.
    const back = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(r.headers.traceparent));
    expect(back?.[1]).toBe(traceId);
    expect(back?.[2]).not.toBe(parent);
    expect(r.headers["x-request-id"]).toBe("req-abc-1");
    await new Promise((res) => setTimeout(res, 200));
    const dataLine = data!.output().split("\n").find((l) => l.includes(`trace_id=${traceId}`) && l.includes("GET /symbols"));
    const apiLine = api!.output().split("\n").find((l) => l.includes(`trace_id=${traceId}`) && l.includes(caller.log));
    expect(apiLine, api!.output()).toBeDefined();
    expect(dataLine, data!.output()).toBeDefined();
    expect(apiLine).toContain(`parent_id=${parent}`);
    expect(apiLine).toContain("request_id=req-abc-1");
    expect(dataLine).toContain("request_id=req-abc-1");
    // data's parent is a span of api's: neither the caller's id nor missing.
    const dataParent = /parent_id=([0-9a-f]{16}|-)/.exec(dataLine!)?.[1];
    expect(dataParent).toMatch(/^[0-9a-f]{16}$/);
    expect(dataParent).not.toBe(parent);
    // A request without a traceparent starts a trace that reaches data too.
    const fresh = await timed(apiUrl("/market/symbols"));
    const freshTrace = /^00-([0-9a-f]{32})-/.exec(String(fresh.headers.traceparent))?.[1];
    expect(freshTrace).toMatch(/^[0-9a-f]{32}$/);
    await new Promise((res) => setTimeout(res, 200));
    expect(data!.output()).toContain(`trace_id=${freshTrace}`);
  });

  it("keeps its deadline while data hangs, opens the breaker, shows it in /ready, and closes it after data restarts", async () => {
    expect(await readyCheck(apiUrl, "data:circuitBreaker", "pass")).toBe("pass");
    // data stops answering (accepted connections, no replies): the hardest case for a deadline.
    process.kill(-data!.pid, "SIGSTOP");
    const runs: Array<{ ms: number; status: number; body: string; id: string }> = [];
    for (let i = 0; i < 100; i++) {
      const id = `hang-${process.pid}-${i}`;
      runs.push({ ...(await timed(apiUrl(caller.route), { headers: { "x-request-id": id } })), id });
    }
    const p99 = percentile(runs.map((r) => r.ms), 99);
    console.log(`[resilience] ${caller.name}, data hung: p50 ${percentile(runs.map((r) => r.ms), 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...runs.map((r) => r.ms)).toFixed(1)} ms (deadline ${TIMEOUT_MS} ms)`);
    expect(runs.every((r) => r.status === 503), runs.map((r) => `${r.status} ${r.body}`).slice(0, 3).join("\n")).toBe(true);
    // The first failures wait for the deadline; then the breaker is open and calls short-circuit
    // (a trial call after the reset time waits the deadline again and re-opens it).
    expect(runs.slice(0, 5).every((r) => r.ms >= TIMEOUT_MS - 50), runs.slice(0, 6).map((r) => r.ms.toFixed(0)).join(" ")).toBe(true);
    const open = runs.filter((r) => r.body.includes("circuit open"));
    expect(open.length).toBeGreaterThanOrEqual(50);
    // Timed inside the service (its access log, by request id): runserver adds ~40 ms of its own per answer.
    await new Promise((res) => setTimeout(res, 200));
    const served = new Map(api!.output().split("\n").flatMap((l) => {
      const m = /request_id=([^\s}]+)\S*.*? GET \S+ 503 ([\d.]+)ms/.exec(l);
      return m ? [[m[1]!, Number(m[2])] as const] : [];
    }));
    const shortMs = open.map((r) => served.get(r.id) ?? Infinity);
    const shortP99 = percentile(shortMs, 99);
    console.log(`[resilience] ${caller.name}, breaker open: ${open.length} short-circuits, p99 ${shortP99.toFixed(1)} ms in the service, ${percentile(open.map((r) => r.ms), 99).toFixed(1)} ms at the client`);
    expect(shortP99).toBeLessThanOrEqual(20);
    // The deadline as the caller sees it, less what the HTTP server itself adds to every answer
    // (runserver writes headers and body apart: ~40 ms of delayed ACK; uvicorn and hyper ~1 ms).
    const serverOverhead = percentile(open.map((r) => r.ms - (served.get(r.id) ?? 0)), 50);
    console.log(`[resilience] ${caller.name}, p99 ${p99.toFixed(1)} ms at the client, server overhead ${serverOverhead.toFixed(1)} ms`);
    expect(p99 - serverOverhead).toBeLessThanOrEqual(TIMEOUT_MS + 100);
    expect(percentile(runs.map((r) => served.get(r.id) ?? Infinity), 99)).toBeLessThanOrEqual(TIMEOUT_MS + 100);
    expect(await readyCheck(apiUrl, "data:circuitBreaker", "warn")).toBe("warn");

    // data dies and comes back on the same port: after the reset time the breaker closes again.
    const port = data!.port;
    process.kill(-data!.pid, "SIGKILL");
    await data!.stop();
    data = await startData(port);
    await new Promise((res) => setTimeout(res, 1600));
    const back = await timed(apiUrl("/market/symbols"));
    expect(back.status, back.body).toBe(200);
    expect(await readyCheck(apiUrl, "data:circuitBreaker", "pass")).toBe("pass");
  }, 60_000);

  // The Django view the platform copy gains answers GET only: the POST case is asked of the other callers.
  if (!caller.name.startsWith("web")) it("does not retry a POST: one attempt reaches data", async () => {
    // data answers 405 for POST /symbols: an answer, returned as is, once.
    const before = data!.output().split("\n").filter((l) => l.includes("POST /symbols")).length;
    const r = await timed(apiUrl("/market/orders"), { method: "POST" });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).status).toBe(405);
    await new Promise((res) => setTimeout(res, 200));
    expect(data!.output().split("\n").filter((l) => l.includes("POST /symbols")).length - before).toBe(1);
  });
});
