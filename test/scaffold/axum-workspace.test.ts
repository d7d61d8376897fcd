/**
 * A Cargo workspace as real repositories write it: the root's [workspace.dependencies] hold versions
 * and shared features (sqlx with its tokio runtime, tokio without "signal"), the member inherits them
 * with `workspace = true` / `axum.workspace = true` and adds its own (sqlx's postgres and tls-rustls,
 * tokio's signal). Scaffolded, built with cargo as a workspace member and run against the real
 * PostgreSQL (over TLS with sslmode=require): only the merged features give the sqlx check with TLS
 * and the SIGTERM watcher.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCrate, report, scaffoldedFixture, serve, serverWithoutTls, tlsPostgres, cleanedUpAfterAll, withSslmode } from "./axum-helpers.js";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/scaffold/axum-workspace");

const pg = await tlsPostgres();
const skip = pg.skip;
if (skip) console.warn(`[skip] axum workspace member with sqlx over TLS against real PostgreSQL: ${skip}`);
const { started, servers, dirs } = cleanedUpAfterAll();
let dir = "";

describe.skipIf(!!skip)("scaffolded workspace member inheriting sqlx (tls-rustls) and tokio from the root", () => {
  let bin = "";
  let rs = "";
  beforeAll(() => {
    dirs.push((dir = scaffoldedFixture(FIXTURE)));
    rs = readFileSync(path.join(dir, "orders/src/health.rs"), "utf8");
    bin = buildCrate(dir, "orders", "fks-fixture-axum-workspace-orders", ".");
  }, 900_000);

  it("generates the sqlx check with sqlx's own TLS and the SIGTERM watcher, from features split between root and member", () => {
    expect(rs).toContain("sqlx::postgres::PgConnection::connect(&url)");
    expect(rs).toContain("sqlx's tls-rustls");
    expect(rs).not.toContain("no_tls_client(&mode)");
    expect(rs).toContain("tokio::signal::unix::signal(");
  });

  it("/ready passes with sslmode=require against the real server and on a plain connection", async () => {
    for (const mode of ["require", "disable"]) {
      const r = await report(`${await serve(started, bin, { DATABASE_URL: withSslmode(pg.url!, mode) })}/ready`, 200);
      expect(r.status, mode).toBe(200);
      expect(r.body.checks["postgres:connections"]![0]!.status).toBe("pass");
    }
  });

  it("sslmode=verify-full refuses the self-signed certificate with a TLS output", async () => {
    const r = await report(`${await serve(started, bin, { DATABASE_URL: withSslmode(pg.url!, "verify-full") })}/health`, 503);
    expect(r.status).toBe(503);
    expect(r.body.checks["postgres:connections"]![0]!.output).toMatch(/^TLS failed: server certificate not accepted \(.+\)$/);
    expect(JSON.stringify(r.body)).not.toMatch(/fks:fks|postgresql:\/\//);
  });

  it("fails with 'server does not support TLS' on a server that refuses TLS (a mock answering N, as a Postgres with ssl = off does: the shared test server has TLS on)", async () => {
    const port = await serverWithoutTls(servers);
    const r = await report(`${await serve(started, bin, { DATABASE_URL: `postgresql://fks:fks@127.0.0.1:${port}/postgres?sslmode=require` })}/health`, 503);
    expect(r.body.checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: "TLS failed: server does not support TLS" });
  });
});
