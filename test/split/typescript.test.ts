import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanTsImports } from "../../src/lang/typescript/imports.js";
import { buildImportGraph } from "../../src/features/split/graph.js";
import { packageName, stripJsonc } from "../../src/features/split/typescript.js";
import { FIX, ROOT } from "./helpers.js";
import { tsAstImports, tsPreProcessSpecifiers } from "./ts-oracle.js";

const TS_FIX = path.join(FIX, "ts");

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "dist") tsFiles(f, out);
    } else if (/\.(?:[cm]?[jt]sx?)$/.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) out.push(f);
  }
  return out.sort();
}

const norm = (xs: ReturnType<typeof scanTsImports>["imports"]) =>
  xs.map(({ line, specifier, kind, typeOnly, names }) => ({ line, specifier, kind, typeOnly, names })).sort((x, y) => x.line - y.line || x.specifier.localeCompare(y.specifier) || x.kind.localeCompare(y.kind));

// Real code besides the fixtures: this repository's own sources and a few published packages.
const corpus = [
  ...tsFiles(TS_FIX),
  ...tsFiles(path.join(ROOT, "src")),
  ...tsFiles(path.join(ROOT, "test")).filter((f) => !f.includes("/fixtures/") || f.includes("/split/")),
  ...tsFiles(path.join(ROOT, "node_modules/commander/lib")),
  ...tsFiles(path.join(ROOT, "node_modules/zod/v4/core")),
  ...tsFiles(path.join(ROOT, "node_modules/undici/lib/web/fetch")),
];

describe("TypeScript/JavaScript import scanner", () => {
  it("gives the same imports as the TypeScript compiler's syntax tree (oracle), fixtures and real code", () => {
    expect(corpus.length).toBeGreaterThan(150);
    let withImports = 0;
    for (const f of corpus) {
      const text = readFileSync(f, "utf8");
      const want = tsAstImports(text, f);
      if (want.length > 0) withImports++;
      expect({ f, imports: norm(scanTsImports(text, { jsx: !/\.[cm]?ts$/.test(f) }).imports) }).toEqual({ f, imports: want });
    }
    expect(withImports).toBeGreaterThan(100);
  });

  it("finds the same specifiers as ts.preProcessFile (second oracle)", () => {
    // preProcessFile's lighter scanner reads `/[/]import("x")/` and JSX text as code; the syntax tree (above) does not.
    for (const f of corpus.filter((x) => !x.endsWith("tricky.ts") && !x.endsWith("view.tsx"))) {
      const text = readFileSync(f, "utf8");
      // preProcessFile also lists `/// <reference>`-free import types; compare as sets.
      const want = new Set(tsPreProcessSpecifiers(text));
      const got = new Set(scanTsImports(text, { jsx: !/\.[cm]?ts$/.test(f) }).imports.map((i) => i.specifier));
      // Its older scanner misses some newer forms (`export * as ns from`), so: nothing it finds is missed.
      expect({ f, missed: [...want].filter((s) => !got.has(s)) }).toEqual({ f, missed: [] });
    }
  });

  it("reads nothing inside comments, strings, templates or regex literals", () => {
    const scan = scanTsImports(readFileSync(path.join(TS_FIX, "src/tricky.ts"), "utf8"));
    expect(scan.imports.map((i) => i.specifier)).toEqual(["./lazy", "./lib/util"]);
    expect(scan.imports[0]).toMatchObject({ kind: "dynamic", line: 13 });
    expect(scan.computed).toEqual([15]);
    const jsx = scanTsImports(readFileSync(path.join(TS_FIX, "src/view.tsx"), "utf8"), { jsx: true });
    expect(jsx.imports.map((i) => `${i.line}:${i.specifier}`)).toEqual(["1:./lib/util", "7:./lazy"]);
  });

  it("marks import type, type-only specifiers and import() types as type-only, import() as dynamic", () => {
    const scan = scanTsImports(readFileSync(path.join(TS_FIX, "src/main.ts"), "utf8"));
    const by = (s: string) => scan.imports.filter((i) => i.specifier === s);
    expect(by("./types")[0]).toMatchObject({ typeOnly: true, names: ["Shape"] });
    expect(by("./types2")[0]).toMatchObject({ typeOnly: true });
    expect(by("./types3")[0]).toMatchObject({ kind: "export", typeOnly: true });
    expect(by("./lib/util.js")[0]).toMatchObject({ typeOnly: false, names: ["default", "a", "b", "T"] });
    expect(by("./lazy")[0]).toMatchObject({ kind: "dynamic", typeOnly: false });
    expect(by("./deferred").map((i) => i.typeOnly)).toEqual([true, true]);
    expect(by("./eq")[0]).toMatchObject({ kind: "import-equals" });
    expect(by("./side")[0]).toMatchObject({ kind: "side-effect", names: [] });
  });

  it("keeps scoped package names whole and leaves Node builtins out", () => {
    expect(packageName("@scope/pkg/sub/path")).toBe("@scope/pkg");
    expect(packageName("react-dom/client")).toBe("react-dom");
    expect(packageName("node:fs")).toBeUndefined();
    expect(packageName("path")).toBeUndefined();
    expect(packageName("fs/promises")).toBeUndefined();
  });

  it("reads tsconfig with comments and trailing commas", () => {
    expect(JSON.parse(stripJsonc('{ // c\n "a": [1, 2, /* x */ ], "b": "http://x//y", }'))).toEqual({ a: [1, 2], b: "http://x//y" });
  });
});

