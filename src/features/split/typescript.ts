import { builtinModules } from "node:module";
import path from "node:path";
import { existsSync, isFile, readTextSync } from "../../io/fs.js";
import { scanTsImports, type TsImport } from "../../lang/typescript/imports.js";
import type { EdgeKind, ImportSite, SplitModule, SplitNote } from "./types.js";

export interface LanguageGraph {
  modules: SplitModule[];
  sites: Array<{ from: string; to: string; site: ImportSite }>;
  notes: SplitNote[];
  bytes: number;
}

const EXTS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
/** `./x.js` in TypeScript source names the `.ts` file it compiles from. */
const JS_TO_TS: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };
const BUILTINS = new Set(builtinModules.filter((b) => !b.startsWith("_")).map((b) => b.split("/")[0]!));

interface TsConfig {
  dir: string;
  baseUrl?: string;
  /** Pattern → targets, absolute. */
  paths: Array<{ prefix: string; suffix: string; star: boolean; targets: string[] }>;
}

/** Builds the module graph of the TypeScript/JavaScript files under `root`. */
export function buildTypescript(root: string, files: string[], includeTypeOnly: boolean, leftOut: ReadonlySet<string> = new Set()): LanguageGraph {
  const modules: SplitModule[] = [];
  const sites: LanguageGraph["sites"] = [];
  const notes: SplitNote[] = [];
  const idOf = new Map<string, string>();
  const taken = new Set<string>();
  for (const f of files) {
    const rel = relPosix(root, f);
    let id = rel.replace(/\.(?:[cm]?[jt]sx?)$/, "");
    if (taken.has(id)) id = rel;
    taken.add(id);
    idOf.set(f, id);
  }
  const configs = new TsConfigs(root, notes);
  const workspace = new WorkspacePackages(root);
  for (const f of files) workspace.see(f);
  let bytes = 0;
  for (const f of files) {
    const id = idOf.get(f)!;
    const rel = relPosix(root, f);
    const text = readTextSync(f);
    bytes += text.length;
    const scan = scanTsImports(text, { jsx: !/\.[cm]?ts$/.test(f) });
    const tp = new Set<string>();
    for (const e of scan.errors) notes.push({ file: rel, line: e.line, message: e.message, kind: "syntax-error" });
    for (const line of scan.computed) notes.push({ file: rel, line, message: "import with a computed specifier cannot be followed", kind: "unresolved" });
    for (const imp of scan.imports) {
      if (imp.typeOnly && !includeTypeOnly) continue;
      const spec = imp.specifier;
      const target = resolveSpecifier(spec, f, idOf, configs) ?? workspace.resolve(spec, f, idOf);
      if (target) {
        if (target !== f) sites.push({ from: id, to: idOf.get(target)!, site: { file: rel, line: imp.line, names: imp.names.filter((x) => x !== "*" || imp.kind !== "require"), kind: kindOf(imp) } });
        continue;
      }
      if (spec.startsWith(".") || spec.startsWith("/")) {
        // Stylesheets, JSON, images: assets, not modules.
        const ext = path.extname(spec.split("?")[0]!);
        if (ext && !EXTS.includes(ext)) continue;
        // A file the graph leaves out on purpose (vendored, tests, too large, --exclude) is there all the same.
        if (resolveSpecifier(spec, f, leftOut, configs)) continue;
        notes.push({ file: rel, line: imp.line, message: `cannot resolve "${spec}" inside the project`, kind: "unresolved" });
        continue;
      }
      const pkg = packageName(spec);
      if (pkg && workspace.has(pkg, f)) {
        if (!workspace.resolve(spec, f, leftOut)) notes.push({ file: rel, line: imp.line, message: `cannot resolve "${spec}" in the project's own package ${pkg}`, kind: "unresolved" });
      } else if (pkg) tp.add(pkg);
    }
    const segs = id.split("/");
    if (segs.length > 1 && /^index(\.|$)/.test(segs[segs.length - 1]!)) segs.pop();
    modules.push({ id, file: rel, language: "typescript", segments: segs, loc: scan.loc, thirdParty: [...tp].sort() });
  }
  return { modules, sites, notes, bytes };
}

function kindOf(imp: TsImport): EdgeKind {
  if (imp.typeOnly) return "type-only";
  return imp.kind === "dynamic" ? "lazy" : "import";
}

/** The npm package a bare specifier names (`@scope/name` kept whole), or undefined for builtins and non-packages. */
export function packageName(spec: string): string | undefined {
  if (spec.startsWith("node:") || spec.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(spec)) return undefined;
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  if (!name || (spec.startsWith("@") && parts.length < 2)) return undefined;
  if (BUILTINS.has(name)) return undefined;
  return name;
}

