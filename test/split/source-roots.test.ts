import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildImportGraph } from "../../src/features/split/graph.js";
import { splitPlan } from "../../src/features/split/index.js";
import { FIX, ROOT, findPython } from "./helpers.js";

const root = path.join(FIX, "subprojects");
const python = findPython();

describe("source roots of nested sub-projects", () => {
  it("finds each sub-project's import root and says what told it", async () => {
    const g = await buildImportGraph({ root, cacheDir: false });
    expect(Object.fromEntries((g.roots ?? []).map((r) => [r.dir, r.reason]))).toMatchObject({
      "src/services/orders/src": "src/services/orders/pyproject.toml: [tool.setuptools] package-dir",
      "src/services/billing/src": "src/services/billing/setup.cfg: [options] package_dir",
      "src/services/users/lib": "src/services/users/pyproject.toml: [tool.pytest.ini_options] pythonpath",
      "libs/shared/src": "libs/shared/pyproject.toml: [tool.poetry] packages from",
    });
    expect(g.notes.find((n) => n.message.startsWith("Python import roots:"))?.message).toContain("src/services/orders/src");
    expect(g.notes.filter((n) => n.kind === "unresolved")).toEqual([]);
  });

  it("resolves `from api.x import …` to the importing sub-project's own module, as Python's path finder does (oracle)", async (ctx) => {
    if (!python) {
      console.log("skipped: no python3 >= 3.9 on PATH and FKS_PYTHON unset");
      ctx.skip();
      return;
    }
    const services = ["src/services/billing/src", "src/services/orders/src", "src/services/users/lib"];
    const out = execFileSync(python, [path.join(ROOT, "test/split/py_resolve_oracle.py"), root, ...services, "--shared", "libs/shared/src"], { encoding: "utf8" });
    const want = new Set((JSON.parse(out) as Array<[string, string, number]>).map(([a, b]) => `${a} -> ${b}`));
    const g = await buildImportGraph({ root, cacheDir: false });
    const fileOf = new Map(g.modules.map((m) => [m.id, m.file]));
    const got = new Set(g.edges.flatMap((e) => e.sites.map((s) => `${fileOf.get(e.from)} -> ${fileOf.get(s.via ?? e.to)}`)));
    expect([...got].sort()).toEqual([...want].sort());
    expect(want.size).toBeGreaterThan(8);
  });

  it("measures coupling between the sub-projects: the shared library is what they all depend on", async () => {
    const r = await splitPlan({ path: root, cacheDir: false, graphOnly: true });
    const shared = r.graph.modules.find((m) => m.file === "libs/shared/src/shared/events.py")!;
    const importers = r.graph.edges.filter((e) => e.to === shared.id).map((e) => r.graph.modules.find((m) => m.id === e.from)!.file.split("/")[2]);
    expect(importers.sort()).toEqual(["billing", "orders"]);
    // No sub-project's own `api` or `infrastructure` is counted as a third-party package.
    expect(new Set(r.graph.modules.flatMap((m) => m.thirdParty))).toEqual(new Set(["sqlalchemy"]));
  });
});

describe("services in folders no dotted name can spell (src/orders-service/app), under a top-level package", () => {
  const hyphen = path.join(FIX, "hyphen-services");

  it("each service's `app` is its own first-party package, never third-party", async () => {
    const g = await buildImportGraph({ root: hyphen, cacheDir: false });
    expect(new Set(g.modules.flatMap((m) => m.thirdParty))).toEqual(new Set(["fastapi", "pika", "tortoise", "click"]));
    expect(g.notes.filter((n) => n.kind === "unresolved")).toEqual([]);
  });

  it("resolves `from app.x import …` inside each service as Python does with the service folder on its path (oracle)", async (ctx) => {
    if (!python) {
      console.log("skipped: no python3 >= 3.9 on PATH and FKS_PYTHON unset");
      ctx.skip();
      return;
    }
    // What the containers run: the service folder is the working directory, the models folder is on PYTHONPATH.
    const out = execFileSync(python, [path.join(ROOT, "test/split/py_resolve_oracle.py"), hyphen, "src/orders-service", "src/worker-service", "--shared", "db"], { encoding: "utf8" });
    const want = new Set((JSON.parse(out) as Array<[string, string, number]>).map(([a, b]) => `${a} -> ${b}`));
    const g = await buildImportGraph({ root: hyphen, cacheDir: false });
    const fileOf = new Map(g.modules.map((m) => [m.id, m.file]));
    const got = new Set(g.edges.flatMap((e) => e.sites.map((s) => `${fileOf.get(e.from)} -> ${fileOf.get(s.via ?? e.to)}`)));
    expect([...got].sort()).toEqual([...want].sort());
    expect(want.size).toBe(6);
  });
});
