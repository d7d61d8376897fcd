/**
 * An axum service that already depends on tokio-postgres and redis-rs gets /ready checks that use
 * those clients (SELECT 1, PING), built with cargo and run against the real PostgreSQL setup.sh
 * started and a private redis-server this test stops. Which client code is generated for which
 * Cargo.toml is checked without a build.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rustClients } from "../../src/frameworks/axum/health.js";
import { httpRequest, postgresAvailable, redisAvailable, startProcess, startRedis, type StartedProcess } from "../env/engines.js";
import { fks, removeTree } from "../helpers.js";
import { buildCrate, report, scaffoldedFixture, serve, withSslmode, type Report } from "./axum-helpers.js";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/scaffold/axum-clients");

describe("client crates an axum service already has", () => {
  it("finds tokio-postgres and redis, also renamed or as [dependencies.x] tables", () => {
    expect(rustClients('[dependencies]\ntokio-postgres = "0.7"\nredis = { version = "0.32", features = ["tokio-comp"] }\n')).toEqual({
      postgres: { kind: "tokio-postgres", path: "tokio_postgres", name: "tokio-postgres" },
      redis: "redis",
    });
    expect(rustClients('[dependencies]\npg = { package = "tokio-postgres", version = "0.7" }\n\n[dependencies.cache]\npackage = "redis"\nversion = "0.27"\n')).toEqual({
      postgres: { kind: "tokio-postgres", path: "pg", name: "tokio-postgres" },
      redis: "cache",
    });
  });

  it("reaches tokio-postgres through deadpool-postgres", () => {
    expect(rustClients('[dependencies]\ndeadpool-postgres = "0.14"\n').postgres?.path).toBe("deadpool_postgres::tokio_postgres");
  });

  it("uses sqlx only with its postgres and tokio runtime features", () => {
    expect(rustClients('[dependencies]\nsqlx = { version = "0.8", features = [\n  "runtime-tokio",\n  "postgres",\n] }\n').postgres?.kind).toBe("sqlx");
    expect(rustClients('[dependencies]\nsqlx = { version = "0.8", features = ["runtime-tokio", "sqlite"] }\n').postgres).toBeUndefined();
    expect(rustClients('[dependencies]\nsqlx = { version = "0.8", features = ["runtime-async-std", "postgres"] }\n').postgres).toBeUndefined();
  });

  it("ignores dev- and build-dependencies: the service binary cannot use them", () => {
    expect(rustClients('[dev-dependencies]\ntokio-postgres = "0.7"\n\n[build-dependencies]\nredis = "0.32"\n')).toEqual({});
  });
});

/** Builds the scaffolded orders crate from its committed Cargo.lock; returns the binary. */
function build(dir: string, pkg: string): string {
  return buildCrate(dir, "orders", pkg);
}

describe("generated Rust without client crates", () => {
  it("leaves SIGTERM to a service that shuts down gracefully by itself (the example execution service)", () => {
    const r = fks(["scaffold", "health", "examples/platform", "--service", "execution", "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    const watcher = /fn watch_sigterm\(\) \{[\s\S]*?\n\+\}/.exec(r.stdout)?.[0] ?? "";
    expect(watcher).toContain("mark_shutting_down()");
    expect(watcher).not.toContain("process::exit");
  });

  it("falls back to the raw TCP connect and RESP PING, with no client code", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fks-axum-raw-"));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const toml = path.join(dir, "orders/Cargo.toml");
      writeFileSync(toml, readFileSync(toml, "utf8").replace(/^(tokio-postgres|redis) = .*\n/gm, ""));
      const r = fks(["scaffold", "health", dir]);
      expect(r.code, r.stderr).toBe(0);
      const rs = readFileSync(path.join(dir, "orders/src/health.rs"), "utf8");
      expect(rs).toContain('tcp_check("DATABASE_URL", 5432)');
      expect(rs).toContain('redis_ping("REDIS_URL")');
      expect(rs).not.toMatch(/tokio_postgres|redis::|on_runtime/);
    } finally {
      removeTree(dir);
    }
  });
});

