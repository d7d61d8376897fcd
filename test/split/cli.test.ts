import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIX, ROOT, runFks } from "./helpers.js";

const WEB = path.join(ROOT, "examples/platform/web");
let out = "";
beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), "fks-split-cli-"));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("fks split-plan examples/platform/web (Django, planted cycle between its two apps)", () => {
  it("prints a plan that first breaks the cycle, and writes JSON and HTML", () => {
    const json = path.join(out, "split.json");
    const html = path.join(out, "split.html");
    const r = runFks(["split-plan", WEB, "--json", json, "--html", html], { env: { FKS_CACHE: path.join(out, "cache") } });
    expect(r.stderr).toContain("wrote");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cycles between packages\n\s+2 packages.*portfolio, reports/);
    expect(r.stdout).toMatch(/1\. break (portfolio → reports|reports → portfolio)/);
    const data = JSON.parse(readFileSync(json, "utf8"));
    expect(data.cycles.packages[0].members).toEqual(["portfolio", "reports"]);
    expect(data.breakers[0].sites[0].file).toMatch(/^(portfolio|reports)\/\w+\.py$/);
    // INSTALLED_APPS and include("…urls") strings are edges too.
    expect(data.graph.edges.some((e: { from: string; sites: Array<{ kind: string }> }) => e.from === "webapp.settings" && e.sites.some((s) => s.kind === "framework"))).toBe(true);
    expect(readFileSync(html, "utf8")).toContain('id="dsm"');
  });

  it("builds the same graph with each Python parser, and --timings names the one that scanned", () => {
    const graphOf = (parser: string) => {
      const r = runFks(["split-plan", WEB, "--format", "json", "--metrics-only", "--no-cache", "--timings", "--parser", parser]);
      expect(r.code, r.stderr).toBe(0);
      const { edges, modules } = JSON.parse(r.stdout).graph;
      return { edges, modules, timings: r.stderr };
    };
    const scanner = graphOf("scanner");
    const ts = graphOf("scanner-ts");
    const treeSitter = graphOf("tree-sitter");
    expect(scanner.edges.length).toBeGreaterThan(5);
    expect(ts.edges).toEqual(scanner.edges);
    expect(treeSitter.edges).toEqual(scanner.edges);
    expect(ts.modules).toEqual(scanner.modules);
    const wasmBuilt = existsSync(path.join(ROOT, "dist/pyscan.wasm"));
    expect(scanner.timings).toMatch(new RegExp(`scan [\\d.]+ ms \\(${wasmBuilt ? "wasm" : "typescript"}\\)`));
    expect(ts.timings).toMatch(/scan [\d.]+ ms \(typescript\)/);
    expect(treeSitter.timings).toMatch(/scan [\d.]+ ms \(tree-sitter\)/);
    expect(runFks(["split-plan", WEB, "--parser", "regex"]).stderr).toMatch(/scanner, scanner-ts, tree-sitter/);
    // The Rust crate of the example platform is scanned in a phase of its own, not counted as the graph.
    const platform = runFks(["split-plan", path.join(ROOT, "examples/platform"), "--metrics-only", "--no-cache", "--timings"]);
    expect(platform.stderr).toMatch(/timings: walk [\d.]+ ms, scan [\d.]+ ms \(\w+\), graph [\d.]+ ms, rust [\d.]+ ms/);
  });

  it("reads past a file whose strings nest too deeply for the stack, with a note, under either scanner", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fks-split-deep-"));
    try {
      writeFileSync(path.join(dir, "deep.py"), `import json\nx = ${'f"{'.repeat(20_000)}1${'}"'.repeat(20_000)}\n`);
      writeFileSync(path.join(dir, "ok.py"), "import deep\n");
      for (const parser of ["scanner", "scanner-ts"]) {
        const r = runFks(["split-plan", dir, "--format", "json", "--metrics-only", "--no-cache", "--parser", parser]);
        expect(r.code, `${parser}: ${r.stderr}`).toBe(0);
        const graph = JSON.parse(r.stdout).graph;
        expect(graph.edges.map((e: { from: string; to: string }) => `${e.from}>${e.to}`)).toEqual(["ok>deep"]);
        const note = graph.notes.find((n: { file: string }) => n.file === "deep.py");
        if (note) expect(note.message).toMatch(/nested too deeply to read/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes nothing with --dry-run", () => {
    const file = path.join(out, "dry.html");
    const r = runFks(["split-plan", WEB, "--format", "html", "-o", file, "--dry-run", "--no-cache"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("would write");
    expect(existsSync(file)).toBe(false);
  });

  it("emits DOT and Mermaid with the breaker marked", () => {
    const dot = runFks(["split-plan", WEB, "--format", "dot", "--no-cache"]);
    expect(dot.stdout).toMatch(/^digraph split \{/);
    expect(dot.stdout).toContain("color=red");
    const mm = runFks(["split-plan", WEB, "--format", "mermaid", "--no-cache"]);
    expect(mm.stdout).toMatch(/^graph LR/);
    expect(mm.stdout).toContain("linkStyle");
  });

  it("rejects bad flags with one line and exit 2", () => {
    const r = runFks(["split-plan", WEB, "--target", "zero"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target must be a whole number/);
    const missing = runFks(["split-plan", path.join(out, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a folder/);
  });
});

describe("fks split-plan --check", () => {
  it("reports contract violations as findings with file:line and exits 1", () => {
    const r = runFks(["split-plan", WEB, "--check", "--config", path.join(FIX, "contracts/fks.yaml"), "--format", "json", "--no-cache"]);
    expect(r.code).toBe(1);
    const data = JSON.parse(r.stdout);
    const rules = new Set(data.findings.map((f: { rule: string }) => f.rule));
    expect(rules).toEqual(new Set(["split/independence", "split/layers"]));
    expect(data.findings.every((f: { file: string; line: number }) => /\.py$/.test(f.file) && f.line > 0)).toBe(true);
    expect(data.contracts.find((c: { name: string }) => c.name === "no HTTP clients in views").kept).toBe(true);
    const sarif = runFks(["split-plan", WEB, "--check", "--config", path.join(FIX, "contracts/fks.yaml"), "--format", "sarif", "--no-cache"]);
    expect(JSON.parse(sarif.stdout).runs[0].results.length).toBe(data.findings.length);
  });

  it("passes (exit 0) when the contracts hold", () => {
    const r = runFks(["split-plan", path.join(FIX, "forms"), "--check", "--config", path.join(FIX, "contracts/fks.yaml"), "--no-cache"]);
    expect(r.stdout).toContain("no findings");
    expect(r.code).toBe(0);
  });
});
