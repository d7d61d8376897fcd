/**
 * Infrastructure a service reaches through extras, submodules, drivers and pool crates
 * (celery[redis], redis.asyncio, aioredis, SQLAlchemy's postgresql+asyncpg://, psycopg[binary],
 * psycopg2-binary, deadpool-redis, bb8-redis, sqlx's postgres feature): discovery names the
 * dependency, scaffold writes its check with the client the service really has, and never says
 * "no known client". The celery[redis] service's check then runs against a real Redis.
 */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { scaffoldHealth } from "../../src/features/scaffold/index.js";
import { httpRequest, pythonBin, redisAvailable, startProcess, startRedis, type StartedProcess } from "../env/engines.js";
import { fks, removeTree } from "../helpers.js";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/scaffold/deps-through-extras");

/** Service → the dependency it reaches and the client its check must use (written from each fixture's manifest). */
const EXPECTED: Record<string, { dep: "redis" | "postgres"; client: RegExp }> = {
  tasks: { dep: "redis", client: /^\s+import redis$/m }, // celery[redis] installs redis
  cache: { dep: "redis", client: /^\s+import redis$/m }, // redis.asyncio is redis-py
  legacy: { dep: "redis", client: /^\s+import aioredis$/m },
  orders: { dep: "postgres", client: /^\s+import asyncpg$/m }, // the URL's driver
  billing: { dep: "postgres", client: /^\s+import psycopg$/m }, // psycopg[binary]
  ledger: { dep: "postgres", client: /^\s+import psycopg2$/m }, // psycopg2-binary
  "rs-deadpool": { dep: "redis", client: /deadpool_redis::redis::Client::open/ },
  "rs-bb8": { dep: "redis", client: /bb8_redis::redis::Client::open/ },
  "rs-sqlx": { dep: "postgres", client: /sqlx::/ },
};

describe("dependencies reached through extras, submodules and drivers", () => {
  it("discovery names each service's dependency", async () => {
    const found = await discover({ paths: [FIXTURE], cwd: FIXTURE });
    const got = Object.fromEntries(found.services.map((s) => [s.name, s.dependsOn]));
    for (const [svc, e] of Object.entries(EXPECTED)) expect(got[svc], svc).toContain(e.dep);
  });

  it("scaffold health writes each check with the service's own client, with no 'no known client' note", async () => {
    const res = await scaffoldHealth({ cwd: FIXTURE, paths: [FIXTURE], dryRun: true });
    expect(res.findings.filter((f) => /no known/i.test(f.message)).map((f) => f.message)).toEqual([]);
    for (const [svc, e] of Object.entries(EXPECTED)) {
      const mod = res.edits.find((x) => x.before === null && x.file.startsWith(`${svc}/`) && /health\.(py|rs)$/.test(x.file));
      expect(mod, `${svc}: generated health module`).toBeTruthy();
      expect(mod!.after, svc).toMatch(e.client);
      expect(mod!.after, svc).toMatch(e.dep === "redis" ? /REDIS_URL/ : /DATABASE_URL/);
    }
  });
});

const redis = redisAvailable();
const started: StartedProcess[] = [];
let dir = "";
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

describe.skipIf(!redis.ok)(`celery[redis] service against a real Redis${redis.ok ? "" : ` (skipped: ${redis.reason})`}`, () => {
  it("/ready checks redis through the redis package celery[redis] installed", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "fks-extras-"));
    cpSync(path.join(FIXTURE, "tasks"), path.join(dir, "tasks"), { recursive: true });
    const r = fks(["scaffold", "health", path.join(dir, "tasks"), "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/no known/i);
    const server = await startRedis();
    started.push(server);
    const p = await startProcess(pythonBin(), ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}"], {
      cwd: path.join(dir, "tasks"),
      env: { REDIS_URL: server.url, FKS_HEALTH_TOKEN: "tok" },
      readyUrl: "http://127.0.0.1:{port}/live",
    });
    started.push(p);
    const ready = await httpRequest(`http://127.0.0.1:${p.port}/ready`);
    const body = JSON.parse(ready.body) as { checks?: Record<string, Array<{ status: string }>> };
    expect(ready.status, ready.body).toBe(200);
    expect(body.checks?.["redis:responseTime"]?.[0]?.status).toBe("pass");
  });
});
