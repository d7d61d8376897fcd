/**
 * An exported Chaos Toolkit experiment run by the real `chaos run` against real containers and a
 * real Toxiproxy: its docker and Toxiproxy actions really fault the platform, the steady state
 * holds before and after, and nothing is left faulted.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fksAsync } from "../ping/cli.js";
import { pythonBin } from "../env/engines.js";
import { chaosEngines, docker, faultState, startPlatform, type Platform } from "./platform.js";

const engines = chaosEngines();
let chaosBin: string | undefined;
let reason = engines.reason;
if (!reason) {
  chaosBin = path.join(path.dirname(pythonBin()), "chaos");
  if (!existsSync(chaosBin)) reason = `${chaosBin} not installed (chaostoolkit in test/requirements.txt; run bash scripts/env/setup.sh)`;
}
if (reason) console.warn(`skipping the Chaos Toolkit run of an exported experiment: ${reason}`);

const EXPERIMENT = `name: data-blips
faults:
  - { service: data, action: stop, duration: 2s }
  - { service: data, from: api, toxic: latency, latency: 800ms, duration: 2s }
  - { service: data, action: pause, duration: 1s }
hypothesis: { recovery: 20s }
`;

function run(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!!reason)("an exported Chaos Toolkit experiment under chaos run (real Docker, uvicorn, Toxiproxy)", () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform(engines, "graceful", { "blips.yaml": EXPERIMENT });
    expect((await fksAsync(["chaos", "proxies"], p.dir)).code).toBe(0);
  });
  afterAll(async () => {
    await p?.close();
  });

  it("faults the platform for real, holds the steady state, and leaves nothing faulted", async () => {
    const ex = await fksAsync(["chaos", "export", "blips.yaml", "--to", "chaostoolkit"], p.dir);
    expect(ex.code, ex.stderr).toBe(0);
    // Watch data's container while the experiment runs: it must really stop and pause.
    const seen = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen.add(docker(engines.dockerHost!, "inspect", "-f", "{{.State.Status}}", p.containers.data).stdout.trim());
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const r = await run(chaosBin!, ["--no-log-file", "run", "--journal-path", "journal.json", "chaostoolkit/data-blips.json"], { cwd: p.dir, env: { DOCKER_HOST: engines.dockerHost! } });
    watching = false;
    await watch;
    const journal = JSON.parse(readFileSync(path.join(p.dir, "journal.json"), "utf8"));
    expect(journal.status, `${r.stdout}${r.stderr}`).toBe("completed");
    expect(journal.deviated).toBe(false);
    expect(journal.steady_states.before.steady_state_met).toBe(true);
    expect(journal.steady_states.after.steady_state_met).toBe(true);
    const failed = journal.run.filter((a: { status: string }) => a.status !== "succeeded").map((a: { activity: { name: string }; output?: unknown }) => `${a.activity.name}: ${JSON.stringify(a.output)}`);
    expect(failed).toEqual([]);
    expect(seen).toContain("exited");
    expect(seen).toContain("paused");
    const toxic = journal.run.find((a: { activity: { name: string } }) => /fks-latency-api-data-on/.test(a.activity.name));
    expect(toxic.status).toBe("succeeded");
    const after = await faultState(engines, p);
    expect(after.states).toEqual(["running", "running"]);
    expect(after.toxics).toEqual([]);
    expect(after.enabled).toBe(true);
  }, 150_000);
});