const pg = postgresAvailable();
const redis = redisAvailable();
const skip = !pg.ok ? pg.reason : !redis.ok ? redis.reason : undefined;
if (skip) console.warn(`[skip] axum service with tokio-postgres and redis against real engines: ${skip}`);

const dirs: string[] = [];
const started: StartedProcess[] = [];
const servers: net.Server[] = [];

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const s of servers) s.close();
  for (const d of dirs) removeTree(d);
});

function serveBin(bin: string, env: Record<string, string>): Promise<string> {
  return serve(started, bin, env);
}

/** A copy of the pg URL with another password: the server refuses it after accepting the TCP connection. */
function wrongPassword(): string {
  const wrong = new URL(pg.url!);
  wrong.password = "not-the-password";
  return wrong.toString();
}

describe.skipIf(!!skip)("scaffolded axum service using tokio-postgres and redis-rs", () => {
  let dir = "";
  let bin = "";
  beforeAll(() => {
    dirs.push((dir = scaffoldedFixture(FIXTURE)));
    bin = build(dir, "fks-fixture-axum-clients");
  }, 900_000);

  it("generates client calls, not the raw fallbacks", () => {
    const rs = readFileSync(path.join(dir, "orders/src/health.rs"), "utf8");
    expect(rs).toContain('postgres_select_1("DATABASE_URL")');
    expect(rs).toContain('redis_client_ping("REDIS_URL")');
    expect(rs).toContain("let tls = tokio_postgres::NoTls;");
    expect(rs).toContain("tokio_postgres::connect(&url, tls)");
    expect(rs).toContain('redis::cmd("PING")');
  });

  it("still ends on SIGTERM: the service has no graceful shutdown, so the generated handler exits as the default would", async () => {
    const rs = readFileSync(path.join(dir, "orders/src/health.rs"), "utf8");
    expect(rs).toContain("std::process::exit(143)");
    const p = await startProcess(bin, [], { env: { PORT: "{port}", DATABASE_URL: pg.url!, REDIS_URL: redis.url! }, readyUrl: "http://127.0.0.1:{port}/live" });
    started.push(p);
    await httpRequest(`http://127.0.0.1:${p.port}/live`); // serving: the router, and with it the SIGTERM watcher, is set up
    const exited = new Promise<number | null>((resolve) => p.child.once("exit", (code) => resolve(code)));
    const t0 = Date.now();
    p.child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 4000))]);
    expect(code).toBe(143);
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it("/ready passes with both up, answers 503 naming redis once redis-server stops, /live stays 200", async () => {
    const r = await startRedis();
    started.push(r);
    const base = await serveBin(bin, { DATABASE_URL: pg.url!, REDIS_URL: r.url });

    const up = await report(`${base}/ready`, 200);
    expect(up.status).toBe(200);
    expect(up.body.checks["postgres:connections"]![0]!.status).toBe("pass");
    expect(up.body.checks["redis:responseTime"]![0]!.status).toBe("pass");

    await r.stop();
    const down = await report(`${base}/ready`, 503);
    expect(down.status).toBe(503);
    expect(down.body.checks["redis:responseTime"]![0]!.status).toBe("fail");
    expect(down.body.checks["postgres:connections"]![0]!.status).toBe("pass");
    expect((await httpRequest(`${base}/live`)).status).toBe(200);

    const full = await report(`${base}/health`, 503);
    expect(full.body.checks["redis:responseTime"]![0]!.output).toBe("connect failed");
    expect(JSON.stringify(full.body)).not.toMatch(/127\.0\.0\.1|fks:fks|postgresql:\/\/|redis:\/\//);
  });

  it("fails the postgres check on a wrong password, which a bare TCP connect would pass", async () => {
    const base = await serveBin(bin, { DATABASE_URL: wrongPassword(), REDIS_URL: redis.url! });
    const r = await report(`${base}/health`, 503);
    expect(r.status).toBe(503);
    expect(r.body.checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: "connect failed" });
    expect(r.body.checks["redis:responseTime"]![0]!.status).toBe("pass");
  });

  it("fails with a clear output when DATABASE_URL asks for TLS and the crate has no TLS connector, naming no URL", async () => {
    const rs = readFileSync(path.join(dir, "orders/src/health.rs"), "utf8");
    expect(rs).toContain("return Err(no_tls_client(&mode));");
    for (const mode of ["require", "verify-full"]) {
      const base = await serveBin(bin, { DATABASE_URL: withSslmode(pg.url!, mode), REDIS_URL: redis.url! });
      const r = await report(`${base}/health`, 503);
      expect(r.status).toBe(503);
      expect(r.body.checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: `sslmode=${mode} but the service has no TLS client` });
      expect(JSON.stringify(r.body)).not.toMatch(/127\.0\.0\.1|fks:fks|postgresql:\/\//);
    }
    // sslmode=prefer (also the default) is what the service's own NoTls client does: plain, and it passes.
    const prefer = await report(`${await serveBin(bin, { DATABASE_URL: withSslmode(pg.url!, "prefer"), REDIS_URL: redis.url! })}/ready`, 200);
    expect(prefer.body.checks["postgres:connections"]![0]!.status).toBe("pass");
  });

  it("times out a Postgres that accepts the connection and never answers", async () => {
    const silent = net.createServer(() => {}); // accepts, then stays quiet
    servers.push(silent);
    await new Promise<void>((res) => silent.listen(0, "127.0.0.1", res));
    const port = (silent.address() as net.AddressInfo).port;
    const base = await serveBin(bin, { DATABASE_URL: `postgresql://fks:fks@127.0.0.1:${port}/postgres`, REDIS_URL: redis.url! });
    const t0 = Date.now();
    const r = await httpRequest(`${base}/health`, { headers: { Authorization: "Bearer tok" }, timeoutMs: 10_000 });
    const took = Date.now() - t0;
    expect(r.status).toBe(503);
    expect((JSON.parse(r.body) as Report).checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: "timed out" });
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(5000);
  });
});

