import path from "node:path";
import type { PyImport, PyScan } from "../../lang/python/imports.js";
import { PY_STDLIB } from "./stdlib.js";
import type { EdgeKind, ImportSite, SplitNote } from "./types.js";

/** One scanned Python file, before resolution. */
export interface PyFile {
  file: string;
  /** Path relative to the scan root, with forward slashes. */
  rel: string;
  scan: PyScan;
}

export interface PyModuleInfo {
  id: string;
  file: string;
  rel: string;
  isPackage: boolean;
  loc: number;
  /** Index in the file's path parts where its import name starts (the outermost package folder). */
  nameStart: number;
  /**
   * The import name, when another folder holds a module of the same name (two services with an
   * `app` package each): the id is then the whole path, and the short name resolves only for
   * importers under the same folder, `root`.
   */
  short?: { name: string; root: string };
  /** Named through the scan root's own package (the root holds `__init__.py`): no shorter alias exists. */
  underRootPackage?: boolean;
}

export interface ResolvedPython {
  modules: PyModuleInfo[];
  /** from → to → sites */
  sites: Array<{ from: string; to: string; site: ImportSite }>;
  thirdParty: Map<string, Set<string>>;
  notes: SplitNote[];
}

const PY_IDENT = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*$/;

export const DJANGO_CALLEES: ReadonlySet<string> = new Set(["include", "ForeignKey", "OneToOneField", "ManyToManyField"]);
export const DJANGO_ASSIGNMENTS: ReadonlySet<string> = new Set(["INSTALLED_APPS"]);

/**
 * Names every file as Python would import it. The package root of a file is the first folder
 * up its chain of `__init__.py` files; folders above it (up to the scan root) give alias names so
 * namespace packages and src layouts resolve too.
 */
export function namePythonModules(files: PyFile[], hasInit: (relDir: string) => boolean, prefix: string[] = [], importRoots: string[] = []): PyModuleInfo[] {
  const named = files.map((f) => nameOne(f, hasInit, prefix, importRoots));
  // A top-level name that starts packages (or loose modules) in several folders is ambiguous.
  const rootsOf = new Map<string, Set<string>>();
  for (const n of named) {
    const top = topOf(n.id);
    let roots = rootsOf.get(top);
    if (!roots) rootsOf.set(top, (roots = new Set()));
    roots.add(n.parts.slice(0, n.start).join("/"));
  }
  const mods: PyModuleInfo[] = [];
  const taken = new Set<string>();
  files.forEach((f, i) => {
    const n = named[i]!;
    let { id, start } = n;
    let short: PyModuleInfo["short"];
    if (!id || rootsOf.get(topOf(id))!.size > 1 || taken.has(id)) {
      // Ambiguous: every module of that name is called by its path, none wins by walk order.
      if (id) short = { name: id, root: n.parts.slice(0, start).join("/") };
      id = [...prefix, ...n.parts].join(".") || "__init__";
      start = 0;
    }
    taken.add(id);
    mods.push({ id, file: f.file, rel: f.rel, isPackage: n.isPackage, loc: f.scan.loc, nameStart: start, ...(short ? { short } : {}), ...(id !== n.id || start !== 0 || prefix.length === 0 ? {} : { underRootPackage: true }) });
  });
  return mods;
}

function nameOne(f: PyFile, hasInit: (relDir: string) => boolean, prefix: string[], importRoots: string[]): { id: string; start: number; parts: string[]; isPackage: boolean } {
  const parts = f.rel.replace(/\.pyi?$/, "").split("/");
  const isPackage = parts[parts.length - 1] === "__init__";
  if (isPackage) parts.pop();
  // Under a sub-project's import root the name starts there, packages with __init__.py or not.
  const root = importRoots.find((r) => f.rel.startsWith(`${r}/`));
  if (root) {
    const start = root.split("/").length;
    if (start < parts.length) return { id: parts.slice(start).join("."), start, parts, isPackage };
  }
  // The outermost package folder above the file starts its name; namespace folders between
  // packages (no __init__.py) stay part of it. A folder no dotted name can spell
  // (`orders-service`) ends the chain: the name starts below it, as a sub-project's root.
  let start = Math.max(0, parts.length - 1);
  let spelled = parts.length - (isPackage ? 0 : 1);
  while (spelled > 0 && PY_IDENT.test(parts[spelled - 1]!)) spelled--;
  for (let i = spelled; i < parts.length - (isPackage ? 0 : 1); i++) {
    if (hasInit(parts.slice(0, i + 1).join("/"))) {
      start = i;
      break;
    }
  }
  // A scan root that is itself a package keeps its own name in front.
  const head = start === 0 && prefix.length > 0 ? prefix : [];
  return { id: [...head, ...parts.slice(start)].join("."), start, parts, isPackage };
}

/**
 * @param leftOut dotted names (every suffix of the path) of Python files the graph leaves out on
 * purpose (tests, --exclude, too large): importing one is neither an edge nor an unresolved import.
 */
