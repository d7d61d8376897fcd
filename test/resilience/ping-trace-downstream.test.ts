/**
 * `fks ping --trace-downstream` against the scaffolded api: ping listens where api's DATA_URL
 * points and passes only when api's call to it keeps ping's trace id with a new parent id. The
 * same api without `fks scaffold tracing` fails the same check.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree } from "../helpers.js";
import { platformCopy } from "../scaffold/platform.js";
import { addExecutionRoutes, addWebRoute, buildExecution, run, runserver, scaffoldedPlatform, uvicorn } from "./platform.js";

const skip = existsSync(pythonBin()) ? undefined : `no Python venv at ${pythonBin()} (run scripts/env/setup.sh)`;
if (skip) console.warn(`[skip] ping --trace-downstream: ${skip}`);

const dirs: string[] = [];
const started: StartedProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const d of dirs) removeTree(d);
});

const ROUTE = `\n\n@app.get("/market/symbols")\nasync def market_symbols() -> dict:\n    response = await resilience.get("data", "/symbols")\n    return {"status": response.status_code}\n`;

const cargo = spawnSync("cargo", ["--version"]).status === 0;
if (!cargo) console.warn("[skip] ping --trace-downstream on axum: cargo is not installed");

type Ping = { services: Array<{ status: string; endpoints: Array<{ status: string; trace?: { downstream?: string } }> }> };

async function pingThrough(dir: string, serve: "fastapi" | "django" | ((env: Record<string, string>) => Promise<StartedProcess>) = "fastapi"): Promise<{ code: number | null; result: Ping }> {
  const capture = await freePort();
  const env = { DATA_URL: `http://127.0.0.1:${capture}` };
  const api = await (serve === "fastapi" ? uvicorn(dir, "api", env) : serve === "django" ? runserver(dir, env) : serve(env));
  started.push(api);
  const r = fks(["ping", "--url", `http://127.0.0.1:${api.port}/market/symbols`, "--trace-downstream", String(capture), "--format", "json"]);
  return { code: r.code, result: JSON.parse(r.stdout) as Ping };
}

describe.skipIf(!!skip)("fks ping --trace-downstream on scaffolded services", () => {
  let traced = "";
  let untraced = "";
  let otel = "";
  let djangoOtel = "";
  let axumOtel = "";
  beforeAll(() => {
    traced = scaffoldedPlatform();
    dirs.push(traced);
    // The same route, but the service has the resilient client and no trace context.
    untraced = platformCopy();
    dirs.push(untraced);
    run(["scaffold", "resilience", "api", untraced]);
    appendFileSync(path.join(untraced, "api/app/main.py"), ROUTE);
    // OpenTelemetry instead of the plain middleware: the server span is the parent of the call.
    otel = platformCopy();
    dirs.push(otel);
    run(["scaffold", "resilience", "api", otel]);
    run(["scaffold", "tracing", "api", otel, "--otel"]);
    appendFileSync(path.join(otel, "api/app/main.py"), ROUTE);
    djangoOtel = platformCopy();
    dirs.push(djangoOtel);
    run(["scaffold", "resilience", "web", djangoOtel]);
    run(["scaffold", "tracing", "web", djangoOtel, "--otel"]);
    addWebRoute(djangoOtel);
    if (cargo) {
      axumOtel = platformCopy();
      dirs.push(axumOtel);
      run(["scaffold", "resilience", "execution", axumOtel, "--downstream", "data=DATA_URL"]);
      run(["scaffold", "tracing", "execution", axumOtel, "--otel"]);
      addExecutionRoutes(axumOtel);
    }
  }, 60_000);

  it("passes when the service propagates the trace", async () => {
    const { code, result } = await pingThrough(traced);
    expect(result.services[0]!.endpoints[0]!.trace?.downstream).toBe("propagated");
    expect(code).toBe(0);
  }, 60_000);

  it("passes with --otel (FastAPIInstrumentor's server span)", async () => {
    const { code, result } = await pingThrough(otel);
    expect(result.services[0]!.endpoints[0]!.trace?.downstream).toBe("propagated");
    expect(code).toBe(0);
  }, 60_000);

  it("passes with --otel on Django (DjangoInstrumentor, wired in wsgi.py)", async () => {
    const { code, result } = await pingThrough(djangoOtel, "django");
    expect(result.services[0]!.endpoints[0]!.trace?.downstream).toBe("propagated");
    expect(code).toBe(0);
  }, 60_000);

  it.skipIf(!cargo)("passes with --otel on axum (tracing-opentelemetry), built with cargo", async () => {
    const bin = buildExecution(axumOtel, "execution-otel", "axum-otel-deps");
    const { code, result } = await pingThrough(axumOtel, (env) => startProcess(bin, [], { env: { PORT: "{port}", BIND_ADDR: "127.0.0.1", ...env }, readyUrl: "http://127.0.0.1:{port}/", timeoutMs: 30_000 }));
    expect(result.services[0]!.endpoints[0]!.trace?.downstream).toBe("propagated");
    expect(code).toBe(0);
  }, 600_000);

  it("fails when it does not", async () => {
    const { code, result } = await pingThrough(untraced);
    expect(result.services[0]!.endpoints[0]!.trace?.downstream).toBe("missing");
    expect(result.services[0]!.endpoints[0]!.status).toBe("untraced");
    expect(code).toBe(1);
  }, 60_000);
});
