/**
 * Toxiproxy faults between a caller and data, and the matrix, on real containers: each toxic
 * really reaches the caller (its /ready goes warn through the proxy), is gone afterwards, and the
 * matrix shows a graceful caller passing and a fragile one hanging with the cascade named.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fksAsync } from "../ping/cli.js";
import { chaosEngines, faultState, startPlatform, type Platform } from "./platform.js";

const engines = chaosEngines();
if (engines.reason) console.warn(`skipping chaos network tests: ${engines.reason}`);

const TOXICS = `name: toxics
faults:
  - { id: slow, service: data, toxic: latency, latency: 1s, jitter: 100ms, duration: 1500ms }
  - { id: hole, service: data, from: api, toxic: timeout, timeout: 0, duration: 1500ms }
  - { id: reset, service: data, toxic: reset_peer, timeout: 0, duration: 1500ms }
  - { id: down, service: data, toxic: down, duration: 1500ms }
  - { id: thin, service: data, toxic: bandwidth, rate: 1, duration: 1s }
  - { id: sliced, service: data, toxic: slicer, averageSize: 8, sizeVariation: 4, delay: 1000, duration: 1s }
steadyState: { interval: 250ms, timeout: 1500ms, baseline: 500ms }
traffic:
  - { service: api, path: /quote/AAPL, rate: 4, maxLatency: 1200ms }
`;

interface Json {
  ok: boolean;
  checks: Array<{ kind: string; ok: boolean; service?: string; phase: string; chain?: string[]; how?: string; message: string }>;
  phases: Array<{ name: string; kind: string; services: Array<{ service: string; endpoints: Record<string, string>; hangs: number }> }>;
  matrix?: { services: string[]; rows: Array<{ fault: string; kind: string; service: string; cells: Record<string, { level: string; cascade: boolean }>; recoveredMs?: number }>; skipped: string[] };
}

describe.skipIf(!!engines.reason)("Toxiproxy faults and fks chaos matrix (real Docker, uvicorn, Toxiproxy)", () => {
  let graceful: Platform;
  let fragile: Platform;
  beforeAll(async () => {
    [graceful, fragile] = await Promise.all([startPlatform(engines, "graceful", { "toxics.yaml": TOXICS }), startPlatform(engines, "fragile")]);
    for (const p of [graceful, fragile]) expect((await fksAsync(["chaos", "proxies"], p.dir)).code).toBe(0);
  });
  afterAll(async () => {
    await graceful?.close();
    await fragile?.close();
  });

  it("every toxic reaches the caller through its proxy and is removed afterwards", async () => {
    const r = await fksAsync(["chaos", "run", "toxics.yaml", "--yes", "--format", "json"], graceful.dir);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.checks.filter((c) => !c.ok).map((c) => c.message), r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    const ready = (id: string) => out.phases.find((p) => p.name === `fault:${id}`)!.services.find((s) => s.service === "api")!.endpoints.ready;
    // api checks data with a 0.3 s timeout through the proxy: each of these faults makes that check fail.
    for (const id of ["slow", "hole", "reset", "down"]) expect(ready(id), id).toBe("warn");
    expect(out.phases.find((p) => p.name === "baseline")!.services.find((s) => s.service === "api")!.endpoints.ready).toBe("pass");
    const after = await faultState(engines, graceful);
    expect(after.toxics).toEqual([]);
    expect(after.enabled).toBe(true);
  });

  it("the matrix of a graceful caller: every fault passes and everything recovers", async () => {
    const r = await fksAsync(["chaos", "matrix", "--duration", "1500ms", "--yes", "--format", "json"], graceful.dir);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.checks.filter((c) => !c.ok).map((c) => c.message), r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(out.matrix!.rows.map((x) => x.fault)).toEqual(["stop-api", "stop-data", "latency-data", "blackhole-data"]);
    expect(out.matrix!.skipped).toEqual(["latency api: no Toxiproxy proxy into it (chaos.edges)", "blackhole api: no Toxiproxy proxy into it (chaos.edges)"]);
    for (const row of out.matrix!.rows) {
      const other = row.service === "api" ? "data" : "api";
      expect(row.cells[row.service]!.level).toBe("faulted");
      expect(["pass", "warn"]).toContain(row.cells[other]!.level);
      expect(row.recoveredMs, row.fault).toBeGreaterThanOrEqual(0);
    }
  });

  it("the matrix of a fragile caller: stop fails it, latency and blackhole hang it, each a cascade from data", async () => {
    const r = await fksAsync(["chaos", "matrix", "data", "--duration", "1500ms", "--yes", "--format", "json"], fragile.dir);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as Json;
    const cell = (fault: string) => out.matrix!.rows.find((x) => x.fault === fault)!.cells.api!;
    expect(cell("stop-data")).toMatchObject({ level: "fail", cascade: true });
    expect(cell("latency-data")).toMatchObject({ level: "hang", cascade: true });
    expect(cell("blackhole-data")).toMatchObject({ level: "hang", cascade: true });
    const hang = out.checks.find((c) => c.phase === "fault:blackhole-data" && !c.ok)!;
    expect(hang).toMatchObject({ kind: "cascade", how: "hang", chain: ["data", "api"] });
    const table = await fksAsync(["chaos", "matrix", "data", "--faults", "stop", "--duration", "1s", "--yes"], fragile.dir);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/stop data\s+fail \d+ms CASCADE\s+\(faulted\)/);
    const after = await faultState(engines, fragile);
    expect(after.states).toEqual(["running", "running"]);
    expect(after.toxics).toEqual([]);
  });
});
