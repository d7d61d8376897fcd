import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditRoutes } from "../../src/features/routes/index.js";
import { routesMarkdown, routesTable } from "../../src/report/routes.js";
import { renderFindings } from "../../src/report/findings.js";
import { cases, findPython, pair, staticRoutes } from "./helpers.js";

/**
 * Served vs not-mounted against the truth: each FastAPI, Starlette and Flask fixture app is
 * imported and the handlers in its real route table listed (test/routes/oracle_endpoints.py).
 * A route fks marks not-mounted must be exactly one whose handler the app does not serve.
 */
const { python, why } = findPython();
const KINDS = ["fastapi", "starlette", "flask"];
const PY = cases().filter((c) => KINDS.includes(c.kind) && c.target);
const WITH_DEAD = ["fa-served-helpers", "fl-unmounted-blueprint"];

function servedHandlers(kind: string, dir: string, target: string): Array<[string, number, string]> {
  const res = spawnSync(python!, [path.join(import.meta.dirname, "oracle_endpoints.py"), kind, dir, target], { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Array<[string, number, string]>;
}

describe("routers the served app never mounts", () => {
  it("has fixtures with dead routers", () => {
    for (const name of WITH_DEAD) expect(PY.some((c) => c.name === name), name).toBe(true);
  });

  if (!python) {
    it.skip(`runtime truth skipped: ${why}`, () => {});
    return;
  }

  for (const c of PY) {
    it(`${c.name}: not-mounted is exactly what ${c.kind} does not serve`, async () => {
      const served = servedHandlers(c.kind, c.dir, c.target!);
      const { routes } = await staticRoutes(c.dir);
      for (const r of routes.filter((x) => !x.unresolved)) {
        const file = path.relative(c.dir, path.resolve(c.dir, r.file));
        const name = r.handler.split(".").pop();
        const real = served.some(([f, line, n]) => (f === file && (line === r.line || n === name)) || (f === "<mount>" && r.method === "ANY" && n === r.path));
        expect(r.status, `${pair(r)} ${r.handler} ${file}:${r.line}`).toBe(real ? "served" : "not-mounted");
      }
      if (WITH_DEAD.includes(c.name)) expect(routes.filter((r) => r.status === "not-mounted").length).toBeGreaterThan(0);
    });
  }

  it("a not-mounted router is one finding on its own line, in every format", async () => {
    const dir = cases().find((c) => c.name === "fa-served-helpers")!.dir;
    const res = await auditRoutes({ cwd: dir, paths: [dir], noDiscover: true });
    const dead = res.findings.filter((f) => f.rule === "route-not-mounted");
    expect(dead.map((f) => `${f.file}:${f.line}`)).toEqual(["app/api/legacy.py:3"]);
    expect(res.findings.some((f) => f.rule === "route-unresolved")).toBe(false);
    expect(res.routes.filter((r) => r.status === "not-mounted").map(pair)).toEqual(["GET /legacy/ping"]);
    const table = routesTable(res, { color: false });
    expect(table).toMatch(/\/legacy\/ping .* not-mounted: APIRouter \(legacy\.py:3\) is never mounted/);
    expect(routesMarkdown(res)).toContain("`/legacy/ping` ⊘ not mounted");
    const sarif = JSON.parse(renderFindings(res.findings, "sarif", { color: false, tool: { name: "fks", version: "0", rules: [] }, suite: "fks audit routes", extra: {} })) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.runs[0]!.results.some((x) => x.ruleId === "route-not-mounted")).toBe(true);
  });

  it("rules: can turn the finding off or raise it", async () => {
    const dir = cases().find((c) => c.name === "fl-unmounted-blueprint")!.dir;
    const off = await auditRoutes({ cwd: dir, paths: [dir], noDiscover: true, rules: { "route-not-mounted": "off" } });
    expect(off.findings.some((f) => f.rule === "route-not-mounted")).toBe(false);
    const err = await auditRoutes({ cwd: dir, paths: [dir], noDiscover: true, rules: { "route-not-mounted": "error" } });
    expect(err.findings.filter((f) => f.rule === "route-not-mounted").map((f) => [f.severity, f.file, f.line])).toEqual([["error", "shop/views.py", 5]]);
  });
});
