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

  it("reads through string bodies, brackets and colons skipped in native runs exactly as character by character", () => {
    const src = String.raw`d = {"a": 1, 'b': [2, 3]}; import after_dict
s = "escaped \" quote import x"; import after_escaped
t = 'it\'s'; import after_single
u = "line \
continued"
import after_continued_string
def f(x: int = {1: 2}, *, y: "str" = ":"): import in_def_body
class K: z = {1: 2}
if (a and
        b): import in_if
x = [1,
     2]; import after_multiline_list
from m import (a, # comment
    b)
import n  # trailing comment
`;
    const scan = scanPythonImports(src);
    expect(scan.errors).toEqual([]);
    expect(scan.imports.map((i) => [i.module, i.line, i.lazy, i.names.map((n) => n.name).join(",")])).toEqual([
      ["after_dict", 1, false, "after_dict"], ["after_escaped", 2, false, "after_escaped"], ["after_single", 3, false, "after_single"],
      ["after_continued_string", 6, false, "after_continued_string"], ["in_def_body", 7, true, "in_def_body"], ["in_if", 10, false, "in_if"],
      ["after_multiline_list", 12, false, "after_multiline_list"], ["m", 13, false, "a,b"], ["n", 15, false, "n"],
    ]);
    // Line 5 is the inside of a string; the continuation lines of brackets count.
    expect(scan.loc).toBe(14);
    if (python) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "fks-split-runs-"));
      writeFileSync(path.join(dir, "t.py"), src);
      const want = astOracle(python, [path.join(dir, "t.py")]);
      rmSync(dir, { recursive: true, force: true });
      expect(strip(scan.imports)).toEqual(Object.values(want)[0]);
    }
    const crlf = scanPythonImports('import a\r\nfrom b import (c,\r\n  d)\r\nx = "s"\r\nimport e\r\n');
    expect(crlf.imports.map((i) => [i.module, i.line, i.names.map((n) => n.name).join(",")])).toEqual([["a", 1, "a"], ["b", 2, "c,d"], ["e", 5, "e"]]);
    expect(crlf.loc).toBe(5);
    const open = scanPythonImports('x = "open\nimport after\ny = "end\\');
    expect(open.imports.map((i) => [i.module, i.line])).toEqual([["after", 2]]);
    expect(open.errors).toEqual([{ line: 1, message: "unterminated string literal" }, { line: 3, message: "unterminated string literal" }]);
  });

  it("tells statement keywords from names that start like them, and measures tab and form-feed indentation", () => {
    const src = "imports = 1\nfromage = 2\ndefinitely: int = 3\nclass_ = {\"a\": 1}\niffy = [x for x in y if x]\ntry_ = 0\n"
      + "def f():\n  \timport tab_after_spaces\nif x:\n\timport tab_indented\n\tif y:\n\t\timport deeper_tab\nimport top_again\n";
    const scan = scanPythonImports(src);
    expect(scan.errors).toEqual([]);
    expect(scan.imports.map((i) => [i.module, i.line, i.lazy])).toEqual([
      ["tab_after_spaces", 8, true], ["tab_indented", 10, false], ["deeper_tab", 12, false], ["top_again", 13, false],
    ]);
    expect(scan.loc).toBe(13);
    const feed = scanPythonImports("if z:\n\f    import after_form_feed\nimport last\n");
    expect(feed.imports.map((i) => [i.module, i.line])).toEqual([["after_form_feed", 2], ["last", 3]]);
  });

  it("reports lexical errors with their line instead of guessing", () => {
    const scan = scanPythonImports("import ok\nx = 'unterminated\nimport later\ny = (1,\n");
    expect(scan.errors.map((e) => e.line)).toContain(2);
    expect(scan.errors.length).toBeGreaterThan(0);
    const bad = scanPythonImports("from import x\n");
    expect(bad.errors[0]?.line).toBe(1);
  });
});
