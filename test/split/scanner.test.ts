import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanPythonImports } from "../../src/lang/python/imports.js";
import { ready, treeSitterPythonImports } from "../../src/features/split/python-treesitter.js";
import { DJANGO_ASSIGNMENTS, DJANGO_CALLEES } from "../../src/features/split/python.js";
import { FIX, ROOT, astOracle, findPython, plantMonolith, pyFiles } from "./helpers.js";

const python = findPython();
const fixtureFiles = [...pyFiles(FIX), ...pyFiles(path.join(ROOT, "examples/platform"))].filter((f) => !f.includes("/broken/"));
let generated = "";

beforeAll(async () => {
  await ready();
  generated = mkdtempSync(path.join(os.tmpdir(), "fks-split-scan-"));
  plantMonolith(generated);
});
afterAll(() => rmSync(generated, { recursive: true, force: true }));

const strip = (imps: ReturnType<typeof scanPythonImports>["imports"]) => imps.map((i) => ({ ...i }));

describe("python import scanner", () => {
  it("reads every import form of the tricky fixture with its context", () => {
    const scan = scanPythonImports(readFileSync(path.join(FIX, "tricky/tricky.py"), "utf8"));
    const by = (m: string) => scan.imports.find((i) => i.module === m || i.names.some((n) => n.name === m));
    expect(scan.errors).toEqual([]);
    expect(by("fake_one")).toBeUndefined();
    expect(by("fake")).toBeUndefined();
    expect(by("after_backslash_string")?.line).toBe(7);
    expect(by("e.f.g")?.names).toEqual([{ name: "e.f.g", asname: "efg" }]);
    expect(by("in_method")?.lazy).toBe(true);
    expect(by("in_class")?.lazy).toBe(false);
    expect(by("fast")?.optional).toBe(true);
    expect(by("plain_try")?.optional).toBe(false);
    expect(by("types_only")?.typeOnly).toBe(true);
    expect(by("deeper_type_only")?.typeOnly).toBe(true);
    expect(by("in_elif")?.typeOnly).toBe(false);
    expect(scan.imports.find((i) => i.level === 3)?.module).toBe("k.l");
  });

  it("gives the same imports as Python's own ast module (oracle)", (ctx) => {
    if (!python) {
      console.log("skipped: no python3 >= 3.9 on PATH and FKS_PYTHON unset");
      ctx.skip();
      return;
    }
    const files = [...fixtureFiles, ...pyFiles(generated)];
    const oracle = astOracle(python, files);
    let compared = 0;
    for (const f of files) {
      const want = oracle[f];
      if (!Array.isArray(want)) continue;
      expect({ file: f, imports: strip(scanPythonImports(readFileSync(f, "utf8")).imports) }).toEqual({ file: f, imports: want });
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it("gives the same imports and Django strings as a full tree-sitter parse, on fixtures and a generated tree", () => {
    const files = [...fixtureFiles, ...pyFiles(generated)];
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      const opts = { callees: DJANGO_CALLEES, assignments: DJANGO_ASSIGNMENTS };
      const a = scanPythonImports(text, opts);
      const b = treeSitterPythonImports(text, opts);
      expect({ f, imports: a.imports, calls: a.callStrings, assigns: a.assignStrings }).toEqual({ f, imports: b.imports, calls: b.callStrings, assigns: b.assignStrings });
    }
  });

  it("ends triple-quoted strings where Python does: escaped quotes, backslash runs, raw strings, line counts", () => {
    const src = String.raw`s = """a \""" still inside
import not_real
"""
import after_escaped_quote
t = '''x\\'''
import after_even_backslashes
d = r"""raw \""" inside"""
import after_raw
e = """""" ; import after_empty
f = """two
lines\
"""
import after_continued_line
`;
    const scan = scanPythonImports(src);
    expect(scan.errors).toEqual([]);
    expect(scan.imports.map((i) => [i.module, i.line])).toEqual([
      ["after_escaped_quote", 4], ["after_even_backslashes", 6], ["after_raw", 8], ["after_empty", 9], ["after_continued_line", 13],
    ]);
    if (python) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "fks-split-triple-"));
      writeFileSync(path.join(dir, "t.py"), src);
      const want = astOracle(python, [path.join(dir, "t.py")]);
      rmSync(dir, { recursive: true, force: true });
      expect(strip(scan.imports)).toEqual(Object.values(want)[0]);
    }
    const open = scanPythonImports('import first\nx = """never closed\nimport inside\n');
    expect(open.imports.map((i) => i.module)).toEqual(["first"]);
    expect(open.errors).toEqual([{ line: 2, message: "unterminated string literal" }]);
  });

  it("reports lexical errors with their line instead of guessing", () => {
    const scan = scanPythonImports("import ok\nx = 'unterminated\nimport later\ny = (1,\n");
    expect(scan.errors.map((e) => e.line)).toContain(2);
    expect(scan.errors.length).toBeGreaterThan(0);
    const bad = scanPythonImports("from import x\n");
    expect(bad.errors[0]?.line).toBe(1);
  });
});
