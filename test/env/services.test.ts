/**
 * Every example service starts under its real server and answers real requests:
 * api and data under uvicorn, web under Django's runserver, execution as the
 * binary cargo built into the shared target folder (scripts/env/setup.sh).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import {
  examplesDir,
  executionBin,
  freePort,
  httpRequest,
  pythonBin,
  startProcess,
  type StartedProcess,
} from "./engines.js";

const running: StartedProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

/** Env for Python services: no bytecode in examples/, backends on ports nobody listens on. */
async function pythonEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const closed = await freePort();
  return {
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
    DATABASE_URL: `postgresql://trader:trader@127.0.0.1:${closed}/trading`,
    REDIS_URL: `redis://127.0.0.1:${closed}/0`,
    ...extra,
  };
}

const json = (body: string) => JSON.parse(body) as unknown;

async function uvicorn(service: string): Promise<StartedProcess> {
  const p = await startProcess(
    pythonBin(),
    ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"],
    { cwd: path.join(examplesDir, service), env: await pythonEnv(), readyUrl: "http://127.0.0.1:{port}/openapi.json", timeoutMs: 30_000 },
  );
  running.push(p);
  return p;
}

describe("example services answer real requests", () => {
  it("api (FastAPI app factory under uvicorn)", async () => {
    const { port } = await uvicorn("api");
    const base = `http://127.0.0.1:${port}`;

    const order = await httpRequest(`${base}/api/v1/orders/1`);
    expect(order.status).toBe(200);
    expect(json(order.body)).toMatchObject({ id: 1, symbol: "AAPL" });

    const created = await httpRequest(`${base}/api/v1/orders/create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ account_id: 2, symbol: "GOOG", side: "sell", quantity: 3 }),
    });
    expect(created.status).toBe(201);

    expect(json((await httpRequest(`${base}/api/v1/symbols`)).body)).toEqual(["AAPL", "MSFT", "GOOG"]);
    expect((await httpRequest(`${base}/api/v1/accounts/1/orderHistory`)).status).toBe(200);
    // Planted: /{order_id} is declared first and shadows /summary.
    expect((await httpRequest(`${base}/api/v1/orders/summary`)).status).toBe(422);
    // Postgres and Redis are absent: the routes that need them say so, the rest keep working.
    expect((await httpRequest(`${base}/api/v1/orders/1/fills`)).status).toBe(503);
    expect((await httpRequest(`${base}/api/v1/orders/1/last-price`)).status).toBe(503);
    // No health endpoint yet.
    expect((await httpRequest(`${base}/health`)).status).toBe(404);
  });

  it("data (module-level FastAPI app under uvicorn)", async () => {
    const { port } = await uvicorn("data");
    const base = `http://127.0.0.1:${port}`;

    const health = await httpRequest(`${base}/health`);
    expect(health.status).toBe(200);
    expect(json(health.body)).toEqual({ status: "healthy" });
    expect((await httpRequest(`${base}/ready`)).status).toBe(404);

    expect(json((await httpRequest(`${base}/api/v1/symbols`)).body)).toEqual(["AAPL", "GOOG", "MSFT"]);
    expect(json((await httpRequest(`${base}/quotes/AAPL`)).body)).toMatchObject({ symbol: "AAPL", source: "static" });
    const candles = json((await httpRequest(`${base}/candles/MSFT?limit=2`)).body) as unknown[];
    expect(candles).toHaveLength(2);
  });

  it("web (Django + REST framework under runserver)", async () => {
    const cwd = path.join(examplesDir, "web");
    const dbDir = mkdtempSync(path.join(tmpdir(), "fks-web-"));
    try {
      const env = await pythonEnv({ WEB_SQLITE_PATH: path.join(dbDir, "db.sqlite3"), DEBUG: "0" });
      const migrate = spawnSync(pythonBin(), ["manage.py", "migrate", "--noinput", "-v", "0"], {
        cwd,
        env: { ...process.env, ...env },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(migrate.status, migrate.stderr).toBe(0);

      const p = await startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], {
        cwd,
        env,
        readyUrl: "http://127.0.0.1:{port}/",
        timeoutMs: 30_000,
      });
      running.push(p);
      const base = `http://127.0.0.1:${p.port}`;

      const root = await httpRequest(`${base}/api/`);
      expect(json(root.body)).toMatchObject({ portfolios: expect.stringContaining("/api/portfolios/") });

      const created = await httpRequest(`${base}/api/portfolios/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Growth", owner: "desk-a" }),
      });
      expect(created.status, created.body).toBe(201);
      const { id } = json(created.body) as { id: number };

      // class-based view from portfolio.urls
      const detail = await httpRequest(`${base}/portfolios/${id}/`);
      expect(json(detail.body)).toMatchObject({ id, name: "Growth", holdings: [] });
      // DRF @action
      const rebalance = await httpRequest(`${base}/api/portfolios/${id}/rebalance/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ targets: {} }),
      });
      expect(rebalance.status).toBe(200);
      // reports app, across the portfolio ⇄ reports import cycle
      const report = await httpRequest(`${base}/reports/generate/${id}/pnl/`, { method: "POST" });
      expect(report.status).toBe(201);
      expect(json((await httpRequest(`${base}/reports/`)).body)).toMatchObject({
        reports: [{ portfolio: "Growth", kind: "pnl" }],
      });
    } finally {
      rmSync(dbDir, { recursive: true, force: true });
    }
  });

  it("execution (axum binary from the shared cargo target)", async () => {
    const p = await startProcess(executionBin(), [], {
      env: { PORT: "{port}", BIND_ADDR: "127.0.0.1" },
      readyUrl: "http://127.0.0.1:{port}/",
    });
    running.push(p);
    const base = `http://127.0.0.1:${p.port}`;

    expect(json((await httpRequest(`${base}/`)).body)).toMatchObject({ service: "execution" });
    expect(json((await httpRequest(`${base}/api/positions/aapl`)).body)).toMatchObject({ symbol: "AAPL" });

    const submitted = await httpRequest(`${base}/api/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ symbol: "MSFT", side: "buy", quantity: 5 }),
    });
    expect(submitted.status).toBe(201);
    const { id } = json(submitted.body) as { id: number };
    expect(json((await httpRequest(`${base}/api/orders/${id}`)).body)).toMatchObject({ id, status: "accepted" });
    const cancelled = await httpRequest(`${base}/api/orders/${id}/cancelOrder`, { method: "POST" });
    expect(json(cancelled.body)).toMatchObject({ id, status: "cancelled" });

    // graceful shutdown on SIGTERM
    await p.stop();
    expect(p.child.exitCode).toBe(0);
  });
});
