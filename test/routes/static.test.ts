import { describe, expect, it } from "vitest";
import { cases, pair, staticRoutes } from "./helpers.js";

/** Fixtures without a runtime oracle: expectations written from the frameworks' documented behaviour. */
describe("static expectations", () => {
  for (const c of cases().filter((x) => x.expect)) {
    it(`${c.name}`, async () => {
      const { routes, diagnostics } = await staticRoutes(c.dir);
      const got = routes.map((r) => ({ method: r.method, path: r.path, unresolved: !!r.unresolved, status: r.status, expression: r.expression }));
      for (const e of c.expect!) {
        const status = e.status ?? (e.unresolved ? "unresolved" : "served");
        const hit = got.find((g) => g.method === e.method && (e.path === undefined || g.path === e.path) && g.unresolved === !!e.unresolved && g.status === status);
        expect(hit, `missing ${pair(e)} in ${JSON.stringify(got)}`).toBeTruthy();
        if (e.expression) expect(hit!.expression).toContain(e.expression);
      }
      expect(got.length).toBe(c.expect!.length);
      if (c.diagnostic) {
        const d = diagnostics.find((x) => x.rule === c.diagnostic!.rule && x.file === c.diagnostic!.file);
        expect(d, JSON.stringify(diagnostics)).toBeTruthy();
        expect(d!.line).toBeGreaterThan(0);
      }
    });
  }
});
