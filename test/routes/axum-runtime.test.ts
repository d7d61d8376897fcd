import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeRoutes, startCrate, type RunningCrate } from "./crate-runtime.js";
import { fixturesDir, ORACLE_BAR, Scoreboard, staticRoutes } from "./helpers.js";
import type { Route } from "../../src/model.js";

/**
 * The axum oracle: the fixture crate is compiled once (shared cargo target folder) and
 * run, and every route the static extraction finds is requested: none may answer 404
 * (wrong path) or 405 (wrong method).
 */
const crate = path.join(fixturesDir, "..", "routes-crate", "ax-runtime");
let run: RunningCrate | undefined;
let skip = "";
let routes: Route[] = [];
const request = (method: string, p: string) => run!.request(method, p);

beforeAll(async () => {
  run = await startCrate(crate, "fks-routes-fixture");
  skip = run.skip;
  if (!skip) routes = (await staticRoutes(crate)).routes;
}, 620_000);

afterAll(() => run?.stop());

describe("axum fixture crate", () => {
  it("answers every extracted route (never 404 or 405)", async (ctx) => {
    if (skip) {
      console.warn(`[axum runtime] skipped: ${skip}`);
      ctx.skip();
    }
    // 11 at the root (on() with two filters and a chained .on() give 3), 7 under /api, 2 merged admin routes, 1 under /api/v2
    expect(routes.length).toBe(21);
    expect(routes.filter((r) => r.unresolved)).toEqual([]);
    for (const r of routes) {
      const url = r.path.replace(/\{(\w+)\}/g, (_, n: string) => (n === "path" ? "a/b/c.txt" : `x-${n}`));
      const status = await request(r.method === "ANY" ? "DELETE" : r.method, url);
      expect([r.method, r.path, status]).toEqual([r.method, r.path, 200]);
    }
  });

  it(`a path's other methods are refused (strict precision and recall ≥ ${ORACLE_BAR * 100}%)`, async (ctx) => {
    if (skip) ctx.skip();
    const res = await probeRoutes(routes, request, (n) => (n === "path" ? "a/b/c.txt" : `x-${n}`));
    const board = new Scoreboard();
    board.add("axum", res);
    console.log(board.render("[routes oracle] axum, extracted routes requested from the running fixture:"));
    expect({ wrong: res.wrong, missed: res.missed }).toEqual({ wrong: [], missed: [] });
    for (const r of board.rates()) expect(Math.min(r.precision, r.recall)).toBeGreaterThanOrEqual(ORACLE_BAR);
  });

  it("finds the nested, merged and parameterised routes", async (ctx) => {
    if (skip) ctx.skip();
    const got = routes.map((r) => `${r.method} ${r.path}`);
    for (const want of ["GET /api", "POST /api", "PUT /api/orders/{id}", "PATCH /api/users/{user_id}/settings", "DELETE /admin/jobs/{job}", "GET /api/v2/orders", "GET /files/{path}", "ANY /echo/{a}/{b}", "PATCH /patch-only", "GET /health", "GET /read-write", "POST /read-write", "DELETE /read-write", "GET /service"]) {
      expect(got).toContain(want);
    }
  });
});
