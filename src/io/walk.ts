import { promises as fsp, realpathSync } from "node:fs";
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
}

export interface WalkResult {
  files: string[];
  skipped: Array<{ file: string; reason: string }>;
}

/**
 * Lists files under the roots. Symlinks are followed only when their target stays inside
 * one of the roots, and every real folder is visited once, so link loops terminate.
 */
export async function walk(roots: string[], opts: WalkOptions = {}): Promise<WalkResult> {
  const realRoots = roots.map((r) => safeRealpath(path.resolve(r))).filter((r): r is string => !!r);
  const inside = (p: string) => realRoots.some((r) => p === r || p.startsWith(r + path.sep));
  const seen = new Set<string>();
  const files: string[] = [];
  const skipped: WalkResult["skipped"] = [];
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;

  async function visit(dir: string): Promise<void> {
    const real = safeRealpath(dir);
    if (!real || seen.has(real)) return;
    seen.add(real);
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ file: dir, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? e}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const ent of entries) {
      const full = path.join(dir, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        const target = safeRealpath(full);
        if (!target || !inside(target)) {
          skipped.push({ file: full, reason: "symlink leads outside the scanned folders" });
          continue;
        }
        const st = await fsp.stat(target).catch(() => undefined);
        isDir = !!st?.isDirectory();
        isFile = !!st?.isFile();
      }
      if (isDir) {
        if (!SKIP_DIRS.has(ent.name) && !ent.name.endsWith(".egg-info")) subdirs.push(full);
      } else if (isFile && (!opts.accept || opts.accept(ent.name))) {
        const st = await fsp.stat(full).catch(() => undefined);
        if (st && st.size > maxBytes) skipped.push({ file: full, reason: `larger than ${maxBytes} bytes` });
        else files.push(full);
      }
    }
    for (const d of subdirs) await visit(d);
  }

  for (const root of roots.map((r) => path.resolve(r))) await visit(root);
  return { files, skipped };
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
