import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";
import { pythonBin } from "../env/engines.js";

/** `fks audit routes` as users run it: the built CLI on the example platform. */
const platform = path.join(repoRoot, "examples", "platform");
const tmp = mkdtempSync(path.join(os.tmpdir(), "fks-routes-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fks(args: string[], cwd = repoRoot) {
  const res = spawnSync(process.execPath, [path.join(repoRoot, "bin", "fks.js"), ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", CI: "1" } });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

interface J { routes: Array<{ service: string; method: string; path: string; unresolved?: boolean; file: string; line: number; via?: Array<{ prefix: string; file: string; line: number }> }>; findings: Array<{ rule: string; severity: string; service?: string; message: string; file?: string; line?: number }> }
const json = (): J => JSON.parse(fks(["audit", "routes", platform, "--format", "json"]).out) as J;

describe("fks audit routes examples/platform", () => {
  const res = json();
  const of = (svc: string) => res.routes.filter((r) => r.service === svc).map((r) => `${r.method} ${r.path}`).sort();

  it("lists every route of the four services, none unresolved", () => {
    expect([...new Set(res.routes.map((r) => r.service))].sort()).toEqual(["api", "data", "execution", "web"]);
    expect(res.routes.filter((r) => r.unresolved)).toEqual([]);
    // README "Routes": execution's nest and merge
    expect(of("execution")).toEqual(
      ["GET /", "GET /api/orders", "POST /api/orders", "GET /api/orders/{id}", "DELETE /api/orders/{id}", "GET /api/orders/{id}/fills", "POST /api/orders/{id}/cancelOrder", "GET /api/positions", "GET /api/positions/{symbol}"].sort(),
    );
  });

  it.each([
    ["api", "api", "app.main:app", "fastapi"],
    ["data", "data", "app.main:app", "fastapi"],
    ["web", "web", "webapp.settings", "django"],
  ])("%s equals the route table of the imported app", (svc, dir, target, kind) => {
    let python: string;
    try {
      python = pythonBin();
    } catch (e) {
      console.warn(`[routes e2e] oracle skipped: ${(e as Error).message}`);
      return;
    }
    const out = spawnSync(python, [path.join(repoRoot, "test", "routes", "oracle.py"), kind, path.join(platform, dir), target], { encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    expect(of(svc)).toEqual((JSON.parse(out.stdout) as string[][]).map(([m, p]) => `${m} ${p}`).sort());
  });

  it("records the prefixes that built a route, with where they were applied", () => {
    const r = res.routes.find((x) => x.service === "api" && x.path === "/api/v1/orders/{order_id}/fills")!;
    expect(r.via!.map((v) => `${v.prefix} ${v.file}:${v.line}`)).toEqual([
      "/api/v1 examples/platform/api/app/main.py:12",
      "/orders examples/platform/api/app/api/__init__.py:8",
    ]);
  });

  it("flags the planted inconsistencies (examples/platform/README.md, Routes 1-7)", () => {
    const has = (rule: string, svc: string, text: string) =>
      expect(res.findings.some((f) => f.rule === rule && f.service === svc && f.message.includes(text)), `${rule} ${svc} ${text}`).toBe(true);
    has("route-path-case", "api", "/api/v1/accounts/{account_id}/orderHistory");
    has("route-verb-in-path", "api", "POST /api/v1/orders/create");
    has("route-trailing-slash", "api", "/api/v1/accounts/{account_id}/");
    has("route-shadowed", "api", "GET /api/v1/orders/summary is shadowed by GET /api/v1/orders/{order_id}");
    has("route-overlap", "api", "GET /api/v1/symbols");
    has("route-overlap", "data", "GET /api/v1/symbols");
    has("route-path-case", "execution", "cancelOrder");
    has("route-verb-in-path", "execution", "cancelOrder");
    has("route-health-missing", "api", "/live, /ready, /health");
    has("route-health-missing", "execution", "/live, /ready, /health");
    has("route-health-missing", "web", "only /healthz");
    has("route-health-missing", "data", "/live, /ready");
    // negative control: data's own paths are consistent
    expect(res.findings.filter((f) => f.service === "data" && ["route-trailing-slash", "route-path-case", "route-verb-in-path"].includes(f.rule))).toEqual([]);
  });

  it("prints a table grouped by service and exits 1 on the shadowed route (an error)", () => {
    const r = fks(["audit", "routes", platform]);
    expect(r.code).toBe(1);
    for (const svc of ["api", "data", "execution", "web"]) expect(r.out).toMatch(new RegExp(`^${svc} \\(`, "m"));
    expect(r.out).toContain("/api/v1/orders/{order_id}/last-price");
    expect(fks(["audit", "routes", platform, "--fail-on", "none"]).code).toBe(0);
  });

  it("writes SARIF 2.1.0 with a location for every result", () => {
    const r = fks(["audit", "routes", platform, "--format", "sarif"]);
    const sarif = JSON.parse(r.out);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif/);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe("fks");
    const ruleIds = new Set(run.tool.driver.rules.map((x: { id: string }) => x.id));
    expect(run.results.length).toBe(res.findings.length);
    for (const x of run.results) {
      expect(ruleIds.has(x.ruleId)).toBe(true);
      expect(["error", "warning", "note"]).toContain(x.level);
      expect(x.message.text.length).toBeGreaterThan(0);
      const loc = x.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).not.toMatch(/^\//);
      expect(loc.region.startLine).toBeGreaterThan(0);
    }
  });

  it("writes OpenAPI 3.1 skeletons that declare every path parameter", () => {
    const r = fks(["audit", "routes", platform, "--format", "openapi", "--fail-on", "none"]);
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.out) as Record<string, { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ name: string; in: string; required: boolean }>; responses: object }>> }>;
    expect(Object.keys(docs).sort()).toEqual(["api", "data", "execution", "web"]);
    const ids = new Set<string>();
    for (const [svc, doc] of Object.entries(docs)) {
      expect(doc.openapi).toBe("3.1.0");
      expect(doc.info.title).toBe(svc);
      for (const [p, item] of Object.entries(doc.paths)) {
        expect(p.startsWith("/")).toBe(true);
        const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const [method, op] of Object.entries(item)) {
          expect(["get", "put", "post", "delete", "options", "head", "patch", "trace"]).toContain(method);
          expect(Object.keys(op.responses).length).toBeGreaterThan(0);
          expect((op.parameters ?? []).map((x) => x.name)).toEqual(names);
          for (const x of op.parameters ?? []) expect([x.in, x.required]).toEqual(["path", true]);
          expect(ids.has(`${svc}/${op.operationId}`)).toBe(false);
          ids.add(`${svc}/${op.operationId}`);
        }
      }
    }
    expect(Object.keys(docs.api!.paths)).toContain("/api/v1/orders/{order_id}/fills");
  });

  it("writes markdown contracts and an nginx gateway", () => {
    const md = fks(["audit", "routes", platform, "--format", "markdown"]).out;
    for (const svc of ["api", "data", "execution", "web"]) expect(md).toContain(`## ${svc}`);
    const gw = fks(["audit", "routes", platform, "--gateway", "nginx"]).out;
    expect(gw).toMatch(/location \^~ \/api\/orders\/ \{\n\s+proxy_pass http:\/\/execution/);
    expect(gw).toMatch(/# conflict: \/api\/v1\/symbols is served by (api and data|data and api)/);
  });

  it("classifies a diff: a removed route is breaking, an added one is not", () => {
    const old = JSON.parse(fks(["audit", "routes", platform, "--format", "json"]).out) as J;
    const file = path.join(tmp, "old.json");
    writeFileSync(file, JSON.stringify(old));
    expect(fks(["audit", "routes", platform, "--diff", file, "--fail-on", "breaking"]).code).toBe(0);
    const removed = { ...old, routes: [...old.routes, { ...old.routes[0]!, method: "PUT", path: "/api/v1/orders/gone" }] };
    writeFileSync(file, JSON.stringify(removed));
    const r = fks(["audit", "routes", platform, "--diff", file, "--fail-on", "breaking", "--format", "json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out) as J & { diff: Array<{ kind: string; breaking: boolean; path: string }> };
    expect(out.diff).toEqual([expect.objectContaining({ kind: "removed-route", breaking: true, path: "/api/v1/orders/gone" })]);
    const fewer = { ...old, routes: old.routes.filter((x) => x.path !== "/api/v1/symbols") };
    writeFileSync(file, JSON.stringify(fewer));
    const added = JSON.parse(fks(["audit", "routes", platform, "--diff", file, "--format", "json", "--fail-on", "none"]).out) as { diff: Array<{ kind: string; breaking: boolean }> };
    expect(added.diff.map((d) => [d.kind, d.breaking])).toEqual([["added-route", false], ["added-route", false]]);
  });

  it("exits 2 on usage and config errors", () => {
    expect(fks(["audit", "routes", platform, "--format", "yaml"]).code).toBe(2);
    expect(fks(["audit", "routes", path.join(tmp, "nope")]).code).toBe(2);
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, "{ not json");
    const r = fks(["audit", "routes", platform, "--diff", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json:1 is not valid JSON/);
    const cfgDir = path.join(tmp, "cfg");
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(path.join(cfgDir, "fks.yaml"), "rules:\n  route-path-case: loud\n  no-such-rule: off\n");
    const c = fks(["audit", "routes", platform], cfgDir);
    expect(c.code).toBe(2);
    expect(c.err).toContain("fks.yaml:2");
    expect(c.err).toContain("no-such-rule");
  });
});

describe("suppressions, baseline and rule configuration", () => {
  const copy = path.join(tmp, "platform");
  cpSync(platform, copy, { recursive: true, filter: (s) => !/node_modules|target|__pycache__/.test(s) });

  it("fks-ignore on the route line silences that rule there only", () => {
    const file = path.join(copy, "api", "app", "api", "orders.py");
    const text = readFileSync(file, "utf8").replace('@router.post("/create", status_code=201)', '@router.post("/create", status_code=201)  # fks-ignore: route-verb-in-path');
    writeFileSync(file, text);
    const out = JSON.parse(fks(["audit", "routes", copy, "--format", "json"]).out) as J;
    expect(out.findings.some((f) => f.rule === "route-verb-in-path" && f.service === "api")).toBe(false);
    expect(out.findings.some((f) => f.rule === "route-verb-in-path" && f.service === "execution")).toBe(true);
  });

  it("a baseline accepts today's findings and reports only new ones", () => {
    const base = path.join(tmp, "baseline.json");
    expect(fks(["audit", "routes", copy, "--baseline", base, "--update-baseline"]).code).toBe(0);
    const clean = fks(["audit", "routes", copy, "--baseline", base, "--format", "json"]);
    expect(clean.code).toBe(0);
    expect((JSON.parse(clean.out) as J).findings).toEqual([]);
    const file = path.join(copy, "data", "app", "main.py");
    writeFileSync(file, readFileSync(file, "utf8") + '\n\n@app.post("/deleteAll")\ndef delete_all():\n    return {}\n');
    const after = JSON.parse(fks(["audit", "routes", copy, "--baseline", base, "--format", "json"]).out) as J;
    expect(after.findings.map((f) => f.rule).sort()).toEqual(["route-path-case", "route-verb-in-path"]);
  });

  it("rules: in fks.yaml turns rules off and changes severities", () => {
    writeFileSync(path.join(copy, "fks.yaml"), "rules:\n  route-shadowed: warning\n  route-health-missing: off\n  route-path-case: { case: camel }\n");
    const r = fks(["audit", "routes", ".", "--format", "json"], copy);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as J;
    expect(out.findings.some((f) => f.rule === "route-health-missing")).toBe(false);
    expect(out.findings.find((f) => f.rule === "route-shadowed")?.severity).toBe("warning");
    expect(out.findings.some((f) => f.rule === "route-path-case" && f.message.includes("last-price"))).toBe(true);
    rmSync(path.join(copy, "fks.yaml"));
  });
});

describe("bad input", () => {
  const dir = path.join(tmp, "bad");
  mkdirSync(path.join(dir, "svc"), { recursive: true });
  writeFileSync(path.join(dir, "svc", "main.py"), 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/fine")\ndef fine():\n    return 1\n');
  writeFileSync(path.join(dir, "svc", "broken.py"), 'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/x"\ndef x(:\n    return [\n');
  writeFileSync(path.join(dir, "svc", "blob.py"), Buffer.from([0x66, 0x00, 0x01, 0x02, 0x46, 0x61, 0x73, 0x74, 0x41, 0x50, 0x49]));
  writeFileSync(path.join(dir, "svc", "huge.py"), "# FastAPI\n" + "x = 1\n".repeat(300_000));
  symlinkSync(path.join(dir, "svc"), path.join(dir, "svc", "loop"));

  it("reports the syntax error with file:line, skips binary and huge files, survives a symlink loop", () => {
    const r = fks(["audit", "routes", dir, "--format", "json", "--fail-on", "none"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as J;
    expect(out.routes.map((x) => `${x.method} ${x.path}`)).toContain("GET /fine");
    const syntax = out.findings.find((f) => f.rule === "routes/parse-error");
    expect(syntax?.file).toMatch(/broken\.py$/);
    expect(syntax?.line).toBeGreaterThanOrEqual(4);
    const notes = out.findings.filter((f) => f.rule === "routes/skipped").map((f) => `${path.basename(f.file ?? "")}: ${f.message}`);
    expect(notes.some((n) => n.startsWith("blob.py: skipped: binary"))).toBe(true);
    expect(notes.some((n) => n.startsWith("huge.py: skipped: larger than"))).toBe(true);
  });

  it("shows the syntax error in the table as a warning at file:line, which --fail-on error does not fail", () => {
    const r = fks(["audit", "routes", dir, "--fail-on", "error"]);
    expect(r.code, r.err).toBe(0);
    const row = r.out.split("\n").find((l) => l.includes("routes/parse-error"));
    expect(row, r.out).toBeTruthy();
    expect(row).toMatch(/^warning\b/);
    expect(row).toMatch(/broken\.py:\d+/);
    expect(row).toContain("syntax error");
  });
});
