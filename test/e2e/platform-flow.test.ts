/**
 * The whole user flow on a copy of examples/platform: check → scaffold → check again → the route catalog sees
 * the new endpoints → the scaffolded services, served for real, are pinged.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree } from "../helpers.js";
import { platformCopy, treeHash } from "../scaffold/platform.js";

let dir = "";
const started: StartedProcess[] = [];

beforeAll(() => {
  dir = platformCopy();
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

interface RouteJson {
  routes: Array<{ service: string; method: string; path: string }>;
  findings: Array<{ rule: string; service?: string }>;
}

describe("check, scaffold, audit and ping on a copy of the example platform", () => {
  it("--check fails before scaffolding and passes after; a second scaffold changes nothing", () => {
    expect(fks(["scaffold", "health", "--check", dir]).code).toBe(1);
    const first = fks(["scaffold", "health", dir, "--force"]);
    expect(first.code, first.stderr).toBe(0);
    const hash = treeHash(dir);
    expect(fks(["scaffold", "health", dir, "--force"]).code).toBe(0);
    expect(treeHash(dir)).toBe(hash);
    const after = fks(["scaffold", "health", "--check", dir, "--format", "json"]);
    expect(after.code, after.stdout).toBe(0);
    const left = (JSON.parse(after.stdout) as { findings: Array<{ rule: string; severity: string }> }).findings;
    // The invalid Deployment name is the one planted problem fks reports but never rewrites.
    expect(left.map((f) => `${f.severity} ${f.rule}`)).toEqual(["warning health/k8s-invalid-name"]);
  });

  it("the static route catalog finds the scaffolded endpoints in every service, axum's merged router included", () => {
    const r = fks(["audit", "routes", dir, "--format", "json", "--fail-on", "none"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as RouteJson;
    for (const service of ["api", "data", "execution", "web"]) {
      const paths = out.routes.filter((x) => x.service === service && x.method === "GET").map((x) => x.path);
      for (const p of ["/live", "/ready", "/health"]) expect(paths, `${service} ${p}`).toContain(p);
    }
    expect(out.findings.filter((f) => f.rule === "route-health-missing")).toEqual([]);
  });

  it("fks ping reports a service whose critical dependency is down as unhealthy, naming the check, and one with a non-critical one down as degraded", async () => {
    let python: string;
    try {
      python = pythonBin();
    } catch (e) {
      console.warn(`skipping the ping part of the platform flow: ${(e as Error).message}`);
      return;
    }
    const closed = await freePort();
    const down = `127.0.0.1:${closed}`;
    const uvicorn = (service: string, env: Record<string, string>) =>
      startProcess(python, ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}"], {
        cwd: path.join(dir, service),
        env,
        readyUrl: "http://127.0.0.1:{port}/live",
      });
    const data = await uvicorn("data", { REDIS_URL: `redis://${down}/0` });
    started.push(data);
    const webPort = await freePort();
    const web = await startProcess(python, ["manage.py", "runserver", `127.0.0.1:${webPort}`, "--noreload"], {
      cwd: path.join(dir, "web"),
      port: webPort,
      env: { WEB_SQLITE_PATH: ":memory:", DATA_URL: `http://127.0.0.1:${data.port}`, EXECUTION_URL: "" },
      readyUrl: "http://127.0.0.1:{port}/live",
    });
    started.push(web);
    writeFileSync(
      path.join(dir, "fks.yaml"),
      [
        "services:",
        `  data: { baseUrl: "http://127.0.0.1:${data.port}" }`,
        `  web: { baseUrl: "http://127.0.0.1:${web.port}" }`,
        "ping: { timeout: 3000, retries: 0 }",
        "",
      ].join("\n"),
    );
    const all = fks(["ping", "--format", "json"], { cwd: dir });
    expect(all.code, all.stderr).toBe(1);
    const res = JSON.parse(all.stdout) as { services: Array<{ service: string; status: string; endpoints: Array<{ endpoint: string; status: string; checks: Array<{ name: string; status: string }> }> }> };
    const by = Object.fromEntries(res.services.map((s) => [s.service, s]));
    // web's downstream execution service is not running: a non-critical check, so web is degraded, not down.
    expect(by.web?.status, JSON.stringify(by.web)).toBe("degraded");
    const webReady = by.web!.endpoints.find((e) => e.endpoint === "ready")!;
    expect(webReady.checks.filter((c) => c.status !== "pass").map((c) => `${c.name} ${c.status}`)).toEqual(["execution:responseTime warn"]);
    expect(by.data?.status).toBe("unhealthy");
    const ready = by.data!.endpoints.find((e) => e.endpoint === "ready")!;
    expect(ready.status).toBe("fail");
    expect(ready.checks.find((c) => c.name.startsWith("redis"))?.status).toBe("fail");
    expect(by.data!.endpoints.find((e) => e.endpoint === "live")!.status).toBe("pass");
    expect(fks(["ping", "web"], { cwd: dir }).code).toBe(0);
    expect(fks(["ping", "web", "--fail-on", "warn"], { cwd: dir }).code).toBe(1);
  });
});
