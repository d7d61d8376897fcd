import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Folders that never hold a service's own source. */
export const SKIP_DIRS = new Set([
  ".git", "node_modules", ".venv", "venv", "target", "__pycache__", ".mypy_cache", ".pytest_cache",
  ".tox", "dist", "build", ".cache", ".idea", ".vscode", ".next", "site-packages",
]);

/** With `pruneData`: folders of tool output and translation catalogs, never source. */
const DATA_DIRS = new Set(["LC_MESSAGES", ".ruff_cache", ".hypothesis", ".nox", ".eggs", "htmlcov", ".pytype", "__snapshots__"]);
/**
 * With `pruneData`: folders that by convention hold data (gettext catalogs, served assets, page
 * templates). Descended only when they hold a source file of their own (Django's conf/locale is a
 * package, each language a module), so a `templates/` of TypeScript components stays in.
 */
const DATA_BY_NAME = new Set(["locale", "locales", "static", "staticfiles", "templates"]);

export interface WalkOptions {
  /** Files larger than this are listed in `skipped` instead of `files`. */
  maxBytes?: number;
  /** Only files whose name passes this test are returned. */
  accept?: (name: string) => boolean;
  /** Also return size and modification time of each file (from the stat the walk makes anyway). */
  stats?: boolean;
  /** Leave out what the .gitignore files say (those in the tree and those of its repository above it). */
  gitignore?: boolean;
  /** Do not descend into data folders (translation catalogs, served assets without source, tool caches). */
  pruneData?: boolean;
}

export interface WalkResult {
  files: string[];
  skipped: Array<{ file: string; reason: string }>;
  /** With `stats`: one entry per file, in the same order. */
  stats?: Array<{ size: number; mtimeMs: number }>;
}

/**
 * Lists files under the roots. Symlinks are followed only when their target stays inside
 * one of the roots, and every real folder is visited once, so link loops terminate.
 * Synchronous system calls on purpose: for thousands of small directory reads they cost a
 * fraction of the promise round-trips, and the caller has nothing else to do meanwhile.
 */
export async function walk(roots: string[], opts: WalkOptions = {}): Promise<WalkResult> {
  return walkSync(roots, opts);
}

interface IgnoreRules {
  base: string;
  test(rel: string): { ignored: boolean; unignored: boolean };
}

export function walkSync(roots: string[], opts: WalkOptions = {}): WalkResult {
  const realRoots = roots.map((r) => safeRealpath(path.resolve(r))).filter((r): r is string => !!r);
  const inside = (p: string) => realRoots.some((r) => p === r || p.startsWith(r + path.sep));
  const seen = new Set<string>();
  const files: string[] = [];
  const skipped: WalkResult["skipped"] = [];
  const stats: NonNullable<WalkResult["stats"]> | undefined = opts.stats ? [] : undefined;
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const accept = opts.accept;
  const prune = !!opts.pruneData;

  const visit = (dir: string, real: string, rules: IgnoreRules[]): void => {
    if (seen.has(real)) return;
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ file: dir, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? e}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (opts.gitignore) {
      const own = entries.find((e) => e.name === ".gitignore" && !e.isDirectory());
      const r = own ? gitignoreRules(path.join(dir, ".gitignore"), dir) : undefined;
      if (r) rules = [...rules, r];
    }
    if (prune && DATA_BY_NAME.has(path.basename(dir)) && !entries.some((e) => !e.isDirectory() && (!accept || accept(e.name)))) return;
    const subdirs: Array<[string, string]> = [];
    const dirPrefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    const realPrefix = real.endsWith(path.sep) ? real : real + path.sep;
    for (const ent of entries) {
      const name = ent.name;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      const link = ent.isSymbolicLink();
      // Cheap name tests first: most entries of a source tree are files of another kind.
      if (isFile && accept && !accept(name)) continue;
      if (isDir && (SKIP_DIRS.has(name) || name.endsWith(".egg-info") || (prune && DATA_DIRS.has(name)))) continue;
      const full = dirPrefix + name;
      let realChild: string | undefined;
      if (link) {
        const target = safeRealpath(full);
        if (!target || !inside(target)) {
          skipped.push({ file: full, reason: "symlink leads outside the scanned folders" });
          continue;
        }
        const st = safeStat(target);
        isDir = !!st?.isDirectory();
        isFile = !!st?.isFile();
        realChild = target;
        if (isFile && accept && !accept(name)) continue;
        if (isDir && (SKIP_DIRS.has(name) || name.endsWith(".egg-info") || (prune && DATA_DIRS.has(name)))) continue;
      }
      if (rules.length > 0 && (isDir || isFile) && ignoredBy(rules, full, isDir)) continue;
      if (isDir) subdirs.push([full, realChild ?? realPrefix + name]);
      else if (isFile) {
        const st = safeStat(full, true);
        const size = st?.size ?? 0;
        if (size > maxBytes) skipped.push({ file: full, reason: `larger than ${maxBytes} bytes` });
        else {
          files.push(full);
          if (stats) {
            // A link's own times say nothing about the file it leads to.
            const real = link ? safeStat(full) : st;
            stats.push({ size: real?.size ?? 0, mtimeMs: real?.mtimeMs ?? 0 });
          }
        }
      }
    }
    for (const [d, r] of subdirs) visit(d, r, rules);
  };

  for (const root of roots.map((r) => path.resolve(r))) {
    const real = safeRealpath(root);
    if (real) visit(root, real, opts.gitignore ? repositoryRules(root) : []);
  }
  return stats ? { files, skipped, stats } : { files, skipped };
}

/** The deepest .gitignore with a rule for the path decides, as git does. */
function ignoredBy(rules: IgnoreRules[], full: string, isDir: boolean): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    const rel = full.slice(r.base.length + 1).split(path.sep).join("/");
    const t = r.test(isDir ? `${rel}/` : rel);
    if (t.ignored) return true;
    if (t.unignored) return false;
  }
  return false;
}

/** .gitignore files between the repository's top (the folder holding .git) and the scanned root, outermost first. */
function repositoryRules(root: string): IgnoreRules[] {
  const above: string[] = [];
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    above.unshift(dir);
    if (existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) break;
  }
  if (!existsSync(path.join(above[0]!, ".git"))) return [];
  return above.map((d) => gitignoreRules(path.join(d, ".gitignore"), d)).filter((r): r is IgnoreRules => !!r);
}

let ignoreFactory: ((opts?: object) => { add(p: string): unknown; test(p: string): { ignored: boolean; unignored: boolean } }) | undefined;

function gitignoreRules(file: string, base: string): IgnoreRules | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  // Loaded on the first .gitignore only: a tree without one pays nothing.
  ignoreFactory ??= createRequire(import.meta.url)("ignore") as typeof ignoreFactory;
  const ig = ignoreFactory!();
  ig.add(text);
  return { base, test: (rel) => ig.test(rel) };
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function safeStat(p: string, noFollow = false) {
  try {
    return noFollow ? lstatSync(p) : statSync(p);
  } catch {
    return undefined;
  }
}
