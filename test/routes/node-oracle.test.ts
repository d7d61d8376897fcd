import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cases, ORACLE_BAR, pair, repoRoot, Scoreboard, score, staticRoutes } from "./helpers.js";

/**
 * The runtime oracle for Express and Fastify: each fixture app is loaded with the real framework
 * (test/fixtures/routes-node, installed by scripts/env/setup.sh, not a dependency of fks) and its
 * route table dumped by test/routes/oracle-node.mjs; the static catalog must list the same routes.
 */
const modules = path.join(repoRoot, "test", "fixtures", "routes-node", "node_modules");
const missing = ["express", "express4", "fastify", "@fastify/autoload"].filter((p) => !existsSync(path.join(modules, p, "package.json")));
const why = missing.length ? `${missing.join(", ")} not installed in ${path.relative(repoRoot, modules)}: run \`bash scripts/env/setup.sh\`` : "";
const JS = cases().filter((c) => c.kind === "express" || c.kind === "fastify");

/** Express fixtures run against Express 4 and 5 unless case.json names the majors they are valid for (path syntax differs). */
const runs = JS.flatMap((c) => (c.kind === "express" ? (c.express ?? ["4", "5"]).map((v) => ({ c, oracle: `express@${v}` })) : [{ c, oracle: c.kind as string }]));

const board = new Scoreboard();

describe("static catalog equals the Express/Fastify runtime route table", () => {
  it("has enough fixtures for both frameworks", () => {
    expect(JS.filter((c) => c.kind === "express").length).toBeGreaterThanOrEqual(6);
    expect(JS.filter((c) => c.kind === "fastify").length).toBeGreaterThanOrEqual(4);
  });
  if (why) {
    it.skip(`Node oracle skipped: ${why}`, () => {});
    console.warn(`[routes node oracle] skipped: ${why}`);
    return;
  }
  it("runs most Express fixtures against both Express 4 and 5", () => {
    expect(runs.filter((r) => r.oracle === "express@4").length).toBeGreaterThanOrEqual(6);
    expect(runs.filter((r) => r.oracle === "express@5").length).toBeGreaterThanOrEqual(6);
  });
  for (const { c, oracle } of runs) {
    it(`${c.name} (${oracle})`, async () => {
      const res = spawnSync(process.execPath, [path.join(import.meta.dirname, "oracle-node.mjs"), oracle, c.dir, c.target!], {
        encoding: "utf8",
        env: { ...process.env, NODE_PATH: modules, FKS_ORACLE_NODE_MODULES: modules },
      });
      expect(res.status, res.stderr).toBe(0);
      const real = (JSON.parse(res.stdout) as Array<[string, string]>).map(([method, p]) => `${method} ${p}`).sort();
      expect(real.length, "the oracle found no routes: the fixture does not exercise anything").toBeGreaterThan(0);
      const { routes } = await staticRoutes(c.dir);
      expect(routes.filter((r) => r.unresolved), "no route of an oracle fixture may stay unresolved").toEqual([]);
      board.add(c.framework ?? oracle, score(routes.map(pair), real));
      expect(routes.map(pair).sort()).toEqual(real);
    });
  }
  it(`every framework reaches ${ORACLE_BAR * 100}% strict precision and recall`, () => {
    console.log(board.render("[routes oracle] strict method+path against the runtime route table:"));
    expect(board.rates().length).toBeGreaterThan(0);
    for (const r of board.rates()) expect({ framework: r.framework, precision: r.precision >= ORACLE_BAR, recall: r.recall >= ORACLE_BAR }).toEqual({ framework: r.framework, precision: true, recall: true });
  });
});
