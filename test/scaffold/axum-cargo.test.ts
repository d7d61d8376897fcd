/**
 * Reading Cargo manifests for the axum health checks: dependency forms, workspace inheritance, and
 * which Postgres TLS support the generated check uses. No build: the axum-pg-tls and
 * axum-workspace tests compile and run what these choices generate.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cargoDependencies, crateDependencies, withWorkspace, workspaceManifest } from "../../src/frameworks/health/cargo.js";
import { rustClients } from "../../src/frameworks/axum/health.js";
import { fks, removeTree, tempTree } from "../helpers.js";

const WORKSPACE = path.resolve(import.meta.dirname, "../fixtures/scaffold/axum-workspace");

describe("cargoDependencies", () => {
  it("reads plain, inline, multi-line, dotted and [dependencies.x] forms", () => {
    const deps = cargoDependencies(
      [
        "[package]",
        'name = "x"',
        "",
        "[dependencies]",
        'tokio = "1"',
        'sqlx = { version = "0.8", default-features = false, features = [',
        '  "runtime-tokio", # the server runs on tokio',
        '  "postgres",',
        "] }",
        "axum.workspace = true",
        'axum.features = ["macros"]',
        "",
        "[[bin]]",
        'name = "x"',
        "",
        "[dependencies.db]",
        'package = "tokio-postgres"',
        'version = "0.7"',
        "",
        "[dev-dependencies]",
        'redis = "0.32"',
      ].join("\n"),
    );
    expect([...deps.keys()].sort()).toEqual(["axum", "db", "sqlx", "tokio"]);
    expect(deps.get("tokio")).toMatchObject({ version: "1", features: [], defaultFeatures: true, workspace: false });
    expect(deps.get("sqlx")).toMatchObject({ version: "0.8", features: ["runtime-tokio", "postgres"], defaultFeatures: false });
    expect(deps.get("axum")).toMatchObject({ workspace: true, features: ["macros"] });
    expect(deps.get("db")).toMatchObject({ package: "tokio-postgres", version: "0.7" });
  });

  it("reads [workspace.dependencies] only when asked", () => {
    const toml = '[workspace]\nmembers = ["a"]\n\n[workspace.dependencies]\nsqlx = { version = "0.8", features = ["runtime-tokio"] }\n\n[workspace.dependencies.redis]\nversion = "0.32"\n';
    expect(cargoDependencies(toml).size).toBe(0);
    expect([...cargoDependencies(toml, "workspace").keys()]).toEqual(["sqlx", "redis"]);
  });
});

describe("workspace inheritance", () => {
  it("takes version, package and default-features from the root and adds the member's features", () => {
    const root = cargoDependencies('[workspace.dependencies]\npg = { package = "tokio-postgres", version = "0.7", default-features = false, features = ["runtime"] }\n', "workspace");
    const member = cargoDependencies('[dependencies]\npg = { workspace = true, features = ["with-uuid-1", "runtime"], optional = true }\nlocal = { path = "../local" }\n');
    const merged = withWorkspace(member, root);
    expect(merged.get("pg")).toMatchObject({ package: "tokio-postgres", version: "0.7", defaultFeatures: false, features: ["runtime", "with-uuid-1"] });
    expect(merged.get("local")).toEqual(member.get("local"));
  });

  it("finds the workspace root above a member, and resolves the member's dependencies through it (the axum-workspace fixture)", () => {
    const member = path.join(WORKSPACE, "orders");
    expect(workspaceManifest(member)).toBe(path.join(WORKSPACE, "Cargo.toml"));
    const deps = crateDependencies(member);
    expect(deps.get("sqlx")!.features.sort()).toEqual(["postgres", "runtime-tokio", "tls-rustls"]);
    expect(deps.get("sqlx")!.defaultFeatures).toBe(false);
    expect(deps.get("tokio")!.features).toContain("signal");
    expect(deps.get("tokio")!.features).toContain("rt-multi-thread");
    // Without the root, the member alone names no runtime for sqlx: no client would be found.
    expect(rustClients(cargoDependencies(`[dependencies]\n${'sqlx = { workspace = true, features = ["postgres", "tls-rustls"] }'}\n`)).postgres).toBeUndefined();
    expect(rustClients(deps).postgres).toMatchObject({ kind: "sqlx", tls: { kind: "sqlx" } });
  });
});

describe("Postgres TLS support of a crate", () => {
  const clients = (deps: string) => rustClients(`[dependencies]\n${deps}\n`);

  it("uses sqlx's own TLS for its TLS features, old and new spellings, and none for tls-none", () => {
    for (const f of ["tls-rustls", "tls-rustls-ring-webpki", "tls-native-tls", "runtime-tokio-rustls", "runtime-tokio-native-tls"]) {
      const runtime = f.startsWith("runtime-") ? "" : '"runtime-tokio", ';
      expect(clients(`sqlx = { version = "0.8", features = [${runtime}"postgres", "${f}"] }`).postgres?.tls?.kind, f).toBe("sqlx");
    }
    expect(clients('sqlx = { version = "0.8", features = ["runtime-tokio", "postgres", "tls-none"] }').postgres?.tls).toBeUndefined();
    expect(clients('sqlx = { version = "0.8", features = ["runtime-tokio", "postgres"] }').postgres?.tls).toBeUndefined();
  });

  it("uses a tokio-postgres connector crate only with the TLS crate it wraps, renamed or not", () => {
    expect(clients('tokio-postgres = "0.7"\npostgres-native-tls = "0.5"\nnative-tls = "0.2"').postgres?.tls).toMatchObject({ kind: "native-tls", adapter: "postgres_native_tls", base: "native_tls" });
    expect(clients('deadpool-postgres = "0.14"\npg-tls = { package = "postgres-openssl", version = "0.5" }\nopenssl = "0.10"').postgres).toMatchObject({
      path: "deadpool_postgres::tokio_postgres",
      tls: { kind: "openssl", adapter: "pg_tls", base: "openssl" },
    });
    expect(clients('tokio-postgres = "0.7"\npostgres-native-tls = "0.5"').postgres?.tls).toBeUndefined();
  });

  it("uses tokio-postgres-rustls with rustls 0.23 only, and the root certificates crate the service has", () => {
    const base = 'tokio-postgres = "0.7"\ntokio-postgres-rustls = "0.14"\n';
    expect(clients(`${base}rustls = { version = "0.23", default-features = false, features = ["ring"] }\nwebpki-roots = "1"`).postgres?.tls).toMatchObject({
      kind: "rustls", adapter: "tokio_postgres_rustls", base: "rustls", roots: { kind: "webpki-roots", path: "webpki_roots" },
    });
    expect(clients(`${base}rustls = "0.23.20"\nrustls-native-certs = "0.8"`).postgres?.tls?.roots).toEqual({ kind: "rustls-native-certs", path: "rustls_native_certs" });
    const noRoots = clients(`${base}rustls = "0.23"\nrustls-native-certs = "0.7"`).postgres?.tls;
    expect(noRoots?.kind).toBe("rustls");
    expect(noRoots?.roots).toBeUndefined();
    const old = clients('tokio-postgres = "0.7"\ntokio-postgres-rustls = "0.10"\nrustls = "0.21"').postgres;
    expect(old?.tls).toBeUndefined();
    expect(old?.tlsUnsupported).toMatch(/^tokio-postgres-rustls with rustls 0\.21\b/);
  });
});

describe("fks scaffold health on a crate without TLS support", () => {
  it("says in its notes that a URL asking for TLS will fail /ready, and the generated check refuses to pretend", () => {
    const dir = tempTree({
      "docker-compose.yml": "services:\n  api:\n    build: ./api\n    environment:\n      DATABASE_URL: postgresql://u:p@db:5432/app?sslmode=require\n    depends_on: [db]\n  db:\n    image: postgres:16\n",
      "api/Cargo.toml": '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.8"\ntokio = { version = "1", features = ["full"] }\ntokio-postgres = "0.7"\n',
      "api/src/main.rs": 'use axum::Router;\n\n#[tokio::main]\nasync fn main() {\n    let app = Router::new().route("/", axum::routing::get(|| async { "ok" }));\n    let l = tokio::net::TcpListener::bind("0.0.0.0:8080").await.unwrap();\n    axum::serve(l, app).await.unwrap();\n}\n',
    });
    try {
      const r = fks(["scaffold", "health", dir, "--format", "json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/the Postgres check has no TLS: the crate has no TLS connector for tokio-postgres/);
      expect(r.stdout).toContain("sslmode=require but the service has no TLS client");
      const rs = readFileSync(path.join(dir, "api/src/health.rs"), "utf8");
      expect(rs).toContain("return Err(no_tls_client(&mode));");
      expect(rs).toContain("let tls = tokio_postgres::NoTls;");
    } finally {
      removeTree(dir);
    }
  });
});
