import path from "node:path";
import { performance } from "node:perf_hooks";
import { isFile, readTextSync } from "../../io/fs.js";
import { isTestCode } from "../../lang/test-code.js";
import { walkSync, type WalkResult } from "../../io/walk.js";
import { VERSION } from "../../version.js";
import type { PyScan } from "../../lang/python/imports.js";
import { cacheDirFor, cacheNote, openGraphCache, openScanCache, statKey, type CacheState } from "./cache.js";
import { markPackages } from "./metrics.js";
import type { PyFile } from "./python.js";
import type { ImportRoot } from "./source-roots.js";
import type { ImportGraph, ImportSite, SplitEdge, SplitModule, SplitNote } from "./types.js";

export interface GraphOptions {
  root: string;
  includeTypeOnly?: boolean;
  /** Files above this size are skipped with a note (generated code, vendored bundles). */
  maxFileBytes?: number;
  /** Folder for the content-hash cache; false turns it off. */
  cacheDir?: string | false;
  env?: Record<string, string | undefined>;
  /**
   * Python's parser: the import scanner (its WebAssembly build when there is one), the TypeScript
   * scanner alone, or a full tree-sitter parse (slower; for checking).
   */
  parser?: PythonParser;
  exclude?: RegExp[];
  /** Keep test code (tests/ folders, test_*.py, *.test.ts, conftest.py) in the graph. */
  includeTests?: boolean;
}

export type PythonParser = "scanner" | "scanner-ts" | "tree-sitter";

const PY = /\.pyi?$/;
const TS = /\.(?:[cm]?[jt]sx?)$/;
const RS = /\.rs$/;

/**
 * Files the graph does not parse but depends on: a new package.json, Cargo.toml or tsconfig changes
 * which files count and how imports resolve, so they are part of what a cached graph stands for.
 */
const MANIFEST = /^(?:package\.json|tsconfig(?:\.[\w-]+)?\.json|jsconfig\.json|deno\.json|Cargo\.toml)$/;
/** Files that say where a Python sub-project's import root is (read only when present). */
const ROOT_MANIFEST = /^(?:pyproject\.toml|setup\.cfg|setup\.py|pytest\.ini)$/;
const isSource = (name: string) => (PY.test(name) || TS.test(name) || RS.test(name)) && !/\.d\.[cm]?ts$/.test(name) && !name.endsWith(".min.js");

export async function buildImportGraph(opts: GraphOptions): Promise<ImportGraph> {
  return (await buildImportGraphKeyed(opts)).graph;
}

/**
 * The graph, and when it is in the cache, the cache folder and the stamp of the stored graph:
 * what is computed from the graph alone (metrics) can be cached under that stamp.
 */
export async function buildImportGraphKeyed(opts: GraphOptions): Promise<{ graph: ImportGraph; key?: { dir: string; stamp: string } }> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  let t = t0;
  // A phase met twice (graph: Python's resolution, then the edges of every language) adds up.
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(((timings[name] ?? 0) + now - t) * 10) / 10;
    t = now;
  };
  const root = path.resolve(opts.root);
  const maxBytes = opts.maxFileBytes ?? 1024 * 1024;
  const walked = walkSync([root], { maxBytes, stats: true, gitignore: true, pruneData: true, accept: (name) => isSource(name) || MANIFEST.test(name) || ROOT_MANIFEST.test(name) });
  const exclude = opts.exclude ?? [];
  const prefixLen = root.endsWith(path.sep) ? root.length : root.length + 1;
  const relOf = (f: string) => (path.sep === "/" ? f.slice(prefixLen) : path.relative(root, f).split(path.sep).join("/"));
  const prefix = rootPackagePrefix(root);
  lap("walk");

  const cacheDir = opts.cacheDir === false ? undefined : (opts.cacheDir ?? cacheDirFor(opts.env ?? {}));
  const graphCache = openGraphCache<ImportGraph>(cacheDir, root, isImportGraph);
  const fingerprint = cacheDir ? graphFingerprint(opts, prefix, walked, relOf) : "";
  const hit = cacheDir ? graphCache.get(fingerprint) : undefined;
  if (hit) {
    lap("cache");
    const key = graphCache.stamp ? { dir: cacheDir!, stamp: graphCache.stamp } : undefined;
    return { graph: { ...hit, stats: { ...hit.stats, cached: hit.stats.files, scanMs: Math.round(performance.now() - t0) }, timings }, key };
  }
  const cacheStates: CacheState[] = [graphCache.state];
  const graph = await freshGraph(opts, root, prefix, walked, relOf, exclude, cacheDir, lap, cacheStates);
  if (cacheDir) await graphCache.save(fingerprint, graph);
  const key = cacheDir && graphCache.stamp ? { dir: cacheDir, stamp: graphCache.stamp } : undefined;
  lap("save");
  // About this run only: the saved graph must not repeat it on the next, healthy run.
  const said = new Set<string>();
  for (const st of cacheStates) {
    const message = cacheNote(st);
    if (!message || said.has(message)) continue;
    said.add(message);
    graph.notes.push({ file: "", message, kind: "info" });
  }
  return { graph: { ...graph, stats: { ...graph.stats, scanMs: Math.round(performance.now() - t0) }, timings }, key };
}

