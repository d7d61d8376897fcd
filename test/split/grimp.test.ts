import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildImportGraph } from "../../src/features/split/graph.js";
import type { ImportGraph } from "../../src/features/split/types.js";
import { engineEnv } from "../env/engines.js";
import { removeTree, tempTree } from "../helpers.js";
import { ROOT } from "./helpers.js";

/**
 * grimp (the graph builder behind import-linter) as the oracle for module-level edges, on real
 * packages pinned in test/requirements.txt, each scanned as its own folder: the layout in which a
 * package's `http/` or `json/` sub-package could pass for the standard library's.
 */
const PACKAGES = ["django", "rest_framework", "litestar", "fastapi", "starlette"];

/**
 * Differences that are fks's intent, each with its reason. An edge listed here must still differ
 * (a stale entry fails too), and any other difference fails the test.
 */
const DOCUMENTED: Record<string, Array<{ edge: string; reason: string }>> = {};

interface GrimpPackage {
  dir: string;
  modules: string[];
  edges: Array<[string, string, number[]]>;
}

const python = engineEnv().FKS_PYTHON;
const grimpReady = !!python && spawnSync(python, ["-c", "import grimp"]).status === 0;
const why = !python ? "FKS_PYTHON unset (run scripts/env/setup.sh)" : "grimp is not installed in the test venv (test/requirements.txt pins it; rerun scripts/env/setup.sh)";
let oracle: Record<string, GrimpPackage> = {};

beforeAll(() => {
  if (!grimpReady) return;
  const out = execFileSync(python!, [path.join(ROOT, "test/split/grimp_edges.py"), ...PACKAGES], { encoding: "utf8", maxBuffer: 1 << 28 });
  oracle = JSON.parse(out) as Record<string, GrimpPackage>;
});

/**
 * fks's edges as grimp draws them: a name followed through a package's re-export counts for the
 * package the statement names (`via`); framework edges (Django strings, migrations) grimp cannot see.
 */
function asGrimpEdges(g: ImportGraph): { edges: Map<string, Set<number>>; framework: number } {
  const edges = new Map<string, Set<number>>();
  let framework = 0;
  for (const e of g.edges) {
    for (const s of e.sites) {
      if (s.kind === "framework") {
        framework++;
        continue;
      }
      const key = `${e.from} -> ${s.via ?? e.to}`;
      let lines = edges.get(key);
      if (!lines) edges.set(key, (lines = new Set()));
      lines.add(s.line);
    }
  }
  return { edges, framework };
}

describe.each(PACKAGES)("import graph of %s against grimp", (pkg) => {
  it("has grimp's modules, edges and import lines, apart from documented cases", async (ctx) => {
    if (!grimpReady) {
      console.log(`skipped: ${why}`);
      ctx.skip();
      return;
    }
    const want = oracle[pkg]!;
    // grimp counts tests and TYPE_CHECKING imports as modules and edges like any other.
    const graph = await buildImportGraph({ root: want.dir, cacheDir: false, includeTests: true, includeTypeOnly: true });
    expect(graph.modules.map((m) => m.id).sort()).toEqual(want.modules);
    const { edges } = asGrimpEdges(graph);
    const differences: string[] = [];
    const grimpEdges = new Map(want.edges.map(([a, b, lines]) => [`${a} -> ${b}`, lines]));
    for (const [key, lines] of grimpEdges) {
      const got = edges.get(key);
      if (!got) differences.push(`only grimp: ${key} (line ${lines.join(", ")})`);
      else if ([...got].sort((a, b) => a - b).join(",") !== lines.join(",")) differences.push(`lines differ: ${key}: grimp ${lines.join(",")}, fks ${[...got].sort((a, b) => a - b).join(",")}`);
    }
    for (const [key, lines] of edges) if (!grimpEdges.has(key)) differences.push(`only fks: ${key} (line ${[...lines].join(", ")})`);
    const documented = DOCUMENTED[pkg] ?? [];
    const unexplained = differences.filter((d) => !documented.some((k) => d.includes(k.edge)));
    const stale = documented.filter((k) => !differences.some((d) => d.includes(k.edge)));
    expect({ unexplained, stale }).toEqual({ unexplained: [], stale: [] });
    expect(grimpEdges.size).toBeGreaterThan(pkg === "django" ? 3000 : 50);
  });
});

describe("standard-library names inside a scanned package", () => {
  it("`from http import cookies` in django/http/cookie.py is the stdlib, not django.http", async (ctx) => {
    if (!grimpReady) {
      console.log(`skipped: ${why}`);
      ctx.skip();
      return;
    }
    const graph = await buildImportGraph({ root: oracle.django!.dir, cacheDir: false, includeTests: true });
    const from = graph.edges.filter((e) => e.from === "django.http.cookie").map((e) => e.to);
    expect(from).not.toContain("django.http");
    expect(graph.edges.some((e) => e.from === "django.utils.autoreload" && e.to === "django.__main__")).toBe(false);
    expect(graph.modules.find((m) => m.id === "django.http.cookie")?.thirdParty).toEqual([]);
  });
});

describe("a project that really shadows a standard-library module", () => {
  it("resolves `import logging` to its own top-level logging package only for modules on the same root", async () => {
    const root = tempTree({
      "logging/__init__.py": "LEVEL = 1\n",
      "app/__init__.py": "",
      "app/main.py": "import logging\nfrom json import dumps\n",
      "tools/runner/x.py": "import logging\n",
      "tools/runner/json.py": "",
    });
    const graph = await buildImportGraph({ root, cacheDir: false });
    const to = (from: string) => graph.edges.filter((e) => e.from === from).map((e) => e.to).sort();
    expect(to("app.main")).toEqual(["logging"]);
    // tools/runner/x.py is a loose script: its own folder is its path, the root's logging/ is not.
    expect(graph.modules.map((m) => m.id)).toContain("x");
    expect(to("x")).toEqual([]);
    removeTree(root);
  });
});
