/** The endpoints scaffolded into the example FastAPI and Django services, served by uvicorn and runserver from the test venv. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { removeTree } from "../helpers.js";
import { scaffolded } from "./platform.js";

const TOKEN = "t0ps3cret-health";
let dir = "";
let closed = 0;
const started: StartedProcess[] = [];

beforeAll(async () => {
  dir = scaffolded();
  closed = await freePort(); // nothing listens there: every dependency on it is down
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

async function uvicorn(service: string, env: Record<string, string>): Promise<string> {
  const p = await startProcess(pythonBin(), ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}"], {
    cwd: path.join(dir, service),
    env: { FKS_HEALTH_TOKEN: TOKEN, ...env },
    readyUrl: "http://127.0.0.1:{port}/live",
  });
  started.push(p);
  return `http://127.0.0.1:${p.port}`;
}

const json = (body: string) => JSON.parse(body) as { status: string; checks?: Record<string, Array<{ status: string; output?: string }>> };

describe("scaffolded FastAPI service (api) under uvicorn", () => {
  it("/live passes while Postgres and Redis are down; /ready answers 503 naming them; /health hides details without the token", async () => {
    const base = await uvicorn("api", {
      DATABASE_URL: `postgresql://trader:secret@127.0.0.1:${closed}/trading`,
      REDIS_URL: `redis://127.0.0.1:${closed}/0`,
      DATA_URL: `http://127.0.0.1:${closed}`,
    });
    const live = await httpRequest(`${base}/live`);
    expect(live.status).toBe(200);
    expect(live.headers["content-type"]).toBe("application/health+json");
    expect(live.headers["cache-control"]).toBe("no-store");
    expect(json(live.body).status).toBe("pass");

    const ready = await httpRequest(`${base}/ready`);
    expect(ready.status).toBe(503);
    const r = json(ready.body);
    expect(r.checks!["postgres:responseTime"]![0]!.status).toBe("fail");
    expect(r.checks!["redis:responseTime"]![0]!.status).toBe("fail");
    // A downstream HTTP service is non-critical: it warns, it does not fail the caller.
    expect(r.checks!["data:responseTime"]![0]!.status).toBe("warn");
    expect(ready.body).not.toContain("127.0.0.1");
    expect(ready.body).not.toContain("secret");

    const anon = await httpRequest(`${base}/health`);
    expect(anon.status).toBe(503);
    expect(JSON.parse(anon.body)).toEqual({ status: "fail" });
    const wrong = await httpRequest(`${base}/health`, { headers: { Authorization: "Bearer nope" } });
    expect(JSON.parse(wrong.body)).toEqual({ status: "fail" });

    for (const headers of [{ Authorization: `Bearer ${TOKEN}` }, { "X-Health-Token": TOKEN }] as Array<Record<string, string>>) {
      const full = await httpRequest(`${base}/health`, { headers });
      const body = json(full.body);
      expect(body.checks!["postgres:responseTime"]![0]!.output).toBe("OperationalError");
      expect(full.body).not.toMatch(/Traceback|127\.0\.0\.1|postgresql:\/\/|secret/);
    }
  });

  it("rate-limits /health per client with 429 and Retry-After, never /live or /ready", async () => {
    const base = await uvicorn("data", { REDIS_URL: `redis://127.0.0.1:${closed}/1`, FKS_HEALTH_RATE: "5" });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 15; i++) {
      const res = await httpRequest(`${base}/health`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= String(res.headers["retry-after"]);
    }
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 30; i++) {
      expect((await httpRequest(`${base}/live`)).status).toBe(200);
      expect((await httpRequest(`${base}/ready`)).status).toBe(503); // Redis is down, never 429
    }
    // data's legacy /health ({"status": "healthy"}) is registered after the generated router, which wins: only ours limits.
  });
});

describe("scaffolded Django service (web) under runserver", () => {
  it("serves /live, /ready (database check passes, unset downstream warns) and /health with the token", async () => {
    const port = await freePort();
    const p = await startProcess(pythonBin(), ["manage.py", "runserver", `127.0.0.1:${port}`, "--noreload"], {
      cwd: path.join(dir, "web"),
      port,
      env: { FKS_HEALTH_TOKEN: TOKEN, WEB_SQLITE_PATH: ":memory:", DATA_URL: `http://127.0.0.1:${closed}`, EXECUTION_URL: "" },
      readyUrl: `http://127.0.0.1:${port}/live`,
      timeoutMs: 30_000,
    });
    started.push(p);
    const base = `http://127.0.0.1:${port}`;
    const live = await httpRequest(`${base}/live`);
    expect(live.status).toBe(200);
    expect(live.headers["content-type"]).toBe("application/health+json");
    const ready = await httpRequest(`${base}/ready`);
    const body = json(ready.body);
    expect(body.checks!["database:responseTime"]![0]!.status).toBe("pass");
    expect(body.checks!["data:responseTime"]![0]!.status).toBe("warn");
    expect(ready.status).toBe(200); // warn → 200
    const full = json((await httpRequest(`${base}/health`, { headers: { Authorization: `Bearer ${TOKEN}` } })).body);
    expect(full.checks!["database:responseTime"]![0]!.status).toBe("pass");
    // The legacy /healthz stays.
    expect((await httpRequest(`${base}/healthz`)).status).toBe(200);
  });
});
