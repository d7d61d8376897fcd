import path from "node:path";
import { existsSync, isFile, readTextSync } from "../../io/fs.js";
import { scanRustImports, type RsScan } from "../../lang/rust/imports.js";
import { parseCargoManifest } from "../../lang/toml/cargo.js";
import type { LanguageGraph } from "./typescript.js";
import type { SplitModule, SplitNote } from "./types.js";

/** Crates of the language itself: never third-party, never inside the project. */
const RUST_STD = new Set(["std", "core", "alloc", "proc_macro", "test"]);

export interface CargoManifest {
  /** Package name as written ("my-crate"). */
  name?: string;
  lib?: { name?: string; path?: string };
  bins: Array<{ name?: string; path?: string }>;
  /** Dependency names as code spells them (`-` → `_`), with whether they point at a local path. */
  deps: Map<string, { path?: string }>;
  workspace: boolean;
}

/** The parts of a Cargo.toml that name crates and dependencies; a manifest that does not parse names none. */
export function readCargoManifest(text: string): CargoManifest {
  let m;
  try {
    m = parseCargoManifest(text);
  } catch {
    return { bins: [], deps: new Map(), workspace: false };
  }
  const deps = new Map<string, { path?: string }>();
  for (const table of [m.dependencies, m.devDependencies, m.buildDependencies]) {
    for (const d of table.values()) {
      const name = d.key.replace(/-/g, "_");
      if (d.path !== undefined || !deps.has(name)) deps.set(name, d.path !== undefined ? { path: d.path } : {});
    }
  }
  return { name: m.name, lib: m.lib, bins: m.bins, deps, workspace: m.workspace !== undefined };
}

interface Pkg {
  dir: string;
  /** Crate name as code spells it. */
  crate: string;
  manifest: CargoManifest;
}

interface CrateRoot {
  pkg: Pkg;
  file: string;
  /** Module-path prefix of this crate's modules (e.g. ["main"] for a binary next to a library). */
  label: string[];
  isLib: boolean;
}

interface RsModule {
  id: string;
  file: string;
  rel: string;
  root: CrateRoot;
  /** Module path inside the crate, e.g. ["orders", "db"]. */
  modPath: string[];
  scan: RsScan;
}

