/**
 * A copy of examples/platform with health, resilience and tracing scaffolded by fks, an api
 * route that calls data through the generated client, and helpers to serve the Python services.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { cargoTarget, pythonBin, repoRoot, startProcess, type StartedProcess } from "../env/engines.js";
import { fks } from "../helpers.js";
import { platformCopy } from "../scaffold/platform.js";

export function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = fks(args);
  if (r.code !== 0) throw new Error(`fks ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r;
}

/** The platform with health on every service, resilience and tracing on api, web and execution, tracing on data. */
export function scaffoldedPlatform(): string {
  const dir = platformCopy();
  run(["scaffold", "health", dir, "--force"]);
  run(["scaffold", "resilience", "api", dir]);
  run(["scaffold", "tracing", "api", dir]);
  run(["scaffold", "tracing", "data", dir]);
  run(["scaffold", "resilience", "execution", dir, "--downstream", "data=DATA_URL"]);
  run(["scaffold", "tracing", "execution", dir]);
  addExecutionRoutes(dir);
  run(["scaffold", "resilience", "web", dir]);
  run(["scaffold", "tracing", "web", dir]);
  addWebRoute(dir);
  // What a developer writes next: a route that calls data through the generated client.
  const main = path.join(dir, "api/app/main.py");
  if (!readFileSync(main, "utf8").includes("resilience.install(application)")) throw new Error("api is not wired");
  appendFileSync(
    main,
    `

@app.get("/market/symbols")
async def market_symbols() -> dict:
    response = await resilience.get("data", "/symbols")
    return {"status": response.status_code, "symbols": response.json()}


@app.post("/market/orders")
async def market_order() -> dict:
    response = await resilience.post("data", "/symbols")
    return {"status": response.status_code}
`,
  );
  return dir;
}

/** What a Django developer writes next: a view that calls data through the generated client. */
export function addWebRoute(dir: string): void {
  appendFileSync(
    path.join(dir, "web/webapp/views.py"),
    `

def market_symbols(request):
    from webapp import resilience

    response = resilience.get("data", "/symbols")
    return JsonResponse({"status": response.status_code, "symbols": response.json()})
`,
  );
  const urls = path.join(dir, "web/webapp/urls.py");
  writeFileSync(urls, readFileSync(urls, "utf8").replace("urlpatterns = [\n", 'urlpatterns = [\n    path("market/symbols", views.market_symbols),\n'));
}

/** What an axum developer writes next: handlers that call data through the client in the router's state. */
export function addExecutionRoutes(dir: string): void {
  const rs = path.join(dir, "execution/src/main.rs");
  writeFileSync(
    rs,
    readFileSync(rs, "utf8").replace(".merge(positions::router())", '.merge(positions::router())\n        .route("/market/symbols", get(market_symbols))\n        .route("/market/orders", axum::routing::post(market_order))') +
      `
async fn market_symbols(axum::Extension(downstreams): axum::Extension<resilience::Downstreams>) -> Result<Json<Value>, resilience::DownstreamError> {
    let response = downstreams.get("data", "/symbols").await?;
    Ok(Json(json!({ "status": response.status().as_u16() })))
}

async fn market_order(axum::Extension(downstreams): axum::Extension<resilience::Downstreams>) -> Result<Json<Value>, resilience::DownstreamError> {
    let response = downstreams.post("data", "/symbols").await?;
    Ok(Json(json!({ "status": response.status().as_u16() })))
}
`,
  );
}

/** Serves one Python FastAPI service of the copy with uvicorn on a free port (or `port`). */
export function uvicorn(dir: string, service: string, env: Record<string, string>, port?: number): Promise<StartedProcess> {
  return startProcess(pythonBin(), ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}", "--no-access-log"], {
    cwd: path.join(dir, service),
    env: { PYTHONUNBUFFERED: "1", DATABASE_URL: "", REDIS_URL: "", EXECUTION_URL: "", ...env },
    readyUrl: "http://127.0.0.1:{port}/live",
    port,
    timeoutMs: 30_000,
  });
}

/** Serves the copy's Django web service with runserver (threaded) on a free port. */
export function runserver(dir: string, env: Record<string, string>): Promise<StartedProcess> {
  const db = path.join(mkdtempSync(path.join(tmpdir(), "fks-web-db-")), "db.sqlite3");
  return startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], {
    cwd: path.join(dir, "web"),
    env: { PYTHONUNBUFFERED: "1", DEBUG: "0", WEB_SQLITE_PATH: db, EXECUTION_URL: "", ...env },
    readyUrl: "http://127.0.0.1:{port}/live",
    timeoutMs: 30_000,
  });
}

/**
 * Builds the copy's scaffolded execution crate into the shared cargo target, under its own package
 * name (so the example's binary there is left alone), from the lock file setup.sh fetched.
 */
export function buildExecution(dir: string, pkg = "execution-resilience", deps = "axum-deps"): string {
  const crate = path.join(dir, "execution");
  const manifest = path.join(crate, "Cargo.toml");
  writeFileSync(manifest, readFileSync(manifest, "utf8").replace('name = "execution"', `name = "${pkg}"`));
  const lock = readFileSync(path.join(repoRoot, `test/fixtures/resilience/${deps}/Cargo.lock`), "utf8");
  writeFileSync(path.join(crate, "Cargo.lock"), lock.replace(/name = "fks-resilience-[\w-]*deps"/, `name = "${pkg}"`));
  const env = { ...process.env, CARGO_TARGET_DIR: cargoTarget() };
  let r = spawnSync("cargo", ["build", "--offline", "--quiet"], { cwd: crate, env, encoding: "utf8", timeout: 600_000 });
  // A machine without setup.sh's fetch: once more, online.
  if (r.status !== 0 && /offline|no matching package|failed to download|download of/i.test(r.stderr)) r = spawnSync("cargo", ["build", "--quiet"], { cwd: crate, env, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`cargo build of the scaffolded execution failed:\n${r.stderr}`);
  return path.join(cargoTarget(), "debug", pkg);
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
