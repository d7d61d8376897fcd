/**
 * fks dies mid-fault: after SIGTERM it rolls back before exiting; after kill -9 the journal under
 * .fks/ lets `fks chaos rollback` restore everything. Checked on the real engine and Toxiproxy.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";
import { fksAsync } from "../ping/cli.js";
import { chaosEngines, docker, faultState, startPlatform, type Platform } from "./platform.js";

const engines = chaosEngines();
if (engines.reason) console.warn(`skipping chaos signal tests: ${engines.reason}`);

const EXPERIMENT = `name: long
mode: together
faults:
  - { service: data, action: pause, duration: 60s }
  - { service: data, toxic: latency, latency: 1s, duration: 60s }
steadyState: { baseline: 500ms }
`;

// The second fault cannot be applied (no such container): the first must be rolled back at once.
const BROKEN = `name: broken
mode: together
faults:
  - { service: data, action: pause, duration: 30s }
  - { service: api, action: stop, duration: 30s }
steadyState: { baseline: 300ms }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts fks chaos run and resolves once the journal says both faults are applied. */
async function startRun(p: Platform) {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/fks.js"), "chaos", "run", "long.yaml", "--yes", "--format", "json"], { cwd: p.dir, env: { ...process.env, CI: "1", NO_COLOR: "1" } });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (c) => (stderr += c));
  child.stdout.on("data", (c) => (stdout += c));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const journal = path.join(p.dir, ".fks/chaos-journal.json");
  for (let i = 0; i < 300; i++) {
    if (existsSync(journal)) {
      const j = JSON.parse(readFileSync(journal, "utf8")) as { entries: Array<{ state: string }> };
      if (j.entries.length === 2 && j.entries.every((e) => e.state === "applied")) break;
    }
    await sleep(50);
  }
  return { child, exited, journal, out: () => ({ stdout, stderr }) };
}

describe.skipIf(!!engines.reason)("rollback when fks is interrupted (real Docker, Toxiproxy)", () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform(engines, "graceful", { "long.yaml": EXPERIMENT, "broken.yaml": BROKEN });
    expect((await fksAsync(["chaos", "proxies"], p.dir)).code).toBe(0);
  });
  afterAll(async () => {
    await p?.close();
  });

  it("SIGTERM mid-fault: everything is restored before fks exits, within a second", async () => {
    const run = await startRun(p);
    const during = await faultState(engines, p);
    expect(during.states[0]).toBe("paused");
    expect(during.toxics).toEqual(["fks-latency-data"]);
    const t0 = performance.now();
    run.child.kill("SIGTERM");
    const code = await run.exited;
    const ms = performance.now() - t0;
    expect(code, run.out().stderr).toBe(2);
    const after = await faultState(engines, p);
    expect(after.states).toEqual(["running", "running"]);
    expect(after.toxics).toEqual([]);
    expect(existsSync(run.journal)).toBe(false);
    expect(JSON.parse(run.out().stdout).aborted).toBe("interrupted");
    console.log(`rollback after SIGTERM: ${Math.round(ms)} ms from signal to exit`);
    expect(ms).toBeLessThan(3000);
  });

  it("kill -9 mid-fault: fks chaos rollback restores everything from the journal", async () => {
    const run = await startRun(p);
    run.child.kill("SIGKILL");
    await run.exited;
    const left = await faultState(engines, p);
    expect(left.states[0]).toBe("paused");
    expect(left.toxics).toEqual(["fks-latency-data"]);
    // A second run refuses to start over a journal with faults still applied.
    const refused = await fksAsync(["chaos", "run", "long.yaml", "--yes"], p.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/never rolled back — run fks chaos rollback/);
    const r = await fksAsync(["chaos", "rollback"], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`unpaused container ${p.containers.data}`);
    expect(r.stdout).toContain(`removed toxic fks-latency-data from ${p.proxy}`);
    const after = await faultState(engines, p);
    expect(after.states).toEqual(["running", "running"]);
    expect(after.toxics).toEqual([]);
    expect(existsSync(run.journal)).toBe(false);
    const again = await fksAsync(["chaos", "rollback"], p.dir);
    expect(again.stdout).toContain("nothing to roll back");
  });

  it("a fault that cannot be applied rolls back the ones already applied and fails the run", async () => {
    // api's container is pinned by chaos.targets; renaming it makes its stop fail at the engine.
    expect(docker(engines.dockerHost!, "rename", p.containers.api, `${p.containers.api}-x`).status).toBe(0);
    try {
      const r = await fksAsync(["chaos", "run", "broken.yaml", "--yes", "--format", "json"], p.dir);
      const out = JSON.parse(r.stdout) as { aborted: string; checks: Array<{ kind: string; ok: boolean; message: string }> };
      expect(r.code, r.stderr).toBe(1);
      expect(out.aborted).toBe("fault stop-api could not be applied");
      expect(out.checks.find((c) => c.kind === "apply")!.message).toMatch(/^could not apply: docker stop fks-chaos-.*-api: /);
      expect((await faultState(engines, p)).states[0]).toBe("running");
    } finally {
      docker(engines.dockerHost!, "rename", `${p.containers.api}-x`, p.containers.api);
    }
  });

  it("a rollback that fails is loud: exit 2, the command that finishes it, the journal kept", async () => {
    const run = await startRun(p);
    // The paused container disappears under fks: unpausing it cannot succeed.
    expect(docker(engines.dockerHost!, "rm", "-f", p.containers.data).status).toBe(0);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(2);
    expect(run.out().stderr).toMatch(new RegExp(`error: rollback of pause-data failed: .* — finish it by hand: docker -H \\S+ unpause ${p.containers.data}`));
    expect((await faultState(engines, p)).toxics).toEqual([]);
    expect(existsSync(run.journal)).toBe(true);
    const again = await fksAsync(["chaos", "rollback"], p.dir);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain(`FAILED pause-data`);
  });
});
