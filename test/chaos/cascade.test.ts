/**
 * Stopping data while its caller runs, on real containers: a caller with timeouts and a fallback
 * passes; a fragile caller (no timeout, liveness that calls data) fails with the cascade named.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fksAsync } from "../ping/cli.js";
import { chaosEngines, faultState, startPlatform, type Platform } from "./platform.js";

const engines = chaosEngines();
if (engines.reason) console.warn(`skipping chaos cascade tests: ${engines.reason}`);

const EXPERIMENT = `name: data-down
faults:
  - service: data
    action: stop
    duration: 3s
steadyState: { interval: 250ms, timeout: 1500ms, baseline: 1s }
traffic:
  - { service: api, path: /quote/AAPL, rate: 4, maxLatency: 1200ms, errorBudget: 0.1 }
`;

const MOVES = `name: moves
faults:
  - { service: data, action: kill, signal: SIGTERM, duration: 1500ms }
  # Longer than the probe timeout: a probe to a paused container hangs until its deadline.
  - { service: data, action: pause, duration: 4s }
  - { service: data, action: restart, duration: 1s }
steadyState: { interval: 250ms, timeout: 1500ms, baseline: 500ms }
`;

interface Json {
  ok: boolean;
  checks: Array<{ kind: string; ok: boolean; service?: string; chain?: string[]; message: string; detectedAfterMs?: number }>;
  phases: Array<{ name: string; kind: string; services: Array<{ service: string; samples: number; fail: number }>; routes: Array<{ requests: number; errors: number }>; recoveredMs?: number }>;
  faults: Array<{ id: string; appliedAtMs?: number; rolledBackAtMs?: number }>;
}

describe.skipIf(!!engines.reason)("fks chaos run: stop data (real Docker, uvicorn, Toxiproxy)", () => {
  let graceful: Platform;
  let fragile: Platform;
  beforeAll(async () => {
    [graceful, fragile] = await Promise.all([
      startPlatform(engines, "graceful", { "data-down.yaml": EXPERIMENT, "moves.yaml": MOVES }),
      startPlatform(engines, "fragile", { "data-down.yaml": EXPERIMENT }),
    ]);
    for (const p of [graceful, fragile]) {
      const r = await fksAsync(["chaos", "proxies"], p.dir);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await graceful?.close();
    await fragile?.close();
  });

  it("a caller with timeouts and a fallback degrades gracefully: the hypothesis holds", async () => {
    const r = await fksAsync(["chaos", "run", "data-down.yaml", "--yes", "--format", "json"], graceful.dir);
    const out = JSON.parse(r.stdout) as Json;
    const failed = out.checks.filter((c) => !c.ok).map((c) => c.message);
    expect(failed, r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    const during = out.phases.find((p) => p.kind === "fault")!;
    // data really was down: its probes failed while api's did not.
    expect(during.services.find((s) => s.service === "data")!.fail).toBeGreaterThan(0);
    expect(during.services.find((s) => s.service === "api")!.fail).toBe(0);
    expect(during.routes[0]!.requests).toBeGreaterThan(5);
    expect(out.phases.find((p) => p.kind === "recovery")!.recoveredMs).toBeGreaterThanOrEqual(0);
    expect((await faultState(engines, graceful)).states).toEqual(["running", "running"]);
  });

  it("a fragile caller fails the same experiment with the cascade data → api named", async () => {
    const r = await fksAsync(["chaos", "run", "data-down.yaml", "--yes", "--format", "json"], fragile.dir);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as Json;
    const cascade = out.checks.find((c) => c.kind === "cascade" && !c.ok);
    expect(cascade, JSON.stringify(out.checks)).toBeDefined();
    expect(cascade!.service).toBe("api");
    expect(cascade!.chain).toEqual(["data", "api"]);
    expect(cascade!.message).toMatch(/^cascade data → api: api \/live failed/);
    // Found within two probe intervals of the fault plus one probe's time.
    expect(cascade!.detectedAfterMs).toBeLessThan(2 * 250 + 1500);
    expect(out.checks.find((c) => c.kind === "errors" && !c.ok)?.message).toMatch(/requests failed/);
    const table = await fksAsync(["chaos", "run", "data-down.yaml", "--yes"], fragile.dir);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("✗ cascade data → api");
    expect((await faultState(engines, fragile)).states).toEqual(["running", "running"]);
  });

  it("kill with a signal, pause and restart: each takes data down, is undone, and the caller holds", async () => {
    const r = await fksAsync(["chaos", "run", "moves.yaml", "--yes", "--format", "json"], graceful.dir);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.checks.filter((c) => !c.ok).map((c) => c.message), r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    const dataFails = (id: string) => out.phases.find((p) => p.name === `fault:${id}`)!.services.find((s) => s.service === "data")!.fail;
    expect(dataFails("kill-data")).toBeGreaterThan(0);
    expect(dataFails("pause-data")).toBeGreaterThan(0);
    expect(out.faults.map((f) => f.id)).toEqual(["kill-data", "pause-data", "restart-data"]);
    expect(out.faults.every((f) => f.rolledBackAtMs! >= f.appliedAtMs!)).toBe(true);
    expect((await faultState(engines, graceful)).states).toEqual(["running", "running"]);
  });
});
