// Benchmark for `fks split-plan`.
// 1. Against grimp (the graph builder behind import-linter), whole process each, interleaved, on the
//    Django tree installed in the test venv: fks cold (empty cache) and warm, grimp cold (no cache)
//    and warm (its own cache), the fks/grimp ratios and fks's per-phase times (--timings).
//    Skipped, saying why, when the venv or grimp is missing.
// 2. A generated 1,000-module Python tree (1,121 files, about 6.1 MB): the scanner against a full
//    tree-sitter parse of the same files in the same run, and in one process the WebAssembly
//    build of the scanner against its TypeScript version, both cold. Run `npm run build` first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, "..", "bin", "fks.js");
const MODULES = Number(process.env.BENCH_MODULES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** Deterministic pseudo-random numbers so every run measures the same tree. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateTree(dir, modules = MODULES) {
  const r = rng(7);
  const pkgs = 20, subs = 5;
  const names = [];
  for (let i = 0; i < modules; i++) {
    const p = i % pkgs, s = Math.floor(i / pkgs) % subs;
    names.push(`mono.pkg${p}.sub${s}.mod${i}`);
  }
  const write = (rel, text) => {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  };
  write("mono/__init__.py", "");
  for (let p = 0; p < pkgs; p++) {
    write(`mono/pkg${p}/__init__.py`, `from .sub0.mod${p} import Thing${p}\n`);
    for (let s = 0; s < subs; s++) write(`mono/pkg${p}/sub${s}/__init__.py`, "");
  }
  let bytes = 0;
  names.forEach((name, i) => {
    const pkg = i % pkgs;
    const imports = [];
    for (let k = 0; k < 6; k++) {
      // Mostly inside the own package, sometimes across.
      const j = r() < 0.8 ? pkg + pkgs * Math.floor(r() * (modules / pkgs)) : Math.floor(r() * modules);
      if (j < modules && j !== i) imports.push(names[j]);
    }
    const lines = [`"""Module ${name}.\n\nimport not_an_import  # inside a docstring\n"""`, "from __future__ import annotations", "import os", "import json", "from typing import TYPE_CHECKING"];
    for (const m of imports) lines.push(r() < 0.5 ? `import ${m}` : `from ${m.split(".").slice(0, -1).join(".")} import ${m.split(".").pop()} as m${Math.floor(r() * 1000)}`);
    lines.push("try:\n    import ujson as fastjson\nexcept ImportError:\n    fastjson = json", "if TYPE_CHECKING:\n    from collections.abc import Sequence");
    for (let c = 0; c < 3; c++) {
      lines.push(`\n\nclass Thing${c === 0 ? i % pkgs : `${i}_${c}`}:\n    """A class with a ${"long ".repeat(5)}docstring."""\n\n    label = f"thing-{${c}}" + 'import x'\n`);
      for (let f = 0; f < 4; f++) {
        lines.push(`    def method_${f}(self, value: int = ${f}, *args, **kwargs) -> dict[str, int]:\n        # comment with import words: from a import b\n        data = {"key": value, 'other': [1, 2, 3], "nested": (value, "s")}\n        if value > ${f}:\n            return {k: v for k, v in data.items() if isinstance(v, int)}\n        text = """multi\n        line from x import y\n        """\n        return dict(value=value + len(text), total=sum([value, ${f}]))\n`);
      }
    }
    lines.push(`\n\ndef helper():\n    from ${imports[0] ?? "os"} import *  # noqa\n    return 1\n`);
    const text = lines.join("\n") + "\n";
    bytes += text.length;
    write(`${name.split(".").join("/")}.py`, text);
  });
  return bytes;
}

function run(args) {
  const t = process.hrtime.bigint();
  const p = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, FKS_CACHE: cacheDir } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (p.status !== 0) throw new Error(`fks ${args.join(" ")} failed: ${p.stderr}`);
  return { ms, stdout: p.stdout };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(label, args, runs = RUNS) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(run(args).ms);
  const m = median(times);
  console.log(`${label.padEnd(48)} ${m.toFixed(0).padStart(6)} ms (median of ${runs})`);
  return m;
}

if (process.argv[2] === "--generate") {
  // node bench/split.mjs --generate DIR [modules]: just write the tree (for profiling by hand).
  const bytes = generateTree(process.argv[3], Number(process.argv[4] ?? MODULES));
  console.log(`wrote ${(bytes / 1e6).toFixed(1)} MB to ${process.argv[3]}`);
  process.exit(0);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "fks-bench-split-"));