/** Builds the module graph of the Rust files under `root`: one module per file, crates from Cargo.toml. */
export function buildRust(root: string, files: string[]): LanguageGraph {
  const notes: SplitNote[] = [];
  const known = new Set(files);
  const scans = new Map<string, RsScan>();
  let bytes = 0;
  const scanOf = (f: string): RsScan => {
    let s = scans.get(f);
    if (!s) {
      const text = readTextSync(f);
      bytes += text.length;
      s = scanRustImports(text);
      scans.set(f, s);
      for (const e of s.errors) notes.push({ file: relPosix(root, f), line: e.line, message: e.message, kind: "syntax-error" });
    }
    return s;
  };

  const pkgs = findPackages(root, files);
  const roots = crateRoots(pkgs, known);
  const libByCrate = new Map<string, CrateRoot>();
  for (const r of roots) if (r.isLib) libByCrate.set(r.pkg.crate, r);
  // A binary next to a library uses it by the package's crate name.

  const byFile = new Map<string, RsModule>();
  /** "<crate label>::a::b" (including inline modules) → module owning it. */
  const modAt = new Map<string, RsModule>();
  const keyOf = (r: CrateRoot, p: string[]) => [r.pkg.crate, ...r.label, ...p].join("::");
  const visit = (r: CrateRoot, file: string, modPath: string[], modRs: boolean) => {
    if (byFile.has(file)) {
      modAt.set(keyOf(r, modPath), byFile.get(file)!);
      return;
    }
    const scan = scanOf(file);
    const id = [r.pkg.crate, ...r.label, ...modPath].join("::");
    const m: RsModule = { id, file, rel: relPosix(root, file), root: r, modPath, scan };
    byFile.set(file, m);
    modAt.set(keyOf(r, modPath), m);
    const base = modRs ? path.dirname(file) : path.join(path.dirname(file), path.basename(file, ".rs"));
    for (const d of scan.mods) {
      const childPath = [...modPath, ...d.scope, d.name];
      if (d.inline) {
        modAt.set(keyOf(r, childPath), m);
        continue;
      }
      let child: string | undefined;
      let childModRs = false;
      if (d.pathAttr !== undefined) {
        const dir = d.scope.length === 0 ? path.dirname(file) : path.join(base, ...d.scope);
        child = path.resolve(dir, d.pathAttr);
        childModRs = true;
      } else {
        const dir = path.join(base, ...d.scope);
        const a = path.join(dir, `${d.name}.rs`);
        const b = path.join(dir, d.name, "mod.rs");
        child = known.has(a) ? a : known.has(b) ? b : undefined;
        childModRs = child === b;
      }
      if (!child || !known.has(child)) {
        notes.push({ file: m.rel, line: d.line, message: `mod ${d.name}: no file ${d.name}.rs or ${d.name}/mod.rs`, kind: "unresolved" });
        continue;
      }
      visit(r, child, childPath, childModRs);
    }
  };
  for (const r of roots) visit(r, r.file, [], true);
  const orphans = files.filter((f) => !byFile.has(f));
  if (orphans.length > 0) {
    notes.push({ file: relPosix(root, orphans[0]!), message: `${orphans.length} Rust file(s) are in no crate's module tree (no mod declaration reaches them) and are left out`, kind: "info" });
  }

  const sites: LanguageGraph["sites"] = [];
  const modules: SplitModule[] = [];
  const exportsCache = new Map<RsModule, Map<string, RsModule>>();

  /** Resolves a path used in module `m` (inside its inline `scope`) to a module and the name it reaches. */
  const resolve = (m: RsModule, scope: string[], segs: string[], aliases?: Map<string, string[]>): { target?: RsModule; name?: string; external?: string } => {
    const head = segs[0]!;
    let r = m.root;
    let base: string[];
    let rest: string[];
    const cur = [...m.modPath, ...scope];
    if (head === "crate") {
      base = [];
      rest = segs.slice(1);
    } else if (head === "self" || head === "super") {
      base = cur;
      let i = 0;
      if (head === "self") i = 1;
      while (segs[i] === "super") {
        if (base.length === 0) return {};
        base = base.slice(0, -1);
        i++;
      }
      rest = segs.slice(i);
    } else if (modAt.has(keyOf(r, [...cur, head]))) {
      base = cur;
      rest = segs;
    } else if (aliases?.has(head)) {
      return resolve(m, scope, [...aliases.get(head)!, ...segs.slice(1)]);
    } else if (libByCrate.has(head) && libByCrate.get(head) !== m.root) {
      r = libByCrate.get(head)!;
      base = [];
      rest = segs.slice(1);
    } else if (RUST_STD.has(head)) return {};
    else if (m.root.pkg.manifest.deps.has(head) || m.scan.externCrates.some((e) => (e.alias ?? e.name) === head)) return { external: head };
    else return {};
    // Longest module prefix.
    let k = rest.length;
    for (; k >= 0; k--) if (modAt.has(keyOf(r, [...base, ...rest.slice(0, k)]))) break;
    if (k < 0) return {};
    const target = modAt.get(keyOf(r, [...base, ...rest.slice(0, k)]))!;
    const name = rest[k];
    return name === undefined || name === "self" ? { target } : { target, name };
  };
  /** What a module re-exports with `pub use`: name → module that defines it. */
  const exportsOf = (m: RsModule): Map<string, RsModule> => {
    let e = exportsCache.get(m);
    if (e) return e;
    exportsCache.set(m, (e = new Map()));
    for (const u of m.scan.uses) {
      if (!u.pub) continue;
      const last = u.path[u.path.length - 1]!;
      if (last === "*") continue;
      const r = resolve(m, u.scope, u.path);
      if (r.target && r.target !== m) e.set(u.alias ?? (last === "self" ? u.path[u.path.length - 2]! : last), r.target);
    }
    return e;
  };
  const follow = (t: RsModule, name: string | undefined): RsModule => {
    let cur = t;
    for (let hop = 0; hop < 8 && name; hop++) {
      const next = exportsOf(cur).get(name);
      if (!next || next === cur) break;
      cur = next;
    }
    return cur;
  };

  for (const m of byFile.values()) {
    const tp = new Set<string>();
    const add = (line: number, segs: string[], scope: string[], aliases?: Map<string, string[]>) => {
      const r = resolve(m, scope, segs, aliases);
      if (r.external) {
        tp.add(r.external);
        return;
      }
      if (!r.target) return;
      const to = follow(r.target, r.name);
      if (to === m) return;
      sites.push({ from: m.id, to: to.id, site: { file: m.rel, line, names: r.name && r.name !== "*" ? [r.name] : r.name === "*" ? ["*"] : [], kind: "import" } });
    };
    // Names brought into scope by `use`, so that `orders::router()` after `use crate::orders;` resolves.
    const aliases = new Map<string, string[]>();
    for (const u of m.scan.uses) {
      const last = u.path[u.path.length - 1]!;
      if (last === "*") continue;
      const name = u.alias ?? (last === "self" ? u.path[u.path.length - 2] : last);
      if (name && name !== "_") aliases.set(name, last === "self" ? u.path.slice(0, -1) : u.path);
    }
    for (const e of m.scan.externCrates) {
      if (libByCrate.has(e.name)) aliases.set(e.alias ?? e.name, [e.name]);
      else if (!RUST_STD.has(e.name)) tp.add(e.name);
    }
    for (const u of m.scan.uses) add(u.line, u.path, u.scope);
    for (const p of m.scan.paths) add(p.line, p.path, p.scope, aliases);
    modules.push({ id: m.id, file: m.rel, language: "rust", segments: m.id.split("::"), loc: m.scan.loc, thirdParty: [...tp].sort() });
  }
  return { modules, sites, notes, bytes };
}