describe("TypeScript/JavaScript module graph", () => {
  it("resolves relative, .js→.ts, index, tsconfig paths/baseUrl (extends) and require edges", async () => {
    const g = await buildImportGraph({ root: TS_FIX, cacheDir: false });
    const edges = new Set(g.edges.map((e) => `${e.from} -> ${e.to} ${[...new Set(e.sites.map((s) => s.kind))].join(",")}`));
    const want = [
      "src/main -> src/lib/util import", // ./lib/util.js names the .ts source; ./lib/util too
      "src/main -> src/app/ns import", // @app/* paths alias from the extended config
      "src/main -> src/side import",
      "src/main -> src/reexp import",
      "src/main -> src/star import",
      "src/main -> src/lib/index import", // exact "@lib" alias
      "src/main -> src/lib/config import", // baseUrl
      "src/main -> src/eq import",
      "src/main -> src/lazy lazy",
      "src/main -> src/legacy import",
      "src/legacy -> src/esm lazy",
      "src/esm -> src/lib/util import",
      "src/lib/index -> src/lib/util import",
      "src/app/ns -> src/lib/util import",
      "src/tricky -> src/lazy lazy",
      "src/tricky -> src/lib/util import",
      "src/view -> src/lib/util import",
      "src/view -> src/lazy lazy",
      "js/entry -> js/helper import",
      "js/entry -> js/dir/index import",
    ];
    expect([...edges].sort()).toEqual(want.sort());
    const main = g.modules.find((m) => m.id === "src/main")!;
    expect(main.thirdParty).toEqual(["@scope/pkg", "react"]);
    expect(g.modules.find((m) => m.id === "src/lib/index")!.segments).toEqual(["src", "lib"]);
    expect(g.notes.filter((n) => n.kind === "unresolved").map((n) => `${n.file}:${n.line}`)).toEqual(["src/tricky.ts:15"]);
  });

  it("counts type-only edges only when asked", async () => {
    const g = await buildImportGraph({ root: TS_FIX, cacheDir: false, includeTypeOnly: true });
    const typeEdges = g.edges.filter((e) => e.sites.every((s) => s.kind === "type-only")).map((e) => e.to).sort();
    expect(typeEdges).toEqual(["src/deferred", "src/types", "src/types2", "src/types3"]);
  });
});
