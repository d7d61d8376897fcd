import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeRoutes, startCrate, type RunningCrate } from "./crate-runtime.js";
import { fixturesDir, ORACLE_BAR, Scoreboard, staticRoutes } from "./helpers.js";
import type { Route } from "../../src/model.js";

/**
 * The actix-web oracle: the fixture crate (attribute macros, scopes, resources with routes and
 * guards, configure functions in other modules, a format!-built scope path, bare get()/resource()
 * imported from actix_web::web, a redirect) is compiled once
 * and run; every extracted route must answer its method, and a path's other methods must not.
 */
const crate = path.join(fixturesDir, "..", "routes-crate", "ac-runtime");
let run: RunningCrate | undefined;
let routes: Route[] = [];

beforeAll(async () => {
  run = await startCrate(crate, "fks-actix-routes-fixture");
  if (!run.skip) routes = (await staticRoutes(crate)).routes;
}, 620_000);

afterAll(() => run?.stop());

describe("actix-web fixture crate", () => {
  it(`extracted routes match the running service (strict precision and recall ≥ ${ORACLE_BAR * 100}%)`, async (ctx) => {
    if (run?.skip) {
      console.warn(`[actix runtime] skipped: ${run.skip}`);
      ctx.skip();
    }
    // 22 routes written in src/: 5 on the App, 3 through legacy::config, 12 under /api (4 through accounts::config), 2 under /api/admin
    expect(routes.length).toBe(22);
    expect(routes.filter((r) => r.unresolved)).toEqual([]);
    expect(routes.filter((r) => r.path.includes("{}") || /\{[^}]*:/.test(r.path)).map((r) => r.path)).toEqual([]);
    const res = await probeRoutes(routes, run!.request, (n) => (n === "tail" ? "a/b/c.txt" : "7"));
    const board = new Scoreboard();
    board.add("actix", res);
    console.log(board.render("[routes oracle] actix-web, extracted routes requested from the running fixture:"));
    expect({ wrong: res.wrong, missed: res.missed }).toEqual({ wrong: [], missed: [] });
    const [rate] = board.rates();
    expect(rate!.precision).toBeGreaterThanOrEqual(ORACLE_BAR);
    expect(rate!.recall).toBeGreaterThanOrEqual(ORACLE_BAR);
  });
});