/** The Cargo package of each file: the nearest Cargo.toml with a [package] above it. */
function findPackages(root: string, files: string[]): Map<string, Pkg> {
  const byDir = new Map<string, Pkg | null>();
  const lookup = (dir: string): Pkg | null => {
    const hit = byDir.get(dir);
    if (hit !== undefined) return hit;
    let pkg: Pkg | null = null;
    const f = path.join(dir, "Cargo.toml");
    if (isFile(f)) {
      const manifest = readCargoManifest(readTextSync(f));
      if (manifest.name) pkg = { dir, crate: (manifest.lib?.name ?? manifest.name).replace(/-/g, "_"), manifest };
    }
    const parent = path.dirname(dir);
    const mayClimb = parent !== dir && (dir.startsWith(root) || !existsSync(path.join(dir, ".git")));
    if (!pkg && mayClimb) pkg = lookup(parent);
    byDir.set(dir, pkg);
    return pkg;
  };
  const out = new Map<string, Pkg>();
  for (const f of files) {
    let pkg = lookup(path.dirname(f));
    if (!pkg) {
      // Loose Rust files: the scan root stands in for the package.
      pkg = { dir: root, crate: path.basename(root).replace(/[^\w]/g, "_") || "crate", manifest: { bins: [], deps: new Map(), workspace: false } };
      byDir.set(path.dirname(f), pkg);
    }
    out.set(pkg.dir, pkg);
  }
  return out;
}

function crateRoots(pkgs: Map<string, Pkg>, known: Set<string>): CrateRoot[] {
  const roots: CrateRoot[] = [];
  for (const pkg of pkgs.values()) {
    const src = path.join(pkg.dir, "src");
    const lib = path.resolve(pkg.dir, pkg.manifest.lib?.path ?? "src/lib.rs");
    const hasLib = known.has(lib);
    if (hasLib) roots.push({ pkg, file: lib, label: [], isLib: true });
    const bins = new Set<string>();
    for (const b of pkg.manifest.bins) if (b.path) bins.add(path.resolve(pkg.dir, b.path));
    bins.add(path.join(src, "main.rs"));
    for (const f of known) {
      const rel = path.relative(pkg.dir, f).split(path.sep);
      if (rel[0] === "src" && rel[1] === "bin" && (rel.length === 3 || (rel.length === 4 && rel[3] === "main.rs"))) bins.add(f);
    }
    for (const f of bins) {
      if (!known.has(f)) continue;
      const rel = path.relative(pkg.dir, f).split(path.sep);
      const label = f === path.join(src, "main.rs") ? (hasLib ? ["main"] : []) : ["bin", rel[2]!.replace(/\.rs$/, "")];
      roots.push({ pkg, file: f, label, isLib: !hasLib && label.length === 0 });
    }
    for (const f of known) {
      const rel = path.relative(pkg.dir, f).split(path.sep);
      if (rel.length === 2 && ["tests", "examples", "benches"].includes(rel[0]!)) roots.push({ pkg, file: f, label: [rel[0]!, rel[1]!.replace(/\.rs$/, "")], isLib: false });
      if (rel.length === 1 && rel[0] === "build.rs") roots.push({ pkg, file: f, label: ["build"], isLib: false });
    }
  }
  // A root reached first as some other crate's module stays a crate root: roots go first.
  return roots;
}

function relPosix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}
