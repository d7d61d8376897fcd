/**
 * Which axum Router the health router joins: the one the application's listener serves, followed from
 * `axum::serve` through bindings and the crate's own functions, not a metrics-only listener's Router that
 * happens to come first in the crate root. One cargo build (test/fixtures/scaffold/axum-two-routers, the
 * axum-guarded lock file's versions) into the shared target.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cargoTarget, freePort, httpRequest, startProcess } from "../env/engines.js";
import { fks, ROOT, tempTree } from "../helpers.js";
import { cleanedUpAfterAll } from "./axum-helpers.js";

const { started, dirs: made } = cleanedUpAfterAll();

function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fks-axum-two-routers-"));
  cpSync(path.join(ROOT, "test/fixtures/scaffold/axum-two-routers"), dir, { recursive: true });
  made.push(dir);
  return dir;
}
function tree(files: Record<string, string>): string {
  const dir = tempTree(files);
  made.push(dir);
  return dir;
}

const CARGO = '[package]\nname = "lib-svc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.8"\ntokio = { version = "1", features = ["full"] }\n';

describe("axum: the application listener's Router, not the metrics listener's", () => {
  it("scaffolded and compiled: /live answers on the application's port, not on the metrics port", async () => {
    const dir = copy();
    const run = fks(["scaffold", "health", dir]);
    expect(run.code, run.stderr).toBe(0);
    const main = readFileSync(path.join(dir, "src/main.rs"), "utf8");
    const catalog = readFileSync(path.join(dir, "src/catalog.rs"), "utf8");
    expect(main).not.toMatch(/\.merge\((crate::)?health::router\(\)\)/);
    // After the whole chain the router function returns: past nest(prefix, ...) and with_state.
    expect(catalog).toContain("routes.fallback(not_found).with_state(state).merge(crate::health::router())");

    const env = { ...process.env, CARGO_TARGET_DIR: cargoTarget() };
    const build = spawnSync("cargo", ["build", "--offline", "--locked", "--quiet"], { cwd: dir, env, encoding: "utf8", timeout: 600_000 });
    expect(build.status, build.stderr).toBe(0);
    const metricsPort = await freePort();
    const p = await startProcess(path.join(cargoTarget(), "debug", "fks-fixture-axum-two-routers"), [], {
      env: { PORT: "{port}", METRICS_PORT: String(metricsPort), API_PREFIX: "/v2" },
      readyUrl: "http://127.0.0.1:{port}/v2/items",
    });
    started.push(p);
    const app = `http://127.0.0.1:${p.port}`;
    const live = await httpRequest(`${app}/live`);
    expect(live.status).toBe(200);
    expect(live.headers["content-type"]).toBe("application/health+json");
    expect((await httpRequest(`${app}/ready`)).status).toBe(200);
    expect((await httpRequest(`${app}/v2/items/1`)).status).toBe(200);
    const metrics = `http://127.0.0.1:${metricsPort}`;
    expect((await httpRequest(`${metrics}/metrics`)).body).toContain("catalog_requests_total");
    expect((await httpRequest(`${metrics}/live`)).status).toBe(404);
    // The `healthcheck` subcommand probes the application's port ($PORT), not the metrics port read before it.
    const check = spawnSync(path.join(cargoTarget(), "debug", "fks-fixture-axum-two-routers"), ["healthcheck"], { env: { ...process.env, PORT: String(p.port), METRICS_PORT: String(metricsPort) }, encoding: "utf8", timeout: 30_000 });
    expect(check.status, check.stderr).toBe(0);
  }, 660_000);

  it("a binary whose Router is built in its library crate (src/lib.rs beside src/main.rs): the library declares the module, and it compiles", async () => {
    const dir = copy();
    // The same service as lib + bin, under a package name of its own so the shared target keeps both binaries.
    const pkg = "fks-fixture-axum-two-routers-lib";
    for (const f of ["Cargo.toml", "Cargo.lock"]) writeFileSync(path.join(dir, f), readFileSync(path.join(dir, f), "utf8").replace('name = "fks-fixture-axum-two-routers"', `name = "${pkg}"`));
    const main = readFileSync(path.join(dir, "src/main.rs"), "utf8");
    writeFileSync(path.join(dir, "src/lib.rs"), main.replace("#[tokio::main]\nasync fn main()", "pub async fn run()"));
    writeFileSync(path.join(dir, "src/main.rs"), "#[tokio::main]\nasync fn main() -> Result<(), std::io::Error> {\n    fks_fixture_axum_two_routers_lib::run().await\n}\n");
    const run = fks(["scaffold", "health", dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "src/lib.rs"), "utf8")).toMatch(/^pub mod health;$/m);
    expect(readFileSync(path.join(dir, "src/main.rs"), "utf8")).toContain("std::process::exit(fks_fixture_axum_two_routers_lib::health::run_cli());");
    const build = spawnSync("cargo", ["build", "--offline", "--locked", "--quiet"], { cwd: dir, env: { ...process.env, CARGO_TARGET_DIR: cargoTarget() }, encoding: "utf8", timeout: 600_000 });
    expect(build.status, build.stderr).toBe(0);
    const p = await startProcess(path.join(cargoTarget(), "debug", pkg), [], { env: { PORT: "{port}" }, readyUrl: "http://127.0.0.1:{port}/api/items" });
    started.push(p);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status).toBe(200);
  }, 660_000);

  it("the plan says which Router it chose and which metrics-only one it passed over", () => {
    const dir = copy();
    const dry = fks(["scaffold", "health", dir, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    const servedAt = (needle: string) => `src/main.rs:${readFileSync(path.join(dir, "src/main.rs"), "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1}`;
    expect(dry.stdout).toContain(`the Router served at ${servedAt("axum::serve(listener, app.into_make_service())")}`);
    expect(dry.stdout).toContain(`not the /metrics-only Router served at ${servedAt("axum::serve(listener, router.into_make_service())")}`);
  });
});

describe("axum: choosing a Router without compiling", () => {
  it("a library crate without serve: the function returning the biggest Router that is not metrics-only, in another module", () => {
    const dir = tree({
      "Cargo.toml": CARGO,
      "src/lib.rs": 'use axum::{routing::get, Router};\n\nmod routes;\npub use routes::app;\n\npub fn metrics_router() -> Router {\n    Router::new().route("/metrics", get(|| async { "" }))\n}\n',
      "src/routes.rs": 'use axum::{routing::get, Router};\n\npub fn app() -> Router {\n    Router::new()\n        .route("/a", get(|| async { "a" }))\n        .route("/b", get(|| async { "b" }))\n}\n',
    });
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    expect(readFileSync(path.join(dir, "src/routes.rs"), "utf8")).toContain('        .route("/b", get(|| async { "b" }))\n        .merge(crate::health::router())\n}');
    expect(readFileSync(path.join(dir, "src/lib.rs"), "utf8")).not.toContain("health::router()");
  });

  it("a library crate without serve: the Router builder nobody calls, not the bigger sub-router it nests under /api", () => {
    const dir = tree({
      "Cargo.toml": CARGO,
      "src/lib.rs": [
        "use axum::{routing::get, Router};",
        "",
        "fn api() -> Router {",
        "    Router::new()",
        '        .route("/a", get(|| async { "a" }))',
        '        .route("/b", get(|| async { "b" }))',
        '        .route("/c", get(|| async { "c" }))',
        "}",
        "",
        "pub fn app() -> Router {",
        '    Router::new().route("/", get(|| async { "" })).nest("/api", api())',
        "}",
        "",
      ].join("\n"),
    });
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    const after = readFileSync(path.join(dir, "src/lib.rs"), "utf8");
    expect(after).toContain('.nest("/api", api()).merge(health::router())\n}');
    expect(after.match(/health::router\(\)/g)).toHaveLength(1);
  });

  it("a Router rebound after its let (nested under a prefix) and served inside tokio::select!: merged where it is served", () => {
    const main = [
      "use axum::{routing::get, Router};",
      "",
      "fn routes() -> Router {",
      '    Router::new().route("/orders", get(|| async { "" }))',
      "}",
      "",
      "#[tokio::main]",
      "async fn main() {",
      "    let mut app = routes();",
      '    if let Ok(prefix) = std::env::var("PREFIX") {',
      "        app = Router::new().nest(&prefix, app);",
      "    }",
      '    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();',
      "    tokio::select! {",
      "        r = axum::serve(listener, app) => r.unwrap(),",
      "        _ = tokio::signal::ctrl_c() => {}",
      "    }",
      "}",
      "",
    ].join("\n");
    const dir = tree({ "Cargo.toml": CARGO, "src/main.rs": main });
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    const after = readFileSync(path.join(dir, "src/main.rs"), "utf8");
    expect(after).toContain("r = axum::serve(listener, app.merge(health::router())) => r.unwrap(),");
    expect(after.match(/health::router\(\)/g)).toHaveLength(1);
  });

  it("two application listeners: the Router with more routes, and a note naming both and how to choose the other", () => {
    const main = [
      "use axum::{routing::get, Router};",
      "",
      "fn admin() -> Router {",
      '    Router::new().route("/users", get(|| async { "" }))',
      "}",
      "",
      "#[tokio::main]",
      "async fn main() {",
      '    let admin_listener = tokio::net::TcpListener::bind("127.0.0.1:9000").await.unwrap();',
      "    tokio::spawn(async move { axum::serve(admin_listener, admin()).await.unwrap() });",
      "    let public = Router::new()",
      '        .route("/", get(|| async { "" }))',
      '        .route("/orders", get(|| async { "" }));',
      '    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();',
      "    axum::serve(listener, public).await.unwrap();",
      "}",
      "",
    ].join("\n");
    const dir = tree({ "Cargo.toml": CARGO, "src/main.rs": main });
    const dry = fks(["scaffold", "health", dir, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/2 listeners serve a Router \(src\/main\.rs:10, src\/main\.rs:15\)/);
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    const after = readFileSync(path.join(dir, "src/main.rs"), "utf8");
    expect(after).toContain('        .route("/orders", get(|| async { "" }))\n        .merge(health::router());');
    expect(after).toContain('Router::new().route("/users", get(|| async { "" }))\n}');
  });
});
