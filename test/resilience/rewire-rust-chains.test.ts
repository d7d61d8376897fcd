/**
 * reqwest calls built further than `.get(url)` — .header, .query, .json, .bearer_auth — are rewired
 * into the generated client's `request_with`, and the crate still builds without a warning: the URL
 * helper and the local `let` the calls leave unused are removed (cargo check, real crates.io
 * crates from setup.sh's fetch). Then built and run against a FastAPI service under uvicorn: the
 * headers, query and JSON body arrive as the original code sent them.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cargoTarget, httpRequest, pythonBin, repoRoot, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, tempTree } from "../helpers.js";
import { uvicorn } from "./platform.js";

const FIX = path.join(repoRoot, "test/fixtures/resilience/rewire-rust-chains");
const PKG = "fks-rewire-chains";
const cargo = spawnSync("cargo", ["--version"], { encoding: "utf8" }).status === 0;
const skip = !cargo ? "cargo is not installed" : !existsSync(pythonBin()) ? `no Python venv at ${pythonBin()} (run scripts/env/setup.sh)` : undefined;
if (skip) console.warn(`[skip] rewired reqwest chains: ${skip}`);

let dir = "";
const started: StartedProcess[] = [];
const crate = () => path.join(dir, "pricer");

function cargoRun(sub: "check" | "build"): { status: number | null; stderr: string } {
  const env = { ...process.env, CARGO_TARGET_DIR: cargoTarget() };
  const args = [sub, "--offline", "--message-format", "short"];
  let r = spawnSync("cargo", args, { cwd: crate(), env, encoding: "utf8", timeout: 900_000 });
  // A machine without setup.sh's fetch: once more, online.
  if (r.status !== 0 && /offline|no matching package|failed to download|download of/i.test(r.stderr)) r = spawnSync("cargo", args.filter((a) => a !== "--offline"), { cwd: crate(), env, encoding: "utf8", timeout: 900_000 });
  return { status: r.status, stderr: r.stderr };
}
/** Warnings cargo reports for this crate's own files. */
const ownWarnings = (stderr: string) => stderr.split("\n").filter((l) => /^src\/\S+: warning/.test(l));