function graphFingerprint(opts: GraphOptions, prefix: string[], walked: WalkResult, relOf: (f: string) => string): string {
  const parts = [VERSION, JSON.stringify([!!opts.includeTypeOnly, !!opts.includeTests, opts.parser ?? "scanner", opts.maxFileBytes ?? 0, (opts.exclude ?? []).map(String), prefix])];
  walked.files.forEach((f, i) => parts.push(`${relOf(f)}\u0000${statKey(walked.stats![i]!)}`));
  for (const s of walked.skipped) parts.push(`${relOf(s.file)}\u0000${s.reason}`);
  // The inputs themselves, not a hash of them: comparing two strings costs a warm run less than
  // hashing one (about 60 kB for Django), and no two different inputs can ever match.
  return parts.join("\n");
}

/** The names of the packages a root that is itself a package sits in (`django/` → ["django"]). */
function rootPackagePrefix(root: string): string[] {
  const prefix: string[] = [];
  for (let dir = root; prefix.length < 10 && isPackageDir(dir); dir = path.dirname(dir)) prefix.unshift(path.basename(dir));
  return prefix;
}

async function freshGraph(
  opts: GraphOptions, root: string, prefix: string[], walked: WalkResult, relOf: (f: string) => string, exclude: RegExp[],
  cacheDir: string | undefined, lap: (name: string) => void, cacheStates: CacheState[],
): Promise<Omit<ImportGraph, "timings">> {
  const { skipped, stats } = walked;
  const files = walked.files.filter((f) => isSource(path.basename(f)));
  const rootManifests = walked.files.filter((f) => ROOT_MANIFEST.test(path.basename(f)));
  const statOfWalked = new Map(walked.files.map((f, i) => [f, stats![i]!]));
  const keep = (rel: string) => exclude.length === 0 || !exclude.some((r) => r.test(rel));
  let tests = 0;
  // Files seen but left out of the graph: an import of one is no unresolved import.
  const leftOut = new Set<string>(skipped.map((s) => s.file));
  const pyFiles: string[] = [];
  const tsFiles: string[] = [];
  const rsFiles: string[] = [];
  const all = new Set(files);
  const owned = projectOwnership();
  // Only files the graph would have read are worth a note: a Python app's bundled front-end assets are not.
  const considered = (f: string, rel: string) => PY.test(f) || (RS.test(f) ? owned(f, RUST_MARKERS) : owned(f, JS_MARKERS) && !VENDORED_JS.test(rel));
  const notes: SplitNote[] = [];
  for (const s of skipped) {
    const rel = relOf(s.file);
    if (keep(rel) && (opts.includeTests || !isTestCode(rel)) && considered(s.file, rel)) notes.push({ file: rel, line: 1, message: `skipped: ${s.reason} (generated or vendored?)`, kind: "skipped" });
  }
  for (const f of files) {
    const rel = relOf(f);
    if (!keep(rel)) {
      leftOut.add(f);
      continue;
    }
    if (!opts.includeTests && isTestCode(rel)) {
      tests++;
      leftOut.add(f);
      continue;
    }
    if (PY.test(f)) {
      // A stub next to its module describes the same module.
      if (f.endsWith(".pyi") && all.has(f.slice(0, -1))) continue;
      pyFiles.push(f);
    } else if (considered(f, rel)) (RS.test(f) ? rsFiles : tsFiles).push(f);
    else leftOut.add(f);
  }

  if (tests > 0) notes.push({ file: "", message: `left out ${tests} test file${tests === 1 ? "" : "s"} (tests/ and benches/ folders, test_*.py, conftest.py, *.test.ts, Rust examples/); --include-tests keeps them`, kind: "info" });

  const cache = openScanCache<PyScan>(cacheDir, root, isPyScan);
  cacheStates.push(cache.state);
  let bytes = 0;
  const modules: SplitModule[] = [];
  let importRoots: ImportRoot[] = [];
  const siteList: Array<{ from: string; to: string; site: ImportSite }> = [];
  let pythonScanner: ImportGraph["stats"]["pythonScanner"];

  if (pyFiles.length > 0) {
    // Loaded only when something must be scanned: a warm run never needs the scanner or the resolver.
    const wasm = opts.parser === "scanner-ts" || opts.parser === "tree-sitter" ? undefined : (await import("../../lang/python/imports-wasm.js")).wasmScanner();
    // The TypeScript scanner only where its WebAssembly build is missing or not wanted.
    const scanPythonImports = wasm ? undefined : (await import("../../lang/python/imports.js")).scanPythonImports;
    const { DJANGO_ASSIGNMENTS, DJANGO_CALLEES, namePythonModules, resolvePython } = await import("./python.js");
    const scanned: PyFile[] = [];
    // One options object for every file: the WebAssembly scanner is configured again only when it changes.
    const django = { callees: DJANGO_CALLEES, assignments: DJANGO_ASSIGNMENTS };
    const useTreeSitter = opts.parser === "tree-sitter";
    const ts = useTreeSitter ? await import("./python-treesitter.js") : undefined;
    await ts?.ready();
    for (const file of pyFiles) {
      const rel = relOf(file);
      let scan: PyScan | undefined;
      if (ts) {
        const text = readTextSync(file);
        bytes += text.length;
        scan = ts.treeSitterPythonImports(text, django);
        pythonScanner = "tree-sitter";
      } else {
        const st = statOfWalked.get(file)!;
        const key = statKey(st);
        scan = cache.get(rel, key);
        bytes += st.size;
        if (!scan) {
          try {
            scan = wasm ? wasm.scanFile(file, st.size, django) : scanPythonImports!(readTextSync(file), django);
          } catch (e) {
            // Strings nested thousands deep (f"{f"{…) outrun the stack; Python refuses them too.
            if (!(e instanceof RangeError)) throw e;
            scan = { imports: [], callStrings: [], assignStrings: [], errors: [{ line: 1, message: "nested too deeply to read" }], loc: 0 };
          }
          pythonScanner = wasm ? "wasm" : "typescript";
          cache.set(rel, key, scan);
        }
      }
      if (scan.errors.length > 0) {
        for (const e of scan.errors) notes.push({ file: rel, line: e.line, message: `syntax error: ${e.message}; imports of this file left out`, kind: "syntax-error" });
        scan = { ...scan, imports: [], callStrings: [], assignStrings: [] };
      }
      scanned.push({ file, rel, scan });
    }
    lap("scan");
    const initDirs = new Set(scanned.filter((f) => /(^|\/)__init__\.pyi?$/.test(f.rel)).map((f) => f.rel.replace(/\/?__init__\.pyi?$/, "")));
    if (rootManifests.length > 0) {
      const { findImportRoots } = await import("./source-roots.js");
      const pyDirs = new Set(scanned.map((f) => (f.rel.includes("/") ? f.rel.slice(0, f.rel.lastIndexOf("/")) : "")));
      importRoots = findImportRoots(rootManifests.map((f) => ({ rel: relOf(f), text: readTextSync(f) })), pyDirs);
      const used = importRoots.filter((r) => r.dir !== "");
      if (used.length > 0) notes.push({ file: "", message: `Python import roots: ${used.map((r) => `${r.dir} (${r.reason})`).join("; ")}`, kind: "info" });
    }
    const named = namePythonModules(scanned, (d) => initDirs.has(d), initDirs.has("") ? prefix : [], importRoots.map((r) => r.dir).filter(Boolean));
    const leftOutPy = new Set<string>();
    for (const f of leftOut) {
      if (!PY.test(f)) continue;
      const parts = relOf(f).replace(PY, "").replace(/(^|\/)__init__$/, "").split("/");
      for (let i = 0; i < parts.length; i++) leftOutPy.add(parts.slice(i).join("."));
    }
    const resolved = resolvePython(scanned, named, !!opts.includeTypeOnly, leftOutPy);
    for (const m of named) {
      modules.push({ id: m.id, file: m.rel, language: "python", segments: m.id.split("."), loc: m.loc, thirdParty: [...(resolved.thirdParty.get(m.id) ?? [])].sort() });
    }
    siteList.push(...resolved.sites);
    notes.push(...resolved.notes);
    lap("graph");
  }
  if (tsFiles.length > 0) {
    // Loaded only when there is such code: a Python monolith pays nothing for the other scanners.
    const { buildTypescript } = await import("./typescript.js");
    const r = buildTypescript(root, tsFiles, !!opts.includeTypeOnly, leftOut);
    bytes += r.bytes;
    modules.push(...r.modules);
    siteList.push(...r.sites);
    notes.push(...r.notes);
    lap("typescript");
  }
  if (rsFiles.length > 0) {
    const { buildRust } = await import("./rust.js");
    const r = buildRust(root, rsFiles);
    bytes += r.bytes;
    modules.push(...r.modules);
    siteList.push(...r.sites);
    notes.push(...r.notes);
    lap("rust");
  }
  await cache.save();
  markPackages(modules);

  const edges = new Map<string, SplitEdge>();
  for (const { from, to, site } of siteList) {
    const key = `${from}\u0000${to}`;
    let e = edges.get(key);
    if (!e) edges.set(key, (e = { from, to, weight: 0, sites: [] }));
    const same = e.sites.find((s) => s.line === site.line && s.file === site.file && s.via === site.via);
    if (same) {
      for (const n of site.names) if (!same.names.includes(n)) same.names.push(n);
      continue;
    }
    // One statement is one import to move, however many of its names reach the module.
    if (!e.sites.some((s) => s.line === site.line && s.file === site.file)) e.weight++;
    e.sites.push(site);
  }
  lap("graph");
  return {
    root,
    modules,
    edges: [...edges.values()],
    notes,
    ...(importRoots.length > 0 ? { roots: importRoots } : {}),
    stats: { files: pyFiles.length + tsFiles.length + rsFiles.length, bytes, cached: cache.hits, scanMs: 0, ...(pythonScanner ? { pythonScanner } : {}) },
  };
}