export function resolveSpecifier(spec: string, from: string, known: { has(file: string): boolean }, configs: TsConfigs): string | undefined {
  if (spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..") {
    return resolveFile(path.resolve(path.dirname(from), spec), known);
  }
  if (spec.startsWith("/")) return resolveFile(spec, known);
  const cfg = configs.forFile(from);
  if (!cfg) return undefined;
  let best: TsConfig["paths"][number] | undefined;
  for (const p of cfg.paths) {
    const hit = p.star ? spec.startsWith(p.prefix) && spec.endsWith(p.suffix) && spec.length >= p.prefix.length + p.suffix.length : spec === p.prefix;
    if (hit && (!best || p.prefix.length > best.prefix.length)) best = p;
  }
  if (best) {
    const mid = best.star ? spec.slice(best.prefix.length, spec.length - best.suffix.length) : "";
    for (const t of best.targets) {
      const r = resolveFile(t.replace("*", mid), known);
      if (r) return r;
    }
  }
  if (cfg.baseUrl) return resolveFile(path.join(cfg.baseUrl, spec), known);
  return undefined;
}

function resolveFile(base: string, known: { has(file: string): boolean }): string | undefined {
  if (known.has(base)) return base;
  const ext = path.extname(base);
  for (const alt of JS_TO_TS[ext] ?? []) {
    const f = base.slice(0, -ext.length) + alt;
    if (known.has(f)) return f;
  }
  for (const e of EXTS) if (known.has(base + e)) return base + e;
  for (const e of EXTS) {
    const f = path.join(base, `index${e}`);
    if (known.has(f)) return f;
  }
  return undefined;
}

/**
 * The project's own npm packages (workspaces, or the package itself importing its own name): a
 * bare specifier naming one is an import inside the project. Its entry is found from package.json
 * (`source`, `types`, `module`, `main`, `exports["."]`), built paths (dist/, lib/, build/) read as
 * src/, then src/index and index.
 */
class WorkspacePackages {
  private byName?: Map<string, { dir: string; entries: string[] }>;
  private dirHasPkg = new Map<string, string | undefined>();
  constructor(private root: string) {}

  has(name: string, from: string): boolean {
    return this.packages(from).has(name);
  }

  /** Notes the package a file belongs to, so that siblings importing it by name find it. */
  see(file: string): void {
    this.packages(file);
  }

  resolve(spec: string, from: string, known: { has(file: string): boolean }): string | undefined {
    const name = packageName(spec);
    const pkg = name ? this.packages(from).get(name) : undefined;
    if (!pkg) return undefined;
    const sub = spec.slice(name!.length).replace(/^\//, "");
    const tries = sub ? [path.join(pkg.dir, "src", sub), path.join(pkg.dir, sub)] : [...pkg.entries, path.join(pkg.dir, "src", "index"), path.join(pkg.dir, "index")];
    for (const t of tries) {
      const hit = resolveFile(t, known);
      if (hit) return hit;
    }
    return undefined;
  }

  /** Packages found at or above the folders of the files seen so far, inside the scan root or at the file's own project. */
  private packages(from: string): Map<string, { dir: string; entries: string[] }> {
    this.byName ??= new Map();
    for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
      if (this.dirHasPkg.has(dir)) break;
      const f = path.join(dir, "package.json");
      let name: string | undefined;
      if (isFile(f)) {
        try {
          const json = JSON.parse(readTextSync(f)) as Record<string, unknown>;
          if (typeof json.name === "string" && json.name) {
            name = json.name;
            if (!this.byName.has(name)) this.byName.set(name, { dir, entries: entriesOf(json, dir) });
          }
        } catch {
          // An unreadable package.json names no package.
        }
      }
      this.dirHasPkg.set(dir, name);
      if (name || path.dirname(dir) === dir || (!dir.startsWith(this.root) && existsSync(path.join(dir, ".git")))) break;
    }
    return this.byName;
  }
}

