import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/features/routes/catalog.js";
import { MAX_URL_PATTERNS } from "../../src/frameworks/django/bounds.js";
import { removeTree } from "../helpers.js";

/**
 * A generated URL conf of nested include()/path() lists (~250 KB) is not interpreted: it costs
 * at most 200 ms and becomes one file:line diagnostic, while the rest of the repository (another
 * URL conf of the same project, another service) is still read.
 */

/** `levels` of inline include([...]) lists, `fanout` patterns each: fanout^levels leaf routes. */
function nestedUrlconf(levels: number, fanout: number): string {
  const out = ["from django.urls import include, path", "", "from site_app.views import leaf", "", "urlpatterns = ["];
  let n = 0;
  const gen = (depth: number, ind: string) => {
    for (let i = 0; i < fanout; i++) {
      n++;
      if (depth > 0) {
        out.push(`${ind}path("s${n}/", include([`);
        gen(depth - 1, ind + "    ");
        out.push(`${ind}])),`);
      } else out.push(`${ind}path("p${n}/", leaf, name="p${n}"),`);
    }
  };
  gen(levels, "    ");
  out.push("]", "");
  return out.join("\n");
}

function write(root: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

function repo(withGenerated: boolean, generated = nestedUrlconf(5, 4)): string {
  const root = mkdtempSync(path.join(tmpdir(), "fks-urlconf-"));
  dirs.push(root);
  write(root, {
    "shop/manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_app.settings")\n',
    "shop/site_app/__init__.py": "",
    "shop/site_app/settings.py": 'ROOT_URLCONF = "site_app.urls"\n',
    "shop/site_app/views.py": "def leaf(request):\n    return None\n\n\ndef home(request):\n    return None\n",
    "shop/site_app/urls.py": `from django.urls import include, path\n\nfrom site_app.views import home\n\nurlpatterns = [\n    path("", home),\n${withGenerated ? '    path("gen/", include("site_app.generated_urls")),\n' : ""}]\n`,
    ...(withGenerated ? { "shop/site_app/generated_urls.py": generated } : {}),
    "api/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/orders")\ndef orders():\n    return []\n',
  });
  return root;
}

async function timed(root: string) {
  const t0 = performance.now();
  const cat = await buildCatalog({ cwd: root, paths: [path.join(root, "shop"), path.join(root, "api")], noDiscover: true });
  return { cat, ms: performance.now() - t0 };
}

describe("a generated URL conf of nested include()/path() lists", () => {
  it("costs at most 200 ms, becomes a file:line diagnostic, and the rest is still read", async () => {
    const text = nestedUrlconf(5, 4);
    expect(text.length).toBeGreaterThan(200_000);
    const bad = repo(true, text);
    const good = repo(false);
    await timed(good); // warm the parsers
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await timed(bad)).ms - (await timed(good)).ms);
    const extra = runs.sort((a, b) => a - b)[1]!;
    console.log(`[bounded urlconf] ${Math.round(text.length / 1024)} KB nested URL conf costs ${Math.round(extra)} ms more than the repository without it`);
    expect(extra).toBeLessThanOrEqual(200);

    const { cat } = await timed(bad);
    const d = cat.diagnostics.filter((x) => x.file === path.join("shop", "site_app", "generated_urls.py"));
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toMatch(/URL patterns/);
    expect(d[0]!.line).toBeGreaterThan(1);
    expect(text.split("\n").slice(0, d[0]!.line).join("\n").match(/\b(path|include)\(/g)!.length).toBe(MAX_URL_PATTERNS + 1);
    const pairs = cat.routes.map((r) => `${r.method} ${r.path}`);
    expect(pairs).toContain("GET /orders");
    expect(pairs).toContain("ANY /");
  });

  it("a 250 KB block of nested indentation inside urlpatterns (a syntax error) costs at most 200 ms and is named with its line", async () => {
    const block = Array.from({ length: 700 }, (_, i) => `${" ".repeat(i)}if x:`).join("\n");
    const text = `from django.urls import path\n\nfrom site_app.views import leaf\n\nurlpatterns = [\n    path("a/", leaf),\n${block}\n]\n`;
    expect(text.length).toBeGreaterThan(240_000);
    const bad = repo(true, text);
    const good = repo(false);
    await timed(good);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await timed(bad)).ms - (await timed(good)).ms);
    const extra = runs.sort((a, b) => a - b)[1]!;
    console.log(`[bounded urlconf] ${Math.round(text.length / 1024)} KB of nested blocks in urlpatterns costs ${Math.round(extra)} ms more`);
    expect(extra).toBeLessThanOrEqual(200);
    const { cat } = await timed(bad);
    const d = cat.diagnostics.filter((x) => x.file === path.join("shop", "site_app", "generated_urls.py"));
    // tree-sitter's error starts at the last good pattern or at the first `if`.
    expect(d).toHaveLength(1);
    expect([6, 7]).toContain(d[0]!.line);
    expect(cat.routes.map((r) => `${r.method} ${r.path}`)).toContain("GET /orders");
  });

  it("a large hand-written URL conf below the bound is still read in full", async () => {
    const lines = ["from django.urls import path", "", "from site_app.views import leaf", "", "urlpatterns = ["];
    for (let i = 0; i < 400; i++) lines.push(`    path("items/${i}/", leaf, name="item-${i}"),`);
    lines.push("]", "");
    const root = repo(true, lines.join("\n"));
    const { cat } = await timed(root);
    expect(cat.diagnostics.filter((x) => /URL patterns/.test(x.message))).toEqual([]);
    expect(cat.routes.filter((r) => r.path.startsWith("/gen/items/"))).toHaveLength(400);
  });
});
