/**
 * A copy of examples/platform with health, resilience and tracing scaffolded by fks, an api
 * route that calls data through the generated client, and helpers to serve the Python services.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks } from "../helpers.js";
import { platformCopy } from "../scaffold/platform.js";

export function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = fks(args);
  if (r.code !== 0) throw new Error(`fks ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r;
}

/** The platform with health on every service, resilience on api, tracing on api and data. */
export function scaffoldedPlatform(): string {
  const dir = platformCopy();
  run(["scaffold", "health", dir, "--force"]);
  run(["scaffold", "resilience", "api", dir]);
  run(["scaffold", "tracing", "api", dir]);
  run(["scaffold", "tracing", "data", dir]);
  run(["scaffold", "resilience", "web", dir]);
  run(["scaffold", "tracing", "web", dir]);
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

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