function entriesOf(json: Record<string, unknown>, dir: string): string[] {
  const exp = json.exports;
  const dot = typeof exp === "string" ? exp : exp && typeof exp === "object" ? (exp as Record<string, unknown>)["."] : undefined;
  const cond = (v: unknown): unknown => (v && typeof v === "object" ? ((v as Record<string, unknown>).source ?? (v as Record<string, unknown>).types ?? (v as Record<string, unknown>).import ?? (v as Record<string, unknown>).default) : v);
  const fields = [json.source, json.types, json.typings, cond(cond(dot)), json.module, json.main].filter((v): v is string => typeof v === "string");
  const out: string[] = [];
  for (const f of fields) {
    const clean = f.replace(/^\.\//, "").replace(/\.d\.([cm]?ts)$/, ".$1");
    out.push(path.join(dir, clean));
    // Built output names its source: dist/index.js ← src/index.ts.
    const src = clean.replace(/^(dist|lib|build|out|esm|cjs)\//, "src/");
    if (src !== clean) out.push(path.join(dir, src));
  }
  return out;
}

/** tsconfig.json / jsconfig.json lookup per folder: nearest one up the tree, `extends` followed one level. */
export class TsConfigs {
  private byDir = new Map<string, TsConfig | undefined>();
  constructor(private root: string, private notes: SplitNote[]) {}

  forFile(file: string): TsConfig | undefined {
    return this.forDir(path.dirname(file));
  }

  private forDir(dir: string): TsConfig | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    let cfg: TsConfig | undefined;
    for (const name of ["tsconfig.json", "jsconfig.json"]) {
      const f = path.join(dir, name);
      if (isFile(f)) {
        cfg = this.read(f);
        break;
      }
    }
    const parent = path.dirname(dir);
    // Above the scan root only while still inside the project: stop at a repository or filesystem root.
    if (!cfg && parent !== dir && (dir.startsWith(this.root) || !existsSync(path.join(dir, ".git")))) cfg = this.forDir(parent);
    this.byDir.set(dir, cfg);
    return cfg;
  }

  private read(file: string): TsConfig | undefined {
    const own = this.parse(file);
    if (!own) return undefined;
    let opts = (own.compilerOptions ?? {}) as Record<string, unknown>;
    const optsDir = path.dirname(file);
    let baseDir = optsDir;
    let pathsDir = optsDir;
    const ext = typeof own.extends === "string" ? [own.extends] : Array.isArray(own.extends) ? own.extends.filter((x): x is string => typeof x === "string") : [];
    for (const e of ext) {
      if (!e.startsWith(".")) continue; // a package preset rarely sets paths
      const f = path.resolve(optsDir, e.endsWith(".json") ? e : `${e}.json`);
      const parent = isFile(f) ? this.parse(f) : undefined;
      const po = (parent?.compilerOptions ?? {}) as Record<string, unknown>;
      // Relative options keep meaning relative to the file that sets them.
      if (po.baseUrl !== undefined && opts.baseUrl === undefined) baseDir = path.dirname(f);
      if (po.paths !== undefined && opts.paths === undefined) pathsDir = path.dirname(f);
      opts = { ...po, ...opts };
    }
    const baseUrl = typeof opts.baseUrl === "string" ? path.resolve(baseDir, opts.baseUrl) : undefined;
    const paths: TsConfig["paths"] = [];
    if (opts.paths && typeof opts.paths === "object") {
      const against = baseUrl ?? pathsDir;
      for (const [pattern, targets] of Object.entries(opts.paths as Record<string, unknown>)) {
        if (!Array.isArray(targets)) continue;
        const star = pattern.indexOf("*");
        paths.push({
          prefix: star < 0 ? pattern : pattern.slice(0, star),
          suffix: star < 0 ? "" : pattern.slice(star + 1),
          star: star >= 0,
          targets: targets.filter((t): t is string => typeof t === "string").map((t) => path.resolve(against, t)),
        });
      }
    }
    return { dir: optsDir, baseUrl, paths };
  }

  private parse(file: string): { compilerOptions?: unknown; extends?: unknown } | undefined {
    try {
      return JSON.parse(stripJsonc(readTextSync(file))) as { compilerOptions?: unknown; extends?: unknown };
    } catch (e) {
      this.notes.push({ file: relPosix(this.root, file), message: `cannot read ${path.basename(file)}: ${(e as Error).message}; its paths are ignored`, kind: "info" });
      return undefined;
    }
  }
}

/** JSON with comments and trailing commas (tsconfig's dialect) → plain JSON. */
export function stripJsonc(text: string): string {
  let out = "";
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < n && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const e = text.indexOf("*/", i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === ",") {
      let j = i + 1;
      while (j < n && /\s/.test(text[j]!)) j++;
      // Comments between a trailing comma and the bracket were already dropped from `out` later; look past them too.
      let k = j;
      while (k < n && text[k] === "/" && (text[k + 1] === "/" || text[k + 1] === "*")) {
        k = text[k + 1] === "/" ? text.indexOf("\n", k) : text.indexOf("*/", k + 2) + 2;
        if (k <= 0) k = n;
        while (k < n && /\s/.test(text[k]!)) k++;
      }
      if (text[k] !== "}" && text[k] !== "]") out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/^\uFEFF/, "");
}

function relPosix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}