describe.skipIf(!!skip)("scaffolded axum service using sqlx (postgres, runtime-tokio)", () => {
  let bin = "";
  beforeAll(() => {
    const dir = scaffoldedFixture(path.resolve(import.meta.dirname, "../fixtures/scaffold/axum-sqlx"));
    dirs.push(dir);
    expect(readFileSync(path.join(dir, "orders/src/health.rs"), "utf8")).toContain('sqlx::query("SELECT 1").execute(&mut conn)');
    bin = build(dir, "fks-fixture-axum-sqlx");
  }, 900_000);

  it("passes SELECT 1 on the real Postgres and fails on a wrong password", async () => {
    const ok = await report(`${await serveBin(bin, { DATABASE_URL: pg.url!, REDIS_URL: redis.url! })}/health`, 200);
    expect(ok.status).toBe(200);
    expect(ok.body.checks["postgres:connections"]![0]!.status).toBe("pass");
    const bad = await report(`${await serveBin(bin, { DATABASE_URL: wrongPassword(), REDIS_URL: redis.url! })}/health`, 503);
    expect(bad.status).toBe(503);
    expect(bad.body.checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: "connect failed" });
  });

  it("without a TLS feature of sqlx, sslmode=require fails with a clear output instead of a bare connect error", async () => {
    const r = await report(`${await serveBin(bin, { DATABASE_URL: withSslmode(pg.url!, "require"), REDIS_URL: redis.url! })}/health`, 503);
    expect(r.status).toBe(503);
    expect(r.body.checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: "sslmode=require but the service has no TLS client" });
  });
});