export function resolvePython(files: PyFile[], mods: PyModuleInfo[], includeTypeOnly: boolean, leftOut: ReadonlySet<string> = new Set()): ResolvedPython {
  const byName = new Map<string, PyModuleInfo>();
  for (const m of mods) byName.set(m.id, m);
  // Aliases: longer names through the folders above the package root (namespace packages, src layouts).
  // Never shorter ones: `collections` must not name `shop/admin/collections.py`.
  for (const m of mods) {
    // `http/cookie.py` in a scanned `django/` is `django.http.cookie`, never the stdlib's `http`.
    if (m.underRootPackage) continue;
    const parts = m.rel.replace(/\.pyi?$/, "").split("/");
    if (m.isPackage) parts.pop();
    for (let i = 0; i <= m.nameStart && i < parts.length; i++) {
      const alias = parts.slice(i).join(".");
      if (alias && !byName.has(alias)) byName.set(alias, m);
    }
  }
  // Short names that several folders use (`app` in services/api and services/web): each folder's own.
  const shortIn = new Map<string, Map<string, PyModuleInfo>>();
  for (const m of mods) {
    if (!m.short) continue;
    let names = shortIn.get(m.short.root);
    if (!names) shortIn.set(m.short.root, (names = new Map()));
    names.set(m.short.name, m);
  }
  /** The folder an importer's absolute imports start from. */
  const roots = new Map<PyModuleInfo, string>();
  const rootOf = (m: PyModuleInfo): string => {
    let r = roots.get(m);
    if (r === undefined) roots.set(m, (r = m.short?.root ?? m.rel.split("/").slice(0, m.nameStart).join("/")));
    return r;
  };
  const lookup = (root: string, name: string): PyModuleInfo | undefined => {
    const hit = shortIn.get(root)?.get(name) ?? byName.get(name);
    return hit && PY_STDLIB.has(topOf(name)) && !shadowsStdlib(hit, root, name) ? undefined : hit;
  };
  /**
   * A standard-library name means the project's module only when that module really sits on the
   * importer's own path under that very name (`logging/` beside the importer's package), never
   * through an alias or from another sub-project's folder.
   */
  const shadowsStdlib = (m: PyModuleInfo, root: string, name: string): boolean => topOf(m.short?.name ?? m.id) === topOf(name) && rootOf(m) === root;
  // Names the project's own modules start with. Not their aliases: `docs/opentelemetry/example.py`
  // (a folder without __init__.py) does not make the `opentelemetry` library local.
  const localTop = new Set<string>();
  for (const m of mods) localTop.add(topOf(m.short?.name ?? m.id));
  const skipped = (dotted: string) => localTop.has(topOf(dotted)) && leftOut.has(dotted);

  const fileOf = new Map(files.map((f) => [f.file, f]));
  const sites: ResolvedPython["sites"] = [];
  const thirdParty = new Map<string, Set<string>>();
  const notes: SplitNote[] = [];

  // Re-exports: for a package `__init__`, which module defines each name it imports at module level.
  const reexports = new Map<string, Map<string, string>>();
  const reexportsOf = (m: PyModuleInfo): Map<string, string> => {
    let r = reexports.get(m.id);
    if (r) return r;
    r = new Map();
    reexports.set(m.id, r);
    const scan = fileOf.get(m.file)?.scan;
    const root = rootOf(m);
    for (const imp of scan?.imports ?? []) {
      if (imp.kind !== "from" || imp.lazy || imp.typeOnly) continue;
      const base = absoluteBase(imp, m);
      if (base === undefined) continue;
      for (const nm of imp.names) {
        if (nm.name === "*") continue;
        const sub = lookup(root, base ? `${base}.${nm.name}` : nm.name);
        const target = sub ?? lookup(root, base);
        if (target && target !== m) r.set(nm.asname ?? nm.name, target.id);
      }
    }
    return r;
  };
  const follow = (target: PyModuleInfo, name: string): PyModuleInfo => {
    let cur = target;
    for (let hop = 0; hop < 8 && cur.isPackage; hop++) {
      const next = reexportsOf(cur).get(name);
      const nm = next ? byName.get(next) : undefined;
      if (!nm || nm === cur) break;
      cur = nm;
    }
    return cur;
  };
  let root = "";
  const get = (name: string) => lookup(root, name);
  const longestPrefix = (dotted: string): PyModuleInfo | undefined => {
    let s = dotted;
    for (;;) {
      const m = get(s);
      if (m) return m;
      const i = s.lastIndexOf(".");
      if (i < 0) return undefined;
      s = s.slice(0, i);
    }
  };

  for (const m of mods) {
    root = rootOf(m);
    const f = fileOf.get(m.file)!;
    const tp = new Set<string>();
    thirdParty.set(m.id, tp);
    const add = (to: PyModuleInfo, line: number, names: string[], kind: EdgeKind, via?: string) => {
      if (to.id === m.id) return;
      sites.push({ from: m.id, to: to.id, site: via ? { file: m.rel, line, names, kind, via } : { file: m.rel, line, names, kind } });
    };
    const external = (dotted: string, line: number) => {
      const top = topOf(dotted);
      if (!top || PY_STDLIB.has(top)) return;
      if (localTop.has(top)) {
        notes.push({ file: m.rel, line, message: `cannot resolve "${dotted}" inside the project`, kind: "unresolved" });
        return;
      }
      tp.add(top);
    };
    for (const imp of f.scan.imports) {
      if (imp.typeOnly && !includeTypeOnly) continue;
      const kind: EdgeKind = imp.typeOnly ? "type-only" : imp.lazy ? "lazy" : imp.optional ? "optional" : "import";
      if (imp.kind === "import") {
        for (const nm of imp.names) {
          if (!get(nm.name) && skipped(nm.name)) continue;
          const target = longestPrefix(nm.name);
          if (target) add(target, imp.line, [], kind);
          else external(nm.name, imp.line);
        }
        continue;
      }
      const base = absoluteBase(imp, m);
      if (base === undefined) {
        notes.push({ file: m.rel, line: imp.line, message: `relative import goes above the top-level package`, kind: "unresolved" });
        continue;
      }
      if (!get(base) && skipped(base)) continue;
      // A namespace package (no __init__.py) is no module of its own, but its sub-modules are.
      if (imp.level === 0 && !get(base) && !longestPrefix(base) && !imp.names.some((nm) => get(`${base}.${nm.name}`))) {
        external(base, imp.line);
        continue;
      }
      const baseMod = get(base) ?? longestPrefix(base);
      for (const nm of imp.names) {
        if (nm.name === "*") {
          if (baseMod) add(baseMod, imp.line, ["*"], kind);
          continue;
        }
        const full = base ? `${base}.${nm.name}` : nm.name;
        const sub = get(full);
        if (!sub && skipped(full)) continue;
        if (sub) add(sub, imp.line, [], kind);
        else if (baseMod) {
          const to = follow(baseMod, nm.name);
          add(to, imp.line, [nm.name], kind, to === baseMod ? undefined : baseMod.id);
        }
        else notes.push({ file: m.rel, line: imp.line, message: `cannot resolve "${".".repeat(imp.level)}${imp.module}"`, kind: "unresolved" });
      }
    }
    djangoEdges(f.scan, byName, get, longestPrefix, add, tp);
    // A Django migration describes its app's models and moves with them, though it imports neither.
    const parts = m.id.split(".");
    if (!m.isPackage && parts.length >= 3 && parts[parts.length - 2] === "migrations") {
      const models = get([...parts.slice(0, -2), "models"].join("."));
      if (models) add(models, 1, [], "framework");
    }
  }
  return { modules: mods, sites, thirdParty, notes };
}

