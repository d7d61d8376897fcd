import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanPythonImports } from "../../src/lang/python/imports.js";
import { wasmScanner } from "../../src/lang/python/imports-wasm.js";
import { DJANGO_ASSIGNMENTS, DJANGO_CALLEES } from "../../src/features/split/python.js";
import { MUTATIONS, mutate, rng, pick } from "../fuzz/mutate.js";
import { FIX, ROOT, findPython, pyFiles } from "./helpers.js";
import { spawnSync } from "node:child_process";

const wasm = wasmScanner();
// The build makes dist/pyscan.wasm wherever cargo and its wasm32 target are there; the test
// script asks for it, so a CI run never passes by skipping.
const required = process.env.FKS_REQUIRE_WASM === "1";
const why = "dist/pyscan.wasm is not built (npm run build needs cargo with the wasm32-unknown-unknown target)";

const django = { callees: DJANGO_CALLEES, assignments: DJANGO_ASSIGNMENTS };

/** Every .py file of the test venv's site-packages: thousands of real files from hundreds of projects. */
function sitePackages(): string[] {
  const python = findPython();
  if (!python) return [];
  const r = spawnSync(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], { encoding: "utf8" });
  return r.status === 0 ? pyFiles(r.stdout.trim()) : [];
}

describe("WebAssembly import scanner", () => {
  it("is built where the toolchain is", (ctx) => {
    if (!wasm && !required) {
      console.log(`skipped: ${why}`);
      ctx.skip();
    }
    expect(wasm, why).toBeDefined();
  });

  const same = (bytes: Buffer, label: string, opts = django) => {
    const want = scanPythonImports(bytes.toString("utf8"), opts);
    const got = wasm!.scan(bytes, opts);
    if (JSON.stringify(got) !== JSON.stringify(want)) expect({ label, ...got }).toEqual({ label, ...want });
  };

  it("gives exactly the TypeScript scanner's results on fixtures, the example platform and a real site-packages", (ctx) => {
    if (!wasm) return ctx.skip();
    const files = [...pyFiles(FIX), ...pyFiles(path.join(ROOT, "examples/platform")), ...sitePackages()];
    expect(files.length).toBeGreaterThan(1000);
    for (const f of files) same(readFileSync(f), f);
    // Without options nothing is collected; with empty sets, nothing either.
    for (const f of files.slice(0, 200)) {
      same(readFileSync(f), f, {} as typeof django);
      same(readFileSync(f), f, { callees: new Set(), assignments: new Set() });
    }
  }, 120_000);

  it("gives the same results on broken input: truncated, flipped, deeply nested and spliced files, CRLF, a BOM", (ctx) => {
    if (!wasm) return ctx.skip();
    const files = pyFiles(FIX).concat(sitePackages().filter((_, i) => i % 37 === 0));
    const r = rng(20261208);
    let cases = 0;
    for (let i = 0; i < 3000; i++) {
      const f = pick(r, files);
      const text = mutate(r, readFileSync(f, "utf8"), "python", pick(r, MUTATIONS));
      same(Buffer.from(text), `${f} (mutation ${i})`);
      cases++;
    }
    for (const f of files.slice(0, 300)) {
      const text = readFileSync(f, "utf8");
      same(Buffer.from(text.replace(/\n/g, "\r\n")), `${f} (CRLF)`);
      same(Buffer.from(`\ufeff${text}`), `${f} (BOM)`);
      same(Buffer.from(text.replace(/\n/g, "\r")), `${f} (CR)`);
    }
    // Bytes that are not UTF-8 read as the replacement character on both sides.
    same(Buffer.from([0x69, 0x6d, 0x70, 0x6f, 0x72, 0x74, 0x20, 0x61, 0xff, 0x0a, 0x78, 0x20, 0x3d, 0x20, 0x22, 0xc3, 0x22, 0x0a]), "invalid UTF-8");
    same(Buffer.from('import caf\u00e9, \u6f22\u5b57 as \u0434\nfrom \u00e9t\u00e9 . x import (y as \ud83d\ude00)\nINSTALLED_APPS = ["\u00e9"]\n'), "non-ASCII names");
    expect(cases).toBe(3000);
  }, 120_000);

  it("reads a file straight into its memory, and a file that grew since the walk whole", (ctx) => {
    if (!wasm) return ctx.skip();
    const dir = mkdtempSync(path.join(os.tmpdir(), "fks-wasm-read-"));
    try {
      const f = path.join(dir, "m.py");
      const text = "import first\nfrom .pkg import (a,\n  b as c)\n";
      writeFileSync(f, text);
      const want = scanPythonImports(text, django);
      expect(wasm.scanFile(f, Buffer.byteLength(text), django)).toEqual(want);
      // The walk saw 12 bytes; the file has more now: every import is still read.
      expect(wasm.scanFile(f, 12, django)).toEqual(want);
      // It shrank: only what is there is scanned.
      expect(wasm.scanFile(f, 4096, django)).toEqual(want);
      expect(() => wasm.scanFile(path.join(dir, "gone.py"), 10, django)).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("skips a byte order mark as Python does: the first line's import counts", (ctx) => {
    if (!wasm) return ctx.skip();
    const scan = wasm.scan(Buffer.from("\ufeffimport first\n"));
    expect(scan.imports.map((i) => i.module)).toEqual(["first"]);
    expect(scanPythonImports("\ufeffimport first\n").imports.map((i) => i.module)).toEqual(["first"]);
  });
});
