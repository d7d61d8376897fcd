import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { splitPlan } from "../../src/features/split/index.js";
import { packageOf } from "../../src/features/split/metrics.js";
import { buildPlan } from "../../src/features/split/plan.js";
import { splitTable } from "../../src/report/split.js";
import type { Candidate } from "../../src/features/split/types.js";
import { FIX } from "./helpers.js";

const APP = path.join(FIX, "app-shapes");
const edgesOf = (r: Awaited<ReturnType<typeof splitPlan>>) => r.graph.edges.map((e) => `${e.from} -> ${e.to}`).sort();

describe("split-plan on the shapes of real Django and library code", () => {
  it("never resolves a standard-library import to a same-named module deep in the project", async () => {
    const r = await splitPlan({ path: APP, cacheDir: false, depth: 2 });
    // shop/admin/collections.py and shop/admin/http.py are `shop.admin.collections` and `shop.admin.http`, not `collections` and `http`.
    expect(edgesOf(r).filter((e) => e.startsWith("shop.core ->"))).toEqual(["shop.core -> shop.api.conf"]);
    const core = r.graph.modules.find((m) => m.id === "shop.core")!;
    expect(core.thirdParty).toEqual(["opentelemetry"]); // collections, http and the private _thread are the standard library
  });

  it("takes a library for third-party even when a folder of examples bears its name", async () => {
    // docs/opentelemetry/ has no __init__.py: it does not make `opentelemetry` a package of the project.
    // shop/orders/seed.py imports test factories, left out with the tests: no unresolved import either.
    const r = await splitPlan({ path: APP, cacheDir: false, depth: 2 });
    expect(r.graph.notes.filter((n) => n.kind === "unresolved")).toEqual([]);
    expect(r.graph.modules.find((m) => m.file === "docs/opentelemetry/example.py")?.thirdParty).toEqual(["opentelemetry"]);
  });

  it("counts a package's own __init__ in that package, not in its parent", async () => {
    const r = await splitPlan({ path: APP, cacheDir: false, depth: 2 });
    const api = r.packages.find((p) => p.id === "shop.api")!;
    expect(api.modules).toBe(2);
    // shop.api's __init__ importing its own conf is no dependency of `shop` on `shop.api` the other way round.
    expect(r.packages.find((p) => p.id === "shop")!.ce).toBe(1);
    expect(api.ce).toBe(0);
    expect(packageOf({ segments: ["shop", "api"], isPackage: true }, 2)).toBe("shop.api");
    expect(packageOf({ segments: ["shop", "core"] }, 2)).toBe("shop");
  });

  it("leaves test code out by default, says so, and keeps it with includeTests", async () => {
    const r = await splitPlan({ path: APP, cacheDir: false, depth: 2 });
    const ids = r.graph.modules.map((m) => m.id);
    expect(ids.filter((id) => /test|conftest/.test(id))).toEqual([]);
    expect(r.graph.notes).toContainEqual(expect.objectContaining({ kind: "info", message: expect.stringContaining("left out 5 test files") }));
    expect(r.graph.edges.filter((e) => e.from === "shop.orders.seed")).toEqual([]);
    const all = await splitPlan({ path: APP, cacheDir: false, depth: 2, includeTests: true });
    expect(all.graph.modules.map((m) => m.id)).toEqual(expect.arrayContaining(["conftest", "shop.orders.tests", "shop.orders.test_views", "shop.tests.factories"]));
    expect(edgesOf(all)).toContain("shop.orders.tests -> shop.admin.collections");
    expect(all.graph.notes.filter((n) => n.message.includes("test file"))).toEqual([]);
  });

  it("ties a Django migration to its app's models", async () => {
    const r = await splitPlan({ path: APP, cacheDir: false, depth: 2 });
    const e = r.graph.edges.find((x) => x.from === "shop.orders.migrations.0001_initial");
    expect(e).toMatchObject({ to: "shop.orders.models", sites: [expect.objectContaining({ kind: "framework" })] });
    // the migrations package's own __init__ is not a migration
    expect(r.graph.edges.find((x) => x.from === "shop.orders.migrations")).toBeUndefined();
  });
});

describe("several services in one repository", () => {
  it("resolves each service's `app` package inside its own folder, never across services by walk order", async () => {
    const r = await splitPlan({ path: path.join(FIX, "two-services"), cacheDir: false });
    expect(r.graph.modules.map((m) => m.id).sort()).toEqual([
      "services.api.app", "services.api.app.db", "services.api.app.main", "services.api.app.only_api",
      "services.web.app", "services.web.app.db", "services.web.app.main", "services.web.app.views",
    ]);
    expect(edgesOf(r)).toEqual([
      "services.api.app.main -> services.api.app.db",
      "services.api.app.main -> services.api.app.only_api",
      "services.web.app.main -> services.web.app.db",
      "services.web.app.main -> services.web.app.views",
      "services.web.app.views -> services.web.app.db",
    ]);
    expect(r.graph.notes.filter((n) => n.kind === "unresolved")).toEqual([]);
  });
});

