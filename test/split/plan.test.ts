import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitPlan } from "../../src/features/split/index.js";
import { mojoFM, partitionMetrics } from "../../src/features/split/partition.js";
import { FIX, plantMonolith, type Plant } from "./helpers.js";

let dir = "";
let plant: Plant;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "fks-split-plan-"));
  plant = plantMonolith(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("split-plan on a monolith with planted clusters and a planted cycle", () => {
  it("recovers the planted clusters (MoJoFM ≥ 90) and nominates the planted breaker", async () => {
    const r = await splitPlan({ path: dir, cacheDir: false, depth: 2 });
    const proposal = new Map<string, string>();
    for (const c of r.candidates) for (const m of c.modules) proposal.set(m, c.id);
    const score = mojoFM(proposal, plant.clusters);
    expect(score).toBeGreaterThanOrEqual(90);
    expect(r.cycles.packages.map((c) => c.members)).toContainEqual(expect.arrayContaining(["mono.payments", "mono.products"]));
    const b = r.breakers[0]!;
    expect([b.from, b.to]).toEqual([plant.breaker.from, plant.breaker.to]);
    expect(b.sites).toEqual([expect.objectContaining({ file: plant.breaker.file, line: plant.breaker.line })]);
    expect(r.plan[0]).toMatchObject({ action: "break-cycle", cost: 1 });
    expect(r.plan.at(-1)?.action).toBe("keep");
  });

  it("reaches a wanted number of modules with --target", async () => {
    for (const target of [2, 5]) {
      const r = await splitPlan({ path: dir, cacheDir: false, depth: 2, target });
      expect(r.candidates.length).toBe(target);
      expect(r.candidates.flatMap((c) => c.modules).length).toBe(r.graph.modules.length);
    }
  });
});

describe("partition metrics", () => {
  it("MoJoFM is 100 for the same partition and low for an unrelated one", () => {
    const a = new Map([["1", "x"], ["2", "x"], ["3", "y"], ["4", "y"]]);
    expect(mojoFM(a, a)).toBe(100);
    const b = new Map([["1", "p"], ["2", "q"], ["3", "p"], ["4", "q"]]);
    expect(mojoFM(b, a)).toBeLessThan(60);
  });

  it("MQ, ICP and cut costs follow the edges", async () => {
    const r = await splitPlan({ path: dir, cacheDir: false, depth: 2 });
    const total = r.graph.edges.reduce((s, e) => s + e.weight, 0);
    const crossing = r.candidates.reduce((s, c) => s + c.crossingEdges, 0) / 2;
    expect(r.partition.icp).toBeCloseTo(crossing / total, 2);
    expect(r.partition.mq).toBeLessThanOrEqual(r.candidates.length);
  });

  it("computes TurboMQ, ICP, SM and IFN by their definitions on a small graph", () => {
    const e = (from: string, to: string) => ({ from, to, weight: 1, sites: [] });
    const clusters = new Map([["a", "x"], ["b", "x"], ["c", "y"], ["d", "y"]]);
    const m = partitionMetrics(["a", "b", "c", "d"], [e("a", "b"), e("c", "d"), e("b", "c")], clusters, clusters);
    expect(m.mq).toBeCloseTo(2 * (2 / 3), 3); // each cluster: 2μ/(2μ+ε) = 2/(2+1)
    expect(m.icp).toBeCloseTo(1 / 3, 3);
    expect(m.sm).toBeCloseTo((1 / 4 + 1 / 4) / 2 - 1 / (2 * 2 * 2), 3);
    expect(m.ifn).toBe(0.5); // only c is imported from outside its cluster
    expect(m.mojofmVsPackages).toBe(100);
  });
});

describe("import graph of every import form", () => {
  it("resolves relative, aliased, re-exported, lazy, optional and type-only imports", async () => {
    const r = await splitPlan({ path: path.join(FIX, "forms"), cacheDir: false });
    const edge = (a: string, b: string) => r.graph.edges.find((e) => e.from === a && e.to === b);
    expect(r.graph.modules.map((m) => m.id)).toContain("shop.legacy.old"); // namespace package under src/
    expect(edge("shop.billing.invoice", "shop.core.models")?.sites[0]?.names).toEqual(["Order"]); // via shop/__init__ re-export
    expect(edge("shop.billing.invoice", "shop.core.util")).toBeDefined(); // from ..core import util → submodule
    expect(edge("shop.billing.invoice", "shop.core")).toBeDefined(); // from .. import core
    expect(edge("shop.core.util", "shop.legacy.old")?.sites[0]?.kind).toBe("lazy");
    expect(edge("shop.core.models", "shop.billing.tax")?.sites[0]).toMatchObject({ kind: "lazy", names: ["rate"] });
    expect(edge("shop.core.models", "shop.billing.invoice")).toBeUndefined(); // TYPE_CHECKING, excluded by default
    expect(r.graph.modules.find((m) => m.id === "shop.billing.invoice")?.thirdParty).toEqual(["numpy", "requests", "yaml"]);
    const withTypes = await splitPlan({ path: path.join(FIX, "forms"), cacheDir: false, includeTypeOnly: true });
    expect(withTypes.graph.edges.find((e) => e.from === "shop.core.models" && e.to === "shop.billing.invoice")?.sites[0]?.kind).toBe("type-only");
  });

  it("reports syntax errors per file, builds the graph from the rest and skips huge files with a note", async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), "fks-split-bad-"));
    try {
      mkdirSync(path.join(d, "app"));
      writeFileSync(path.join(d, "app/__init__.py"), "");
      writeFileSync(path.join(d, "app/a.py"), "from app import b\n");
      writeFileSync(path.join(d, "app/b.py"), "import app.c\nx = 'broken\n");
      writeFileSync(path.join(d, "app/c.py"), "from . import a\n");
      writeFileSync(path.join(d, "app/generated.py"), "import app.a\n" + "X = 1\n".repeat(40_000));
      const r = await splitPlan({ path: d, cacheDir: false, maxFileBytes: 100_000 });
      expect(r.graph.notes).toContainEqual(expect.objectContaining({ file: "app/b.py", line: 2, kind: "syntax-error" }));
      expect(r.graph.notes).toContainEqual(expect.objectContaining({ file: "app/generated.py", kind: "skipped" }));
      expect(r.graph.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(["app.a>app.b", "app.c>app.a"]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
