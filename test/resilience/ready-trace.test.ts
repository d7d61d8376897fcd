/**
 * /ready's HTTP dependency checks carry the probe's trace: with `fks scaffold tracing` on the
 * caller, the check's request to data has the probe's trace id, a new parent id and its request
 * id (data's own trace log shows it); without tracing the check starts no trace of its own.
 * Served for real: api (FastAPI) under uvicorn, web (Django) under runserver, execution (axum,
 * built with cargo), data under uvicorn.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { removeTree } from "../helpers.js";
import { platformCopy } from "../scaffold/platform.js";
import { buildExecution, run, runserver, uvicorn } from "./platform.js";

const skip = existsSync(pythonBin()) ? undefined : `no Python venv at ${pythonBin()} (run scripts/env/setup.sh)`;
if (skip) console.warn(`[skip] /ready trace forwarding: ${skip}`);
const cargo = spawnSync("cargo", ["--version"], { encoding: "utf8" }).status === 0;
if (!cargo) console.warn("[skip] /ready trace forwarding of execution (axum): cargo is not installed");

let traced = "";
let plain = "";
const started: StartedProcess[] = [];
let data: StartedProcess;

beforeAll(async () => {
  if (skip) return;
  traced = platformCopy();
  run(["scaffold", "health", traced, "--force"]);
  for (const s of ["api", "data", "web", "execution"]) run(["scaffold", "tracing", s, traced]);
  // The same platform with health only: nothing to forward.
  plain = platformCopy();
  run(["scaffold", "health", plain, "--force"]);
  data = await uvicorn(traced, "data", {});
  started.push(data);
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const d of [traced, plain]) if (d) removeTree(d);
});

/** data's trace log lines for its /live, since `from` characters of its output. */
const liveLines = (from: number) => data.output().slice(from).split("\n").filter((l) => / GET \/live 200 /.test(l));

async function probe(caller: StartedProcess, headers: Record<string, string>): Promise<{ status: number; checks: Record<string, Array<{ status: string }>> }> {
  const r = await httpRequest(`http://127.0.0.1:${caller.port}/ready`, { headers, timeoutMs: 10_000 });
  return { status: r.status, checks: (JSON.parse(r.body) as { checks: Record<string, Array<{ status: string }>> }).checks };
}

const CALLERS = [
  { name: "api (FastAPI, uvicorn)", plain: true, start: (dir: string) => uvicorn(dir, "api", { DATA_URL: `http://127.0.0.1:${data.port}` }) },
  { name: "web (Django, runserver)", plain: true, start: (dir: string) => runserver(dir, { DATA_URL: `http://127.0.0.1:${data.port}` }) },
  // The health-only build of execution is left out: one cargo build of the traced copy is enough here.
  {
    name: "execution (axum, cargo build)",
    plain: false,
    skip: !cargo,
    start: (dir: string) =>
      startProcess(buildExecution(dir, "execution-ready-trace"), [], { env: { PORT: "{port}", BIND_ADDR: "127.0.0.1", DATA_URL: `http://127.0.0.1:${data.port}` }, readyUrl: "http://127.0.0.1:{port}/live", timeoutMs: 30_000 }),
  },
];

describe.skipIf(!!skip).each(CALLERS.filter((c) => !c.skip))("$name /ready → data/live", (caller) => {
  it("forwards the probe's trace id with a new parent id and its request id, for every uncached report", async () => {
    const p = await caller.start(traced);
    started.push(p);
    for (let round = 0; round < 2; round++) {
      const traceId = randomBytes(16).toString("hex");
      const parent = randomBytes(8).toString("hex");
      const rid = `ready-${round}-${process.pid}`;
      const from = data.output().length;
      const r = await probe(p, { traceparent: `00-${traceId}-${parent}-01`, "x-request-id": rid });
      expect(r.checks["data:responseTime"]?.[0]?.status, JSON.stringify(r.checks)).toBe("pass");
      await new Promise((res) => setTimeout(res, 200));
      const line = liveLines(from).find((l) => l.includes(`trace_id=${traceId}`));
      expect(line, `${data.output().slice(from)}\n--- caller:\n${p.output().slice(-2000)}`).toBeDefined();
      expect(line).toContain(`request_id=${rid}`);
      const dataParent = /parent_id=(\S+)/.exec(line!)?.[1];
      // A child of the caller's own span: neither the probe's parent nor missing.
      expect(dataParent).toMatch(/^[0-9a-f]{16}$/);
      expect(dataParent).not.toBe(parent);
      // The report is cached for 1.5 s; the next round runs the checks again.
      await new Promise((res) => setTimeout(res, 1700));
    }
    await p.stop();
  }, 900_000);

  // Not for execution: one cargo build of the traced copy is enough, so the health-only build is not made.
  if (caller.plain) it("without tracing scaffolded, the check sends no trace headers", async () => {
    const p = await caller.start(plain);
    started.push(p);
    const traceId = randomBytes(16).toString("hex");
    const from = data.output().length;
    const r = await probe(p, { traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01`, "x-request-id": "plain-1" });
    expect(r.checks["data:responseTime"]?.[0]?.status).toBe("pass");
    await new Promise((res) => setTimeout(res, 200));
    const lines = liveLines(from);
    expect(lines.length, data.output().slice(from)).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes(traceId) || l.includes("plain-1"))).toBe(false);
    expect(lines.every((l) => l.includes("parent_id=-"))).toBe(true);
    await p.stop();
  }, 60_000);
});
