import { afterAll, describe, expect, it } from "vitest";
import { auditRoutes, scaffoldHealth } from "../../src/index.js";
import { MAX_NESTING, tooDeep } from "../../src/lang/nesting.js";
import { fks, removeTree, tempTree } from "../helpers.js";

const CARGO = '[package]\nname = "deep"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.8"\ntokio = { version = "1", features = ["full"] }\n';
const ROUTES_RS = 'use axum::{routing::get, Router};\n\npub fn routes() -> Router {\n    Router::new().route("/orders", get(list))\n}\n\nasync fn list() -> &\'static str {\n    "[]"\n}\n';
/** A valid Rust file: 2,000 nested blocks inside a function, then an ordinary router. */
const nestedBlocks = (n: number) => `use axum::{routing::get, Router};\n\nfn deep() -> i32 {\n    ${"{".repeat(n)}1${"}".repeat(n)}\n}\n\npub fn app() -> Router {\n    Router::new().route("/deep", get(h))\n}\n\nasync fn h() -> &'static str {\n    "x"\n}\n`;

/** A 20 KB file of deeply nested, unbalanced braces around route-ish code, from a fixed seed. */
function fuzzedBraces(seed: number): string {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const parts = ["{", "{", "(", "[", '{ let r = Router::new().route("/x", get(h));', "}", ")", "if x {", "match y {", "|a| {"];
  let t = "use axum::Router;\nfn main() {";
  while (t.length < 20_000) t += parts[Math.floor(rnd() * parts.length)];
  return t;
}

const dirs: string[] = [];
const tree = (files: Record<string, string>) => {
  const d = tempTree(files);
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach(removeTree));

describe("nesting bound", () => {
  it("measures brackets and Python indentation, and lets real code through", () => {
    expect(tooDeep("(".repeat(MAX_NESTING) + ")".repeat(MAX_NESTING))).toBeUndefined();
    expect(tooDeep("x\n" + "(".repeat(MAX_NESTING + 1))).toEqual({ line: 2, max: MAX_NESTING });
    const py = Array.from({ length: MAX_NESTING + 2 }, (_, i) => `${" ".repeat(i)}if x:`).join("\n");
    expect(tooDeep(py)?.line).toBe(MAX_NESTING + 2);
    // Closing brackets past the opening ones (a truncated file) never go below zero.
    expect(tooDeep(")".repeat(10_000) + "(".repeat(10))).toBeUndefined();
  });

  it("skips a valid Rust file with 2,000 nested blocks in under 200 ms and still reads the rest of the crate", async () => {
    const dir = tree({ "Cargo.toml": CARGO, "src/main.rs": "mod routes;\nmod deep;\nfn main() {}\n", "src/routes.rs": ROUTES_RS, "src/deep.rs": nestedBlocks(2000) });
    await auditRoutes({ cwd: dir }); // loads the parsers, so the timing below is the file's own cost
    const t0 = performance.now();
    const res = await auditRoutes({ cwd: dir });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(200);
    expect(res.routes.map((r) => r.path)).toContain("/orders");
    const diag = res.findings.find((f) => f.file === "src/deep.rs");
    expect(diag?.rule).toBe("routes/parse-error");
    expect(diag?.line).toBe(4);
    expect(diag?.message).toMatch(/nested more than 256 levels/);
  });

  it("bounds a 20 KB fuzzed file of deep braces to under 200 ms", async () => {
    const dir = tree({ "Cargo.toml": CARGO, "src/main.rs": fuzzedBraces(7), "src/routes.rs": ROUTES_RS });
    await auditRoutes({ cwd: dir });
    const t0 = performance.now();
    const res = await auditRoutes({ cwd: dir });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(res.findings.some((f) => f.file === "src/main.rs" && f.rule === "routes/parse-error" && typeof f.line === "number")).toBe(true);
  });

  it("keeps a 3,000-call builder chain within the stack and names it", async () => {
    const chain = `use axum::{routing::get, Router};\n\npub fn app() -> Router {\n    Router::new()${Array.from({ length: 3000 }, (_, i) => `.route("/a${i}", get(h))`).join("")}\n}\n\nasync fn h() {}\n\nfn main() {}\n`;
    const dir = tree({ "Cargo.toml": CARGO, "src/main.rs": chain });
    const res = await auditRoutes({ cwd: dir });
    expect(res.findings.find((f) => f.rule === "routes/parse-error")).toMatchObject({ file: "src/main.rs", line: 4 });
  });

  it("names a Python expression too deep to follow at its line and keeps the module's other routes out of the crash", async () => {
    const sum = Array.from({ length: 3000 }, (_, i) => `"a${i}"`).join(" + ");
    const dir = tree({ "requirements.txt": "fastapi\n", "app/main.py": `from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/first")\ndef first():\n    return 1\n\n\nX = ${sum}\n` });
    const res = await auditRoutes({ cwd: dir });
    expect(res.routes.map((r) => r.path)).toContain("/first");
    expect(res.findings.find((f) => f.rule === "routes/parse-error")).toMatchObject({ file: "app/main.py", line: 11 });
  });

  it("the scaffolder's parsers refuse a file nested past the bound by counting, before tree-sitter sees it", async () => {
    const { parseRust } = await import("../../src/lang/rust/edit.js");
    const { parsePython } = await import("../../src/lang/python/edit.js");
    // 10,000 balanced blocks: valid Rust, but the syntax-error query on its tree cost seconds under load.
    const rs = nestedBlocks(10_000);
    await expect(parseRust(rs, "src/deep.rs")).rejects.toMatchObject({ file: "src/deep.rs", line: 4, message: expect.stringMatching(/nested more than 256 levels/) });
    const py = `x = ${"(".repeat(MAX_NESTING + 1)}1${")".repeat(MAX_NESTING + 1)}\n`;
    await expect(parsePython(py, "app/deep.py")).rejects.toMatchObject({ line: 1, message: expect.stringMatching(/nested more than 256 levels/) });
    // Real code right under the bound still parses.
    await expect(parseRust(nestedBlocks(MAX_NESTING - 4), "src/ok.rs")).resolves.toBeDefined();
  });

  it("scaffold health --check and the CLI stay whole on the deep file: no internal error, no stack", async () => {
    const dir = tree({ "Cargo.toml": CARGO, "src/main.rs": nestedBlocks(2000) });
    await expect(scaffoldHealth({ cwd: dir, check: true })).resolves.toBeDefined();
    for (const args of [["audit", "routes"], ["scaffold", "health", "--check"], ["services"]]) {
      const r = fks([...args, "--cwd", dir]);
      expect(r.stderr + r.stdout).not.toMatch(/internal error|Maximum call stack|\n\s+at /);
      // "no routes found" is exit 2 with one line: the deep file was the only source.
      expect([0, 1, 2]).toContain(r.code);
      if (r.code === 2) expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
