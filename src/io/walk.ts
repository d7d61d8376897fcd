import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import path from "node:path";

/** Folders that never hold a service's own source. */
export const SKIP_DIRS = new Set([
  ".git", "node_modules", ".venv", "venv", "target", "__pycache__", ".mypy_cache", ".pytest_cache",
  ".tox", "dist", "build", ".cache", ".idea", ".vscode", ".next", "site-packages",
]);

export interface WalkOptions {
  /** Files larger than this are listed in `skipped` instead of `files`. */
  maxBytes?: number;
  /** Only files whose name passes this test are returned. */
  accept?: (name: string) => boolean;
  /** Also return size and modification time of each file (from the stat the walk makes anyway). */
  stats?: boolean;
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

export function walkSync(roots: string[], opts: WalkOptions = {}): WalkResult {
  const realRoots = roots.map((r) => safeRealpath(path.resolve(r))).filter((r): r is string => !!r);
  const inside = (p: string) => realRoots.some((r) => p === r || p.startsWith(r + path.sep));
  const seen = new Set<string>();
  const files: string[] = [];
  const skipped: WalkResult["skipped"] = [];
  const stats: NonNullable<WalkResult["stats"]> | undefined = opts.stats ? [] : undefined;
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;

  const visit = (dir: string, real: string): void => {
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
    const subdirs: Array<[string, string]> = [];
    for (const ent of entries) {
      const full = path.join(dir, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let realChild = path.join(real, ent.name);
      if (ent.isSymbolicLink()) {
        const target = safeRealpath(full);
        if (!target || !inside(target)) {
          skipped.push({ file: full, reason: "symlink leads outside the scanned folders" });
          continue;
        }
        const st = safeStat(target);
        isDir = !!st?.isDirectory();
        isFile = !!st?.isFile();
        realChild = target;
      }
      if (isDir) {
        if (!SKIP_DIRS.has(ent.name) && !ent.name.endsWith(".egg-info")) subdirs.push([full, realChild]);
      } else if (isFile && (!opts.accept || opts.accept(ent.name))) {
        const st = safeStat(full, true);
        const size = st?.size ?? 0;
        if (size > maxBytes) skipped.push({ file: full, reason: `larger than ${maxBytes} bytes` });
        else {
          files.push(full);
          if (stats) {
            // A link's own times say nothing about the file it leads to.
            const real = ent.isSymbolicLink() ? safeStat(full) : st;
            stats.push({ size: real?.size ?? 0, mtimeMs: real?.mtimeMs ?? 0 });
          }
        }
      }
    }
    for (const [d, r] of subdirs) visit(d, r);
  };

  for (const root of roots.map((r) => path.resolve(r))) {
    const real = safeRealpath(root);
    if (real) visit(root, real);
  }
  return stats ? { files, skipped, stats } : { files, skipped };
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
