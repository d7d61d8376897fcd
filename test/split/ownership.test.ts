import { describe, expect, it } from "vitest";
import { splitPlan } from "../../src/features/split/index.js";
import { tempTree } from "../helpers.js";

describe("which files make up the graph", () => {
  it("leaves out scripts a Python app ships as assets, and Rust files outside a crate", async () => {
    const dir = tempTree({
      "shop/__init__.py": "",
      "shop/models.py": "from shop import utils\n",
      "shop/utils.py": "",
      "billing/__init__.py": "",
      "billing/api.py": "from shop.models import *\n",
      "shop/static/shop/js/cart.js": "import { x } from './lib.js';\n",
      "shop/static/shop/js/lib.js": "export const x = 1;\n",
      "tools/gen.rs": "mod other;\n",
    });
    const r = await splitPlan({ path: dir, cacheDir: false });
    expect(r.graph.modules.map((m) => m.id).sort()).toEqual(["billing", "billing.api", "shop", "shop.models", "shop.utils"]);
  });

  it("keeps JavaScript that belongs to a JavaScript project, but not its vendored copies", async () => {
    const dir = tempTree({
      "web/package.json": "{}",
      "web/src/app.js": "import { x } from './lib.js';\n",
      "web/src/lib.js": "export const x = 1;\n",
      "web/vendor/jquery.js": "var $;\n",
    });
    const r = await splitPlan({ path: dir, cacheDir: false });
    expect(r.graph.modules.map((m) => m.file).sort()).toEqual(["web/src/app.js", "web/src/lib.js"]);
  });

  it("picks a package depth at which no single package holds nearly every module", async () => {
    const files: Record<string, string> = { "proj/__init__.py": "", "stray.py": "" };
    for (const p of ["a", "b", "c"]) {
      files[`proj/${p}/__init__.py`] = "";
      for (let i = 0; i < 4; i++) files[`proj/${p}/m${i}.py`] = `from proj.${p} import m${(i + 1) % 4}\n`;
    }
    const r = await splitPlan({ path: tempTree(files), cacheDir: false, graphOnly: true });
    expect(r.depth).toBe(2);
    expect(r.packages.map((p) => p.id).sort()).toEqual(["proj", "proj.a", "proj.b", "proj.c", "stray"]);
  });
});
