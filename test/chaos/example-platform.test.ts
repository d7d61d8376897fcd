/**
 * The example platform, as users would run it: `fks scaffold health` writes its health endpoints,
 * then api and data run as real containers (uvicorn from the venv, real Redis and PostgreSQL),
 * api's DATA_URL through a real Toxiproxy, and `fks chaos matrix` prints the matrix.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fks } from "../helpers.js";
import { engineEnv, freePort } from "../env/engines.js";
import { fksAsync } from "../ping/cli.js";
import { chaosEngines, examplePlatformCopy, runExampleService, teardown } from "./platform.js";

const engines = chaosEngines();
const env = engineEnv();
const reason = engines.reason ?? (!env.FKS_REDIS_URL ? `Redis unavailable: ${env.FKS_REDIS_UNAVAILABLE}` : !env.FKS_POSTGRES_URL ? `PostgreSQL unavailable: ${env.FKS_POSTGRES_UNAVAILABLE}` : undefined);
if (reason) console.warn(`skipping the example platform chaos test: ${reason}`);

describe.skipIf(!!reason)("fks chaos matrix on the scaffolded example platform in containers", () => {
  let dir: string;
  const names = { api: `fks-chaos-ex${process.pid}-api`, data: `fks-chaos-ex${process.pid}-data` };
  const proxy = `fks-ex${process.pid}-api-data`;
  beforeAll(async () => {
    dir = examplePlatformCopy([["scaffold", "health", "--force"]]);
    const ports = { api: await freePort(), data: await freePort(), proxy: await freePort() };
    runExampleService(engines, dir, names.data, "data", ports.data, [`REDIS_URL=${env.FKS_REDIS_URL}`]);
    // The scaffolded checks' own timeout below the probe deadline: a slow dependency makes /ready warn, not hang.
    runExampleService(engines, dir, names.api, "api", ports.api, [`DATABASE_URL=${env.FKS_POSTGRES_URL}`, `REDIS_URL=${env.FKS_REDIS_URL}`, `DATA_URL=http://127.0.0.1:${ports.proxy}`, "EXECUTION_URL=http://127.0.0.1:9", "FKS_HEALTH_CHECK_TIMEOUT=0.4"]);
    writeFileSync(path.join(dir, "fks.yaml"), [
      "version: 1",
      "roots: [api, data]",
      "services:",
      `  api: { path: api, baseUrl: "http://127.0.0.1:${ports.api}", dependsOn: [data] }`,
      `  data: { path: data, baseUrl: "http://127.0.0.1:${ports.data}" }`,
      "chaos:",
      `  allow: ["${engines.dockerHost}"]`,
      `  toxiproxy: ${engines.toxiproxy}`,
      `  targets: { api: { container: ${names.api} }, data: { container: ${names.data} } }`,
      `  edges: [{ name: ${proxy}, from: api, to: data, listen: "127.0.0.1:${ports.proxy}" }]`,
      "",
    ].join("\n"));
    expect((await fksAsync(["chaos", "proxies"], dir)).code).toBe(0);
    const w = await fksAsync(["ping", "api", "data", "--wait", "--wait-timeout", "30s"], dir);
    expect(w.code, w.stdout + w.stderr).toBe(0);
  });
  afterAll(() => teardown(engines, [names.api, names.data], proxy, dir));

  it("prints the matrix: data's faults leave api degraded, never failing; everything recovers", { timeout: 180_000 }, async () => {
    const r = await fksAsync(["chaos", "matrix", "--duration", "2s", "--yes", "--format", "json"], dir);
    console.log(`matrix run: ${Math.round(r.ms)} ms`);
    const out = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ ok: boolean; message: string }>; matrix: { rows: Array<{ fault: string; cells: Record<string, { level: string }>; recoveredMs?: number }> } };
    expect(out.checks.filter((c) => !c.ok).map((c) => c.message), JSON.stringify(out.matrix.rows)).toEqual([]);
    expect(r.code).toBe(0);
    const row = (f: string) => out.matrix.rows.find((x) => x.fault === f)!;
    for (const f of ["stop-data", "latency-data", "blackhole-data"]) {
      expect(row(f).cells.api!.level, f).toBe("warn");
      expect(row(f).recoveredMs, f).toBeGreaterThanOrEqual(0);
    }
    expect(row("stop-api").cells.data!.level).toBe("pass");
    const md = await fksAsync(["chaos", "matrix", "data", "--faults", "stop", "--duration", "1s", "--yes", "--format", "markdown"], dir);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/\| stop data \| warn \d+ ms \| \*\(faulted\)\* \| \d+ ms \|/);
    const compose = parse(fks(["chaos", "init", "--compose", "--dry-run", "--format", "json"], { cwd: dir }).stdout) as { edges: Array<{ from: string; to: string }> };
    expect(compose.edges.map((e) => `${e.from}->${e.to}`)).toContain("api->data");
  });
});