/** The absolute dotted module a `from` import names, or undefined when it climbs above the root. */
function absoluteBase(imp: PyImport, m: PyModuleInfo): string | undefined {
  if (imp.level === 0) return imp.module;
  const pkg = m.id.split(".");
  if (!m.isPackage) pkg.pop();
  const up = imp.level - 1;
  if (up > pkg.length) return undefined;
  const parts = pkg.slice(0, pkg.length - up);
  if (imp.module) parts.push(imp.module);
  return parts.join(".");
}

/** INSTALLED_APPS entries, include("app.urls") and string model references become edges too. */
function djangoEdges(
  scan: PyScan,
  byName: Map<string, PyModuleInfo>,
  get: (name: string) => PyModuleInfo | undefined,
  longestPrefix: (d: string) => PyModuleInfo | undefined,
  add: (to: PyModuleInfo, line: number, names: string[], kind: EdgeKind) => void,
  tp: Set<string>,
): void {
  for (const s of scan.assignStrings) {
    const target = get(s.value) ?? longestPrefix(s.value);
    if (target) add(target, s.line, [], "framework");
    else if (/^[A-Za-z_][\w.]*$/.test(s.value) && !s.value.startsWith("django.")) tp.add(topOf(s.value));
  }
  for (const s of scan.callStrings) {
    const last = s.callee.slice(s.callee.lastIndexOf(".") + 1);
    if (last === "include") {
      const target = get(s.value);
      if (target) add(target, s.line, [], "framework");
      continue;
    }
    // ForeignKey("app_label.Model"): the app's models module.
    const dot = s.value.indexOf(".");
    if (dot <= 0) continue;
    const label = s.value.slice(0, dot);
    const model = s.value.slice(dot + 1);
    const target = appModels(label, byName);
    if (target) add(target, s.line, [model], "framework");
  }
}

const appCache = new WeakMap<Map<string, PyModuleInfo>, Map<string, PyModuleInfo | null>>();
function appModels(label: string, byName: Map<string, PyModuleInfo>): PyModuleInfo | undefined {
  let cache = appCache.get(byName);
  if (!cache) appCache.set(byName, (cache = new Map()));
  const hit = cache.get(label);
  if (hit !== undefined) return hit ?? undefined;
  let found: PyModuleInfo | undefined;
  for (const [name, mod] of byName) {
    if (name === `${label}.models` || name.endsWith(`.${label}.models`)) {
      if (!found || mod.id.length < found.id.length) found = mod;
    }
  }
  cache.set(label, found ?? null);
  return found;
}

function topOf(dotted: string): string {
  const dot = dotted.indexOf(".");
  return dot < 0 ? dotted : dotted.slice(0, dot);
}

export function relPosix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}