beforeAll(() => {
  if (skip) return;
  dir = tempTree({});
  cpSync(FIX, dir, { recursive: true });
  const manifest = path.join(crate(), "Cargo.toml");
  writeFileSync(manifest, readFileSync(manifest, "utf8").replace('name = "pricer"', `name = "${PKG}"`));
  // The lock setup.sh fetched for the generated code's crates, so the build runs offline.
  const lock = readFileSync(path.join(repoRoot, "test/fixtures/resilience/axum-deps/Cargo.lock"), "utf8");
  writeFileSync(path.join(crate(), "Cargo.lock"), lock.replace(/name = "fks-resilience-deps"/, `name = "${PKG}"`));
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

describe.skipIf(!!skip)("scaffold resilience on reqwest builder chains (axum)", () => {
  let text = "";
  it("rewires every chain into request_with and removes the URL helper, the local let and the Client import left unused", () => {
    const before = readFileSync(path.join(crate(), "src/prices.rs"), "utf8");
    const r = fks(["scaffold", "resilience", "pricer", dir, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { findings: Array<{ rule: string; line?: number; message: string }> };
    const lineOf = (needle: string) => before.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(res.findings.filter((f) => f.rule === "resilience/not-rewired")).toEqual([]);
    expect(res.findings.filter((f) => f.rule === "resilience/rewired").map((f) => f.line).sort((a, b) => a! - b!)).toEqual(
      [lineOf('"{}/q/AAPL"'), lineOf("let two"), lineOf('"{}/q/MSFT"'), lineOf('"{quotes}/q/IBM"')].sort((a, b) => a - b),
    );
    text = readFileSync(path.join(crate(), "src/prices.rs"), "utf8");
    const shared = "crate::resilience::Downstreams::shared()";
    expect(text).toContain(`${shared}.request_with("quotes", reqwest::Method::GET, &format!("/q/AAPL"), |r| r.header("x-a", "1").query(&[("n", "2")])).await.ok()`);
    // A chain over several lines keeps its calls, in order.
    expect(text).toMatch(/request_with\("quotes", reqwest::Method::POST, &format!\("\/orders"\), \|r\| r\.header\("idempotency-key", "k-1"\)\s*\.json\(&order\)\)\s*\.await\s*\.ok\(\)/);
    expect(text).toContain(`${shared}.get("quotes", &format!("/q/MSFT")).await.is_ok()`);
    expect(text).toContain(`${shared}.request_with("quotes", reqwest::Method::GET, &format!("/q/IBM"), |r| r.bearer_auth("t0k")).await.ok()`);
    expect(text).not.toMatch(/fn base\(\)|Where the quotes service answers|let quotes =|use reqwest::Client;|Client::new\(\)/);
    // What the rewiring did not touch stays as it was.
    expect(text).toContain("async fn text(r: Option<reqwest::Response>) -> String {");
    expect(text).toContain('let order = json!({"sym": "AAPL", "qty": 3});');
    expect(readFileSync(path.join(crate(), "Cargo.toml"), "utf8")).toMatch(/^reqwest-middleware = \{ version = "0\.4", features = \["json"\] \}$/m);
    const again = fks(["scaffold", "resilience", "pricer", dir, "--format", "json"]);
    expect((JSON.parse(again.stdout) as { edits: unknown[] }).edits).toEqual([]);
  });

  it("audit calls reads the rewired calls as calls through the generated client: no timeout or breaker finding", () => {
    const r = fks(["audit", "calls", dir, "--format", "json", "--fail-on", "none"]);
    const doc = JSON.parse(r.stdout) as { calls: Array<{ file: string; line: number; method: string; client: string; target: { service?: string; path?: string } }>; findings: Array<{ rule: string; file: string }> };
    const ours = doc.calls.filter((c) => c.file.endsWith("prices.rs"));
    expect(ours.map((c) => `${c.method} ${c.target.service} ${c.target.path}`).sort()).toEqual(["GET quotes /q/AAPL", "GET quotes /q/IBM", "GET quotes /q/MSFT", "POST quotes /orders"]);
    expect(new Set(ours.map((c) => c.client)).size).toBe(1);
    expect(doc.findings.filter((f) => f.file.endsWith("prices.rs") && /no-timeout|no-breaker|dead-call/.test(f.rule))).toEqual([]);
  });

  it("cargo check: the rewired crate builds without a warning of its own (and a helper put back is one)", { timeout: 900_000 }, () => {
    const r = cargoRun("check");
    expect(r.status, r.stderr).toBe(0);
    expect(ownWarnings(r.stderr), r.stderr).toEqual([]);
    const file = path.join(crate(), "src/prices.rs");
    appendFileSync(file, "\nfn base() -> String {\n    String::new()\n}\n");
    const back = cargoRun("check");
    writeFileSync(file, text);
    expect(ownWarnings(back.stderr).join("\n")).toMatch(/src\/prices\.rs:\d+:\d+: warning: function `base` is never used/);
  });

  it("built and run: quotes receives the headers, query and JSON body the chains set", { timeout: 900_000 }, async () => {
    const b = cargoRun("build");
    expect(b.status, b.stderr).toBe(0);
    const quotes = await uvicorn(dir, "quotes", {});
    started.push(quotes);
    const pricer = await startProcess(path.join(cargoTarget(), "debug", PKG), [], { env: { PORT: "{port}", QUOTES_URL: `http://127.0.0.1:${quotes.port}` }, readyUrl: "http://127.0.0.1:{port}/local", timeoutMs: 30_000 });
    started.push(pricer);
    const page = await httpRequest(`http://127.0.0.1:${pricer.port}/page`, { timeoutMs: 10_000 });
    expect(page.status).toBe(200);
    const [one, two, three] = JSON.parse(page.body) as [{ sym: string; headers: Record<string, string>; query: Record<string, string> }, { body: unknown; headers: Record<string, string> }, boolean];
    expect(one.sym).toBe("AAPL");
    expect(one.headers["x-a"]).toBe("1");
    expect(one.query).toEqual({ n: "2" });
    expect(two.body).toEqual({ sym: "AAPL", qty: 3 });
    expect(two.headers["idempotency-key"]).toBe("k-1");
    expect(two.headers["content-type"]).toBe("application/json");
    expect(three).toBe(true);
    const local = JSON.parse((await httpRequest(`http://127.0.0.1:${pricer.port}/local`, { timeoutMs: 10_000 })).body) as { sym: string; headers: Record<string, string> };
    expect(local.sym).toBe("IBM");
    expect(local.headers.authorization).toBe("Bearer t0k");
  });
});