function isPackageDir(dir: string): boolean {
  return isFile(path.join(dir, "__init__.py"));
}

function isImportGraph(v: unknown): v is ImportGraph {
  const g = v as ImportGraph;
  return !!g && Array.isArray(g.modules) && Array.isArray(g.edges) && Array.isArray(g.notes) && !!g.stats && typeof g.stats.files === "number";
}

function isPyScan(v: unknown): v is PyScan {
  const s = v as PyScan;
  return !!s && Array.isArray(s.imports) && Array.isArray(s.errors) && Array.isArray(s.callStrings) && Array.isArray(s.assignStrings) && typeof s.loc === "number";
}

const JS_MARKERS = ["package.json", "tsconfig.json", "jsconfig.json", "deno.json"];
const RUST_MARKERS = ["Cargo.toml"];
/** Served assets and vendored copies: a Python app's static/admin/js is not part of any module graph. */
const VENDORED_JS = /(^|\/)(static|staticfiles|templates|vendor|third_party|bower_components|public\/js)\//;

/**
 * JavaScript and Rust files count only inside a project of their language (a package.json or
 * Cargo.toml at or above them), so scripts shipped as assets of a Python monolith stay out.
 */
function projectOwnership(): (file: string, markers: string[]) => boolean {
  const memo = new Map<string, boolean>();
  const has = (dir: string, markers: string[]): boolean => {
    const key = `${markers[0]}\0${dir}`;
    let v = memo.get(key);
    if (v === undefined) {
      const parent = path.dirname(dir);
      v = markers.some((m) => isFile(path.join(dir, m))) || (parent !== dir && has(parent, markers));
      memo.set(key, v);
    }
    return v;
  };
  return (file, markers) => has(path.dirname(file), markers);
}
