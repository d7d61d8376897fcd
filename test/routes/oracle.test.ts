import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cases, findPython, ORACLE_BAR, pair, Scoreboard, score, staticRoutes } from "./helpers.js";

/**
 * The runtime oracle: each Python fixture app is imported by its framework and its real
 * route table dumped (test/routes/oracle.py); the static catalog must list the same routes.
 */
const { python, why } = findPython();

const PY = cases().filter((c) => ["fastapi", "starlette", "flask", "litestar", "django"].includes(c.kind));

const board = new Scoreboard();

describe("static catalog equals the runtime route table", () => {
  if (!python) {
    it.skip(`Python oracle skipped: ${why}`, () => {});
    console.warn(`[routes oracle] skipped: ${why}`);
    return;
  }
  it("has Python fixtures for every framework", () => {
    expect(new Set(PY.map((c) => c.kind))).toEqual(new Set(["fastapi", "starlette", "flask", "litestar", "django"]));
  });
  for (const c of PY) {
    it(`${c.name} (${c.kind})`, async () => {
      const script = path.join(import.meta.dirname, "oracle.py");
      expect(existsSync(script)).toBe(true);
      const res = spawnSync(python!, [script, c.kind, c.dir, c.target!], { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
      expect(res.status, res.stderr).toBe(0);
      const real = (JSON.parse(res.stdout) as Array<[string, string]>).map(([method, p]) => `${method} ${p}`).sort();
      // The runtime table is what the app serves: routers it never mounts are listed apart (test/routes/not-mounted.test.ts).
      const routes = (await staticRoutes(c.dir)).routes.filter((r) => r.status !== "not-mounted");
      const unresolved = routes.filter((r) => r.unresolved);
      expect(unresolved, "no route of an oracle fixture may stay unresolved").toEqual([]);
      board.add(c.framework ?? c.kind, score(routes.map(pair), real));
      expect(routes.map(pair).sort()).toEqual(real);
    });
  }
  it(`every framework reaches ${ORACLE_BAR * 100}% strict precision and recall`, () => {
    console.log(board.render("[routes oracle] strict method+path against the runtime route table:"));
    expect(board.rates().length).toBeGreaterThan(0);
    for (const r of board.rates()) expect({ framework: r.framework, precision: r.precision >= ORACLE_BAR, recall: r.recall >= ORACLE_BAR }).toEqual({ framework: r.framework, precision: true, recall: true });
  });
});
