/**
 * The scaffolded FastAPI api service against real dependencies: the PostgreSQL server setup.sh
 * started and a private redis-server this test stops. /ready passes with both up, then answers
 * 503 naming the Redis check once Redis is gone, while /live stays 200.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, httpRequest, postgresAvailable, pythonBin, redisAvailable, startProcess, startRedis, type StartedProcess } from "../env/engines.js";
import { removeTree } from "../helpers.js";
import { scaffolded } from "./platform.js";

const pg = postgresAvailable();
const redis = redisAvailable();
const skip = !pg.ok ? pg.reason : !redis.ok ? redis.reason : undefined;
if (skip) console.warn(`[skip] scaffolded service against real Postgres and Redis: ${skip}`);

type Report = { status: string; checks?: Record<string, Array<{ status: string; output?: string }>> };
let dir = "";
const started: StartedProcess[] = [];

beforeAll(() => {
  if (!skip) dir = scaffolded();
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

async function statusOf(url: string, want: number, timeoutMs = 8000): Promise<{ status: number; body: Report }> {
  // /ready caches its report for a moment: poll until it reflects the change.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpRequest(url);
    if (r.status === want || Date.now() > deadline) return { status: r.status, body: JSON.parse(r.body) as Report };
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe.skipIf(!!skip)("scaffolded FastAPI service (api) with real PostgreSQL and Redis", () => {
  it("/ready passes with both up, fails naming redis after redis-server stops, /live stays 200", async () => {
    const r = await startRedis();
    started.push(r);
    const closed = await freePort();
    const p = await startProcess(pythonBin(), ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}"], {
      cwd: path.join(dir, "api"),
      env: { DATABASE_URL: pg.url, REDIS_URL: r.url, DATA_URL: `http://127.0.0.1:${closed}`, FKS_HEALTH_TOKEN: "tok" },
      readyUrl: "http://127.0.0.1:{port}/live",
    });
    started.push(p);
    const base = `http://127.0.0.1:${p.port}`;

    const up = await statusOf(`${base}/ready`, 200);
    expect(up.body.checks!["postgres:responseTime"]![0]!.status).toBe("pass");
    expect(up.body.checks!["redis:responseTime"]![0]!.status).toBe("pass");
    expect(up.status).toBe(200); // the downstream data service is down: non-critical, warn → 200
    expect(up.body.status).toBe("warn");

    await r.stop();
    const down = await statusOf(`${base}/ready`, 503);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe("fail");
    expect(down.body.checks!["redis:responseTime"]![0]!.status).toBe("fail");
    expect(down.body.checks!["postgres:responseTime"]![0]!.status).toBe("pass");
    const live = await httpRequest(`${base}/live`);
    expect(live.status).toBe(200);

    const full = await httpRequest(`${base}/health`, { headers: { Authorization: "Bearer tok" } });
    expect(full.status).toBe(503);
    expect(full.body).not.toMatch(/127\.0\.0\.1|fks:fks|postgresql:\/\/|redis:\/\//);
  });
});
