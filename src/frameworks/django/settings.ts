import path from "node:path";
import { existsSync } from "../../io/fs.js";

/** Where a Django project's ROOT_URLCONF was found, and the file of that URL conf. */
export interface RootUrlconf {
  /** Dotted module name, e.g. "proj.urls". */
  module: string;
  /** The URL conf's file: proj/urls.py, or proj/urls/__init__.py for a package. */
  file: string;
  /** The folder the module name is relative to (the project's sys.path entry). */
  root: string;
  /** The settings file that assigns ROOT_URLCONF, and the chain of settings modules that led to it. */
  settingsFile: string;
  via: string[];
}

/** os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x") or os.environ["DJANGO_SETTINGS_MODULE"] = "x". */
const SETTINGS_MODULE = /DJANGO_SETTINGS_MODULE["']\s*(?:,|\]\s*=)\s*["']([\w.]+)["']/;
const ENTRY_POINTS = new Set(["manage.py", "wsgi.py", "asgi.py"]);
const ROOT_URLCONF = /^\s*ROOT_URLCONF\s*=\s*["']([\w.]+)["']/;
const STAR_IMPORT = /^\s*from\s+(\.*)([\w.]*)\s+import\s+\*/;

/** A top-level assignment, as a settings module makes it (not a keyword argument of override_settings). */
const TOP_LEVEL_ROOT_URLCONF = /^ROOT_URLCONF\s*=\s*["']([\w.]+)["']/m;

/**
 * The ROOT_URLCONF a Django project serves: the settings module that manage.py, wsgi.py or asgi.py names,
 * followed through `from .base import *` / `from proj.settings.base import *` chains (and a settings package's
 * `__init__.py`) to the last assignment; else any settings.py or settings package that resolves.
 * Module names resolve against the declaring file's folder and its parents, up to `dir`.
 */
export function resolveRootUrlconf(dir: string, files: string[], read: (f: string) => string): RootUrlconf | undefined {
  return rootUrlconfs(dir, files, read)[0];
}

/**
 * Every root URL conf of a folder, the served one first (see resolveRootUrlconf): a repository can hold
 * several sites, each deployed with its own settings module. The one finder every feature uses.
 */
export function rootUrlconfs(dir: string, files: string[], read: (f: string) => string): RootUrlconf[] {
  const depth = (f: string) => path.relative(dir, f).split(path.sep).length;
  const declarers = files.filter((f) => ENTRY_POINTS.has(path.basename(f))).sort((a, b) => depth(a) - depth(b) || rank(a) - rank(b));
  const starts: string[] = [];
  const add = (f: string) => {
    if (!starts.includes(f)) starts.push(f);
  };
  for (const f of declarers) {
    const mod = SETTINGS_MODULE.exec(read(f))?.[1];
    const file = mod && resolveModule(mod, path.dirname(f), dir);
    if (file) add(file.file);
  }
  // Without an entry point naming them: settings.py files and settings packages.
  for (const f of files) {
    const base = path.basename(f);
    if (base === "settings.py" || (base === "__init__.py" && path.basename(path.dirname(f)) === "settings")) add(f);
  }
  // Then any module of a settings folder that assigns ROOT_URLCONF itself, then any module assigning it at top level.
  for (const f of files) {
    if (f.endsWith(".py") && path.relative(dir, f).split(path.sep).includes("settings") && read(f).split(/\r?\n/).some((l) => ROOT_URLCONF.test(l))) add(f);
  }
  for (const f of files) if (f.endsWith(".py") && TOP_LEVEL_ROOT_URLCONF.test(read(f))) add(f);
  const out: RootUrlconf[] = [];
  for (const start of starts) {
    const found = followSettings(start, dir, read, new Set());
    if (!found || out.some((r) => r.module === found.module && r.settingsFile === found.file)) continue;
    const target = resolveModule(found.module, path.dirname(found.file), dir);
    out.push({
      module: found.module,
      file: target?.file ?? path.join(dir, ...found.module.split(".")) + ".py",
      root: target?.root ?? dir,
      settingsFile: found.file,
      via: found.via,
    });
  }
  return out;
}

/** manage.py names the settings developers run with; wsgi.py and asgi.py what is deployed. */
function rank(f: string): number {
  return ["manage.py", "wsgi.py", "asgi.py"].indexOf(path.basename(f));
}

/** A dotted module's file (module.py or module/__init__.py), looked up from `from` and its parents up to `dir`. */
export function resolveModule(name: string, from: string, dir: string): { file: string; root: string } | undefined {
  const parts = name.split(".");
  for (let root = from; ; root = path.dirname(root)) {
    for (const file of [path.join(root, ...parts) + ".py", path.join(root, ...parts, "__init__.py")]) if (existsSync(file)) return { file, root };
    const rel = path.relative(dir, root);
    if (!rel || rel.startsWith("..") || path.isAbsolute(rel) || path.dirname(root) === root) return undefined;
  }
}

/** The last ROOT_URLCONF assignment a settings module makes, star imports included in the order they run. */
function followSettings(file: string, dir: string, read: (f: string) => string, seen: Set<string>): { module: string; file: string; via: string[] } | undefined {
  if (seen.has(file) || !existsSync(file)) return undefined;
  seen.add(file);
  let found: { module: string; file: string; via: string[] } | undefined;
  for (const line of read(file).split(/\r?\n/)) {
    const assign = ROOT_URLCONF.exec(line);
    if (assign) {
      found = { module: assign[1]!, file, via: [file] };
      continue;
    }
    const star = STAR_IMPORT.exec(line);
    if (!star) continue;
    const target = starTarget(file, star[1]!, star[2]!, dir);
    const inner = target && followSettings(target, dir, read, seen);
    if (inner) found = { ...inner, via: [file, ...inner.via] };
  }
  return found;
}

/** The files `from … import *` lines of a module load, in order. */
export function starImportTargets(file: string, text: string, dir: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const star = STAR_IMPORT.exec(line);
    const target = star && starTarget(file, star[1]!, star[2]!, dir);
    return target ? [target] : [];
  });
}

/** The file a `from <dots><name> import *` in `file` loads: relative to its package, or absolute from the project. */
function starTarget(file: string, dots: string, name: string, dir: string): string | undefined {
  if (!dots) return resolveModule(name, path.dirname(file), dir)?.file;
  let pkg = path.dirname(file);
  for (let i = 1; i < dots.length; i++) pkg = path.dirname(pkg);
  const parts = name ? name.split(".") : [];
  const candidates = parts.length ? [path.join(pkg, ...parts) + ".py", path.join(pkg, ...parts, "__init__.py")] : [path.join(pkg, "__init__.py")];
  return candidates.find((f) => existsSync(f));
}
