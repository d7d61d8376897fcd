/**
 * Services on managed Postgres connect over TLS (sslmode=require in DATABASE_URL). Three axum services
 * on tokio-postgres, with postgres-native-tls, postgres-openssl and tokio-postgres-rustls, are scaffolded,
 * built with cargo and their /ready run against the real PostgreSQL setup.sh started with ssl = on
 * (a self-signed certificate): the check must use the connector the service already has.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCrate, report, scaffoldedFixture, serve, serverWithoutTls, tlsPostgres, cleanedUpAfterAll, withSslmode } from "./axum-helpers.js";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/scaffold/axum-pg-tls");

const pg = await tlsPostgres();
const skip = pg.skip;
if (skip) console.warn(`[skip] axum services with TLS connectors against real PostgreSQL: ${skip}`);
const { started, servers, dirs } = cleanedUpAfterAll();
let dir = "";

const CASES = [
  { crate: "orders", pkg: "fks-fixture-axum-pg-native-tls", connector: "postgres_native_tls::MakeTlsConnector::new(connector)" },
  { crate: "billing", pkg: "fks-fixture-axum-pg-openssl", connector: "postgres_openssl::MakeTlsConnector::new(builder.build())" },
  { crate: "ledger", pkg: "fks-fixture-axum-pg-rustls", connector: "tokio_postgres_rustls::MakeRustlsConnect::new(config)" },
];

describe.skipIf(!!skip)("scaffolded axum services with a tokio-postgres TLS connector", () => {
  const bins = new Map<string, string>();
  beforeAll(() => {
    dirs.push((dir = scaffoldedFixture(FIXTURE)));
    for (const c of CASES) bins.set(c.crate, buildCrate(dir, c.crate, c.pkg));
    bins.set("journal", buildCrate(dir, "journal", "fks-fixture-axum-pg-rustls-own-ca"));
  }, 900_000);

  it("rustls without a root certificates crate: require passes, verify-full says the check has no roots instead of pretending", async () => {
    const ok = await report(`${await serve(started, bins.get("journal")!, { DATABASE_URL: withSslmode(pg.url!, "require") })}/ready`, 200);
    expect(ok.body.checks["postgres:connections"]![0]!.status).toBe("pass");
    const r = await report(`${await serve(started, bins.get("journal")!, { DATABASE_URL: withSslmode(pg.url!, "verify-full") })}/health`, 503);
    expect(r.body.checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: "sslmode=verify-full but the service has no root certificates for rustls" });
  });

  describe.each(CASES)("$crate ($pkg)", ({ crate, connector }) => {
    it("uses the connector the service already has", () => {
      const rs = readFileSync(path.join(dir, crate, "src/health.rs"), "utf8");
      expect(rs).toContain(connector);
      expect(rs).not.toContain("NoTls");
    });

    it("/ready passes with sslmode=require against the real server, and still with sslmode=disable", async () => {
      for (const mode of ["require", "disable"]) {
        const r = await report(`${await serve(started, bins.get(crate)!, { DATABASE_URL: withSslmode(pg.url!, mode) })}/ready`, 200);
        expect(r.status, mode).toBe(200);
        expect(r.body.checks["postgres:connections"]![0]!.status).toBe("pass");
      }
    });

    it("reads sslmode from a key=value connection string too", async () => {
      const u = new URL(pg.url!);
      const dsn = `host=${u.hostname} port=${u.port} user=${u.username} password=${u.password} dbname=${u.pathname.slice(1)} sslmode=require`;
      const r = await report(`${await serve(started, bins.get(crate)!, { DATABASE_URL: dsn })}/ready`, 200);
      expect(r.body.checks["postgres:connections"]![0]!.status).toBe("pass");
      const full = await report(`${await serve(started, bins.get(crate)!, { DATABASE_URL: dsn.replace("sslmode=require", "sslmode=verify-full") })}/health`, 503);
      expect(full.body.checks["postgres:connections"]![0]!.output).toMatch(/^TLS failed: server certificate not accepted/);
    });

    it("sslmode=verify-full checks the certificate: the self-signed one is refused with a TLS output", async () => {
      const r = await report(`${await serve(started, bins.get(crate)!, { DATABASE_URL: withSslmode(pg.url!, "verify-full") })}/health`, 503);
      expect(r.status).toBe(503);
      const entry = r.body.checks["postgres:connections"]![0]!;
      expect(entry.status).toBe("fail");
      expect(entry.output).toMatch(/^TLS failed: server certificate not accepted \(.+\)$/);
      expect(JSON.stringify(r.body)).not.toMatch(/fks:fks|postgresql:\/\//);
    });

    it("fails with 'server does not support TLS' on a server that refuses TLS (a mock answering N, as a Postgres with ssl = off does: the shared test server has TLS on)", async () => {
      const port = await serverWithoutTls(servers);
      const r = await report(`${await serve(started, bins.get(crate)!, { DATABASE_URL: `postgresql://fks:fks@127.0.0.1:${port}/postgres?sslmode=require` })}/health`, 503);
      expect(r.status).toBe(503);
      expect(r.body.checks["postgres:connections"]![0]).toMatchObject({ status: "fail", output: "TLS failed: server does not support TLS" });
    });
  });
});
