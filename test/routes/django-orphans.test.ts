import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cases, findPython, pair, staticRoutes } from "./helpers.js";

/**
 * Django URL confs no ROOT_URLCONF reaches (a conf only settings or override_settings name, a reusable app)
 * are listed, never dropped: not-mounted in a project whose root URL conf fks follows fully
 * (Django does not serve them), unresolved in a reusable app without a project (their paths
 * depend on where a project mounts them). Served by Django as ROOT_URLCONF they answer exactly
 * the paths listed.
 */
const { python, why } = findPython();

const ORPHANS = cases().filter((c) => c.urlconfs?.length);
const REASON = "is not included by any ROOT_URLCONF fks could follow";
const NOT_MOUNTED = "is never mounted by";

function oracle(kind: string, dir: string, target: string): string[] {
  const res = spawnSync(python!, [path.join(import.meta.dirname, "oracle.py"), kind, dir, target], { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  expect(res.status, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as Array<[string, string]>).map(([method, p]) => `${method} ${p}`);
}

describe("Django URL confs nothing includes", () => {
  it("has fixtures with and without a project", () => {
    expect(ORPHANS.some((c) => c.target)).toBe(true);
    expect(ORPHANS.some((c) => !c.target)).toBe(true);
  });

  for (const c of ORPHANS) {
    it(`${c.name}: orphan routes are ${c.target ? "not-mounted" : "unresolved"} with the reason, reached ones are served`, async () => {
      const { routes } = await staticRoutes(c.dir);
      const orphanFiles = c.urlconfs!.map((m) => `${m.replace(/\./g, "/")}.py`);
      const orphanStatus = c.target ? "not-mounted" : "unresolved";
      for (const r of routes) {
        const fromOrphan = orphanFiles.some((f) => r.app?.startsWith(`${f}:`));
        expect(r.status, pair(r)).toBe(fromOrphan ? orphanStatus : "served");
        expect(!!r.unresolved, pair(r)).toBe(fromOrphan && !c.target);
        if (fromOrphan) expect(r.expression).toContain(c.target ? NOT_MOUNTED : REASON);
      }
      expect(routes.filter((r) => r.status === orphanStatus).length).toBeGreaterThan(0);
    });

    it.skipIf(!python)(`${c.name}: Django serves the listed paths${python ? "" : ` (skipped: ${why})`}`, async () => {
      const { routes } = await staticRoutes(c.dir);
      const real = [...(c.target ? oracle("django", c.dir, c.target) : []), ...c.urlconfs!.flatMap((u) => oracle("django-urlconf", c.dir, u))];
      expect(routes.map(pair).sort()).toEqual(real.sort());
    });
  }
});
