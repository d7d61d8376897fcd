import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { isFile, readTextSync, writeFileAtomic } from "../../io/fs.js";

/** Bump when a scanner's output shape or meaning changes, so old entries are ignored. */
export const SCAN_CACHE_VERSION = 4;

export interface ScanCache<T> {
  /** `key` identifies the file's content: its size and modification time (see statKey). */
  get(rel: string, key: string): T | undefined;
  set(rel: string, key: string, value: T): void;
  save(): Promise<void>;
  hits: number;
}

export function cacheDirFor(env: Record<string, string | undefined>): string {
  if (env.FKS_CACHE) return path.join(env.FKS_CACHE, "split");
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(base, "fks", "split");
}

/**
 * Size and modification time stand in for the content: a cache hit then costs no read at all
 * (hashing needs the read, which cost as much as the scan). An edit that keeps both the size and
 * the nanosecond-resolution mtime is missed; `--no-cache` is the way out.
 */
export function statKey(st: { size: number; mtimeMs: number }): string {
  return `${st.size}:${st.mtimeMs}`;
}

/**
 * One JSON file per scanned root, keyed by relative path and size+mtime. A damaged, foreign or
 * outdated file is ignored (never trusted, never fatal); writes are atomic.
 */
export function openScanCache<T>(dir: string | undefined, root: string, validate: (v: unknown) => v is T): ScanCache<T> {
  const file = dir ? path.join(dir, `${createHash("sha1").update(root).digest("hex").slice(0, 20)}.json`) : undefined;
  let entries: Record<string, { h: string; v: T }> = {};
  let dirty = false;
  if (file) {
    if (isFile(file)) {
      try {
        const text = readTextSync(file);
        const parsed = JSON.parse(text) as { version?: unknown; root?: unknown; entries?: unknown };
        if (parsed.version === SCAN_CACHE_VERSION && parsed.root === root && parsed.entries && typeof parsed.entries === "object") {
          entries = parsed.entries as typeof entries;
        }
      } catch {
        entries = {};
      }
    }
  }
  const seen = new Set<string>();
  const cache: ScanCache<T> = {
    hits: 0,
    get(rel, hash) {
      seen.add(rel);
      const e = Object.prototype.hasOwnProperty.call(entries, rel) ? entries[rel] : undefined;
      if (e && e.h === hash && validate(e.v)) {
        cache.hits++;
        return e.v;
      }
      return undefined;
    },
    set(rel, hash, value) {
      seen.add(rel);
      entries[rel] = { h: hash, v: value };
      dirty = true;
    },
    async save() {
      if (!file) return;
      // Drop entries of files that are gone.
      for (const k of Object.keys(entries)) if (!seen.has(k)) { delete entries[k]; dirty = true; }
      if (!dirty) return;
      try {
        await writeFileAtomic(file, JSON.stringify({ version: SCAN_CACHE_VERSION, root, entries }));
      } catch {
        // A read-only or full cache folder only costs speed.
      }
    },
  };
  return cache;
}