let cacheDir = path.join(tmp, "cache");

/** The test venv's python (from scripts/env/setup.sh's env file), or undefined. */
function venvPython() {
  if (process.env.FKS_PYTHON) return process.env.FKS_PYTHON;
  const envFile = path.join(process.env.FKS_CACHE ?? path.join(os.homedir(), ".cache", "fks"), "env.sh");
  if (!existsSync(envFile)) return undefined;
  const m = /^export FKS_PYTHON='([^']+)'/m.exec(readFileSync(envFile, "utf8"));
  return m?.[1];
}

function timed(cmd, args, env = {}) {
  const t = process.hrtime.bigint();
  const p = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (p.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${p.stderr}`);
  return { ms, stderr: p.stderr };
}

function againstGrimp() {
  const py = venvPython();
  if (!py) return console.log("grimp comparison skipped: no test venv (run bash scripts/env/setup.sh)");
  const probe = spawnSync(py, ["-c", "import grimp, django, os; print(os.path.dirname(django.__file__))"], { encoding: "utf8" });
  if (probe.status !== 0) return console.log(`grimp comparison skipped: grimp or django missing in ${py} (${probe.stderr.trim().split("\n").pop()})`);
  const django = probe.stdout.trim();
  const grimpCache = path.join(tmp, "grimp-cache");
  const grimpScript = (cache) => `import grimp; grimp.build_graph("django", cache_dir=${cache ? JSON.stringify(grimpCache) : "None"})`;
  const fksArgs = [bin, "split-plan", django, "--metrics-only", "--format", "json"];
  const runs = Number(process.env.BENCH_GRIMP_RUNS ?? 9);
  const t = { grimpCold: [], grimpWarm: [], fksCold: [], fksColdTs: [], fksWarm: [], node: [], fksVersion: [] };
  timed(py, ["-c", grimpScript(true)]); // fill grimp's cache
  let phases = "";
  const warmCache = path.join(tmp, "fks-warm");
  timed(process.execPath, fksArgs, { FKS_CACHE: warmCache });
  // Interleaved, so load from anything else on the machine falls on every tool alike.
  for (let i = 0; i < runs; i++) {
    t.node.push(timed(process.execPath, ["-e", "0"]).ms);
    t.fksVersion.push(timed(process.execPath, [bin, "--version"]).ms);
    t.grimpCold.push(timed(py, ["-c", grimpScript(false)]).ms);
    t.grimpWarm.push(timed(py, ["-c", grimpScript(true)]).ms);
    t.fksColdTs.push(timed(process.execPath, [...fksArgs, "--no-cache", "--parser", "scanner-ts"]).ms);
    const coldCache = path.join(tmp, `fks-cold-${i}`);
    t.fksCold.push(timed(process.execPath, fksArgs, { FKS_CACHE: coldCache }).ms);
    rmSync(coldCache, { recursive: true, force: true });
    const w = timed(process.execPath, [...fksArgs, "--timings"], { FKS_CACHE: warmCache });
    t.fksWarm.push(w.ms);
    phases = w.stderr.trim();
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const cold = timed(process.execPath, [...fksArgs, "--timings", "--no-cache"]).stderr.trim();
  console.log(`Django ${django} — medians of ${runs} interleaved whole-process runs (split-plan --metrics-only --format json):`);
  console.log(`  node -e 0 (floor)          ${m.node.toFixed(0).padStart(5)} ms`);
  console.log(`  fks --version (CLI floor)  ${m.fksVersion.toFixed(0).padStart(5)} ms`);
  console.log(`  grimp cold (no cache)      ${m.grimpCold.toFixed(0).padStart(5)} ms`);
  console.log(`  grimp warm (its cache)     ${m.grimpWarm.toFixed(0).padStart(5)} ms`);
  console.log(`  fks cold (empty cache)     ${m.fksCold.toFixed(0).padStart(5)} ms   ${cold}`);
  console.log(`  fks cold, TypeScript scanner ${m.fksColdTs.toFixed(0).padStart(3)} ms   (--parser scanner-ts: what a build without Rust runs)`);
  console.log(`  fks warm                   ${m.fksWarm.toFixed(0).padStart(5)} ms   ${phases}`);
  console.log(`ratio fks/grimp: cold ${(m.fksCold / m.grimpCold).toFixed(2)} (goal ≤ 1.0), warm ${(m.fksWarm / m.grimpCold).toFixed(2)} (goal ≤ 0.5; against grimp's own warm run ${(m.fksWarm / m.grimpWarm).toFixed(2)})`);
  // What the warm goal leaves once Node itself has started: the floor no JavaScript CLI goes under.
  const budget = 0.5 * m.grimpCold;
  console.log(`warm budget: 0.5 × grimp cold = ${budget.toFixed(0)} ms; node -e 0 alone takes ${m.node.toFixed(0)} ms (${((m.node / budget) * 100).toFixed(0)}% of it), fks --version ${m.fksVersion.toFixed(0)} ms; fks warm spends ${(m.fksWarm - m.node).toFixed(0)} ms beyond node's start`);
}

try {
  againstGrimp();
  if (!process.env.BENCH_GRIMP_ONLY) await generatedTree();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

async function generatedTree() {
  const tree = path.join(tmp, "tree");
  const bytes = generateTree(tree);
  console.log(`generated ${MODULES} modules, ${(bytes / 1e6).toFixed(1)} MB of Python in ${tree}`);
  const node = measure("fks --version (node + CLI start-up, floor)", ["--version"]);
  const scanner = measure("fks split-plan (scanner, no cache)", ["split-plan", tree, "--no-cache"]);
  run(["split-plan", tree]); // fill the cache
  const warm = measure("fks split-plan (scanner, warm cache)", ["split-plan", tree]);
  // The issue's goal: graph + metrics only (no clustering), JSON out.
  measure("fks split-plan --metrics-only --format json (no cache)", ["split-plan", tree, "--metrics-only", "--format", "json", "--no-cache"]);
  measure("fks split-plan --metrics-only --format json (warm cache)", ["split-plan", tree, "--metrics-only", "--format", "json"]);
  const ts = measure("fks split-plan --parser tree-sitter (baseline)", ["split-plan", tree, "--no-cache", "--parser", "tree-sitter"], 3);
  // Same edges either way: the scanner is only worth having if it is exactly as correct.
  const a = JSON.parse(run(["split-plan", tree, "--no-cache", "--format", "json"]).stdout).graph.edges.length;
  const b = JSON.parse(run(["split-plan", tree, "--no-cache", "--format", "json", "--parser", "tree-sitter"]).stdout).graph.edges.length;
  console.log(`edges: scanner ${a}, tree-sitter ${b}${a === b ? " (same)" : " (DIFFERENT)"}`);
  // In-process: the scanner alone against the tree-sitter extraction alone, same files.
  const { scanPythonImports } = await import("../dist/lang/python/imports.js");
  const tsx = await import("../dist/features/split/python-treesitter.js");
  await tsx.ready();
  const files = [];
  const raw = [];
  const walk = (d) => { for (const e of (await_readdir(d))) { const f = path.join(d, e.name); if (e.isDirectory()) walk(f); else if (f.endsWith(".py")) raw.push(readFileSync(f)); } };
  walk(tree);
  for (const b of raw) files.push(b.toString("utf8"));
  // The WebAssembly build first, while the TypeScript scanner is still as cold as in a fresh process.
  const { wasmScanner } = await import("../dist/lang/python/imports-wasm.js");
  const wasm = wasmScanner();
  let t = performance.now();
  if (wasm) for (const b of raw) wasm.scan(b);
  const wasmMs = performance.now() - t;
  t = performance.now();
  for (const f of files) scanPythonImports(f);
  const scanMs = performance.now() - t;
  console.log(wasm ? `in-process, cold: WebAssembly scanner ${wasmMs.toFixed(0)} ms, TypeScript scanner ${scanMs.toFixed(0)} ms (${(wasmMs / scanMs).toFixed(2)}×)` : "WebAssembly scanner not built (npm run build with cargo and its wasm32 target)");
  t = performance.now();
  for (const f of files) tsx.treeSitterPythonImports(f);
  const tsMs = performance.now() - t;
  console.log(`in-process over ${files.length} files: scanner ${scanMs.toFixed(0)} ms, tree-sitter ${tsMs.toFixed(0)} ms`);
  console.log(`ratio whole process: scanner/tree-sitter = ${(scanner / ts).toFixed(2)} (warm cache ${(warm / ts).toFixed(2)}); node floor ${node.toFixed(0)} ms`);
  console.log(`ratio in-process: scanner/tree-sitter = ${(scanMs / tsMs).toFixed(3)}`);
}

import { readdirSync } from "node:fs";
function await_readdir(d) {
  return readdirSync(d, { withFileTypes: true });
}