describe("TypeScript workspaces", () => {
  it("follows an import of a sibling workspace package by its name to its source, not to third-party", async () => {
    const r = await splitPlan({ path: path.join(FIX, "ts-workspace"), cacheDir: false });
    expect(edgesOf(r)).toEqual([
      "packages/api/src/server -> packages/core/src/index",
      "packages/api/src/server -> packages/core/src/money",
      "packages/core/src/index -> packages/core/src/money",
    ]);
    expect(r.graph.modules.find((m) => m.id === "packages/api/src/server")?.thirdParty).toEqual(["express"]);
  });
});

describe("what split-plan reads", () => {
  it("notes a skipped large file only when the graph would have read it", async () => {
    // Outside this repository, so that no package.json above makes shop/ui/assets/bundle.js a JavaScript project's code.
    const dir = mkdtempSync(path.join(os.tmpdir(), "fks-split-shapes-"));
    try {
      cpSync(APP, dir, { recursive: true });
      const r = await splitPlan({ path: dir, cacheDir: false, depth: 2, maxFileBytes: 200 });
      expect(r.graph.notes.filter((n) => n.kind === "skipped")).toEqual([]);
      const py = await splitPlan({ path: dir, cacheDir: false, depth: 2, maxFileBytes: 100 });
      expect(py.graph.notes.filter((n) => n.kind === "skipped").map((n) => n.file)).toEqual(["shop/core.py"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("measures packages at a depth where imports cross them, not a back end beside its front end", async () => {
    const r = await splitPlan({ path: path.join(FIX, "mixed"), cacheDir: false });
    expect(r.depth).toBe(2);
    expect(r.packages.find((p) => p.id === "api.a")?.ce).toBe(1);
    // ui/src/vendor/pad.js is vendored and left out, yet there: importing it is no unresolved import.
    expect(r.graph.notes.filter((n) => n.kind === "unresolved")).toEqual([]);
    expect(r.graph.modules.map((m) => m.id)).not.toContain("ui/src/vendor/pad");
  });
});

describe("the summary table", () => {
  it("lists the first few candidates one depends on and counts the rest", async () => {
    const r = await splitPlan({ path: path.join(FIX, "two-services"), cacheDir: false });
    const deps = ["a", "b", "c", "d", "e", "f"];
    const table = splitTable({ ...r, candidates: [{ ...r.candidates[0]!, name: "core", dependsOn: deps }] }, { color: false });
    const row = table.split("\n").find((l) => l.startsWith("core "))!;
    expect(row).toContain("a, b, c, d +2 more");
    expect(row).not.toContain("e, f");
  });
});

describe("plan", () => {
  const cand = (name: string, modules: string[], internalEdges: number, crossingEdges: number, dependsOn: string[] = []): Candidate => ({
    id: name, name, modules, packages: [name], loc: 10 * modules.length, internalEdges, crossingEdges, interface: [], dependsOn, thirdParty: [],
  });

  it("makes no extract step of a cluster that no import holds together, whatever its size", () => {
    const plan = buildPlan([], [
      cand("core", ["app.a", "app.b"], 3, 1),
      cand("billing", ["billing.x", "billing.y"], 2, 1, ["core"]),
      cand("scripts", ["s1", "s2", "s3"], 0, 0),
    ]);
    expect(plan.map((s) => s.action)).toEqual(["extract", "keep"]);
    expect(plan.map((s) => s.title).join(" ")).not.toContain("scripts");
    expect(plan[1]!.details.join(" ")).toContain("s1, s2, s3");
  });

  it("names the imports to cut first when candidates still import each other", () => {
    const site = (file: string, line: number) => ({ file, line, names: [], kind: "import" as const });
    const plan = buildPlan([], [
      cand("orders", ["orders.a", "orders.b"], 4, 3, ["billing"]),
      cand("billing", ["billing.x", "billing.y"], 4, 3, ["orders"]),
      cand("reports", ["reports.r"], 1, 1, ["billing"]),
    ], [{ from: "billing", to: "orders", cost: 2, sites: [site("billing/x.py", 3), site("billing/y.py", 7)], cycleSize: 2 }]);
    const extract = plan.filter((s) => s.action === "extract");
    // billing leaves first once its imports of orders are cut; orders and reports wait for it.
    expect(extract[0]!.title).toContain("billing");
    expect(extract[0]!.details[0]).toBe("first cut its 2 imports of orders: billing/x.py:3, billing/y.py:7");
    expect(extract[0]!.unblocks).toEqual(["orders", "reports"]);
    expect(extract.slice(1).every((s) => !s.details.some((d) => d.startsWith("first cut")))).toBe(true);
  });
});
