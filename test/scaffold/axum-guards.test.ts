/**
 * An axum service whose Router chain ends in an auth layer (`middleware::from_fn`): fks merges the
 * health router after the layer, so the compiled service answers /live without a token while its
 * own routes still need one. A merge moved above the layer is what --check reports.
 * One cargo build into the shared target.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cargoTarget, httpRequest, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, ROOT } from "../helpers.js";

const TOKEN = "orders-token";
let dir = "";
const started: StartedProcess[] = [];

interface F { rule: string; severity: string; line?: number; message: string; hint?: string }
const guards = (d: string) =>
  (JSON.parse(fks(["scaffold", "health", "--check", d, "--format", "json"]).stdout) as { findings: F[] }).findings.filter((f) => f.rule.startsWith("health/probe-"));

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "fks-axum-guarded-"));
  cpSync(path.join(ROOT, "test/fixtures/scaffold/axum-guarded"), dir, { recursive: true });
}, 10_000);
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

describe("axum: an auth layer on the Router the health router joins", () => {
  it("--check before scaffolding: a note that fks will merge after the layer", () => {
    const found = guards(dir);
    const main = readFileSync(path.join(dir, "src/main.rs"), "utf8").split("\n");
    expect(found.map((f) => [f.rule, f.severity, f.line])).toEqual([["health/probe-auth", "note", main.findIndex((l) => l.includes(".layer(middleware::from_fn(require_token))")) + 1]]);
    const dry = fks(["scaffold", "health", dir, "--dry-run"]);
    expect(dry.stdout).toMatch(/the merge goes after \.layer\(middleware::from_fn\(require_token\)\)/);
  });

  it("scaffolded and compiled: /live and /ready answer without the token, /orders still needs it; --check is quiet", async () => {
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    const main = readFileSync(path.join(dir, "src/main.rs"), "utf8");
    expect(main.indexOf(".merge(health::router())")).toBeGreaterThan(main.indexOf(".layer(middleware::from_fn(require_token))"));
    expect(guards(dir)).toEqual([]);
    const build = spawnSync("cargo", ["build", "--offline", "--quiet"], { cwd: dir, env: { ...process.env, CARGO_TARGET_DIR: cargoTarget() }, encoding: "utf8", timeout: 600_000 });
    expect(build.status, build.stderr).toBe(0);
    const p = await startProcess(path.join(cargoTarget(), "debug", "fks-fixture-axum-guarded"), [], { env: { PORT: "{port}", ORDERS_TOKEN: TOKEN }, readyUrl: "http://127.0.0.1:{port}/orders" });
    started.push(p);
    const base = `http://127.0.0.1:${p.port}`;
    expect((await httpRequest(`${base}/live`)).status).toBe(200);
    expect((await httpRequest(`${base}/ready`)).status).toBe(200);
    expect((await httpRequest(`${base}/orders`)).status).toBe(401);
    expect((await httpRequest(`${base}/orders`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  }, 660_000);

  it("a merge above the layer is reported as an error at the layer's line, with the fix", () => {
    const file = path.join(dir, "src/main.rs");
    const text = readFileSync(file, "utf8");
    const moved = text.replace("\n        .merge(health::router())", "").replace(".route(\"/orders\"", ".merge(health::router())\n        .route(\"/orders\"");
    expect(moved).not.toBe(text);
    writeFileSync(file, moved);
    const found = guards(dir);
    const line = moved.split("\n").findIndex((l) => l.includes(".layer(middleware::from_fn(require_token))")) + 1;
    expect(found.map((f) => [f.rule, f.severity, f.line])).toEqual([["health/probe-auth", "error", line]]);
    expect(found[0]!.message).toContain("authenticates /live and /ready");
    expect(found[0]!.hint).toContain("below this layer");
    // A middleware that lets the probes through by path is quiet.
    writeFileSync(file, moved.replace("let expected =", "if matches!(req.uri().path(), \"/live\" | \"/ready\") {\n        return Ok(next.run(req).await);\n    }\n    let expected ="));
    expect(guards(dir)).toEqual([]);
  });
});
