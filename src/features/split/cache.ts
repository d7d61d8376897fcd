import os from "node:os";
import path from "node:path";
import { isFile, readTextSync, writeFileAtomicSync } from "../../io/fs.js";

/** Bump when a scanner's output shape or meaning changes, so old entries are ignored. */
export const SCAN_CACHE_VERSION = 6;

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

/** What a cache file found on open says about itself, for a note when it had to be ignored. */
export type CacheState = "none" | "ok" | "damaged" | "foreign";

/** The cache file of a root: a hash of its path, so two roots never share one. */
function cacheFile(dir: string, root: string, kind: string): string {
  return path.join(dir, `${fingerprintOf([root])}${kind}.json`);
}

/** Reads a cache file written by this version for this root; anything else is ignored, never trusted. */
function readCacheFile(file: string | undefined, root: string): { state: CacheState; data?: Record<string, unknown> } {
  if (!file || !isFile(file)) return { state: "none" };
  try {
    const parsed = JSON.parse(readTextSync(file)) as Record<string, unknown>;
    if (!parsed || typeof parsed !== "object") return { state: "damaged" };
    if (parsed.version !== SCAN_CACHE_VERSION || parsed.root !== root) return { state: "foreign" };
    return { state: "ok", data: parsed };
  } catch {
    return { state: "damaged" };
  }
}

/**
 * One JSON file per scanned root, keyed by relative path and size+mtime. A damaged, foreign or
 * outdated file is ignored (never trusted, never fatal); writes are atomic.
 */
export function openScanCache<T>(dir: string | undefined, root: string, validate: (v: unknown) => v is T): ScanCache<T> & { state: CacheState } {
  const file = dir ? cacheFile(dir, root, "") : undefined;
  const read = readCacheFile(file, root);
  let entries: Record<string, { h: string; v: T }> = {};
  let state = read.state;
  if (read.data) {
    if (read.data.entries && typeof read.data.entries === "object") entries = read.data.entries as typeof entries;
    else state = "damaged";
  }
  let dirty = false;
  const seen = new Set<string>();
  const cache: ScanCache<T> & { state: CacheState } = {
    hits: 0,
    state,
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
      await writeQuietly(file, { version: SCAN_CACHE_VERSION, root, entries });
    },
  };
  return cache;
}

/**
 * The whole graph of a root, valid while every input (each file's path, size and mtime, and the
 * options) is as it was: a warm run then reads this one file and no source at all. Any change
 * falls back to the per-file scan cache, which rescans only what changed.
 */
export interface GraphCache<T> {
  state: CacheState;
  /**
   * Names the stored value, new on every save: what is derived from it (metrics) is cached under
   * this name, so it can never outlive the value it was computed from.
   */
  stamp?: string;
  get(fingerprint: string): T | undefined;
  save(fingerprint: string, value: T): Promise<void>;
}

export function openGraphCache<T>(dir: string | undefined, root: string, validate: (v: unknown) => v is T, kind = ".graph"): GraphCache<T> {
  const file = dir ? cacheFile(dir, root, kind) : undefined;
  let read: ReturnType<typeof readCacheFile> | undefined;
  const cache: GraphCache<T> = {
    state: "none",
    get(fingerprint) {
      read ??= readCacheFile(file, root);
      cache.state = read.state;
      const d = read.data;
      if (!d || d.fingerprint !== fingerprint) return undefined;
      if (validate(d.graph)) {
        cache.stamp = typeof d.stamp === "string" ? d.stamp : undefined;
        return d.graph;
      }
      cache.state = "damaged";
      return undefined;
    },
    async save(fingerprint, value) {
      if (!file) return;
      const stamp = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`;
      if (await writeQuietly(file, { version: SCAN_CACHE_VERSION, root, fingerprint, stamp, graph: value })) cache.stamp = stamp;
    },
  };
  return cache;
}

/** The cache file's state as a note, when it had to be ignored. */
export function cacheNote(state: CacheState): string | undefined {
  if (state === "damaged") return "the split-plan cache file was damaged: ignored, every file scanned again and the cache rewritten";
  if (state === "foreign") return "the split-plan cache file was written by another fks version or for another folder: ignored and rewritten";
  return undefined;
}

/** Whether the file was written. */
async function writeQuietly(file: string, value: unknown): Promise<boolean> {
  try {
    writeFileAtomicSync(file, JSON.stringify(value));
    return true;
  } catch {
    // A read-only or full cache folder only costs speed.
    return false;
  }
}

/**
 * A short stable hash, for cache file names: cyrb53's mixing in two 32-bit lanes, 64 bits. Each
 * file also names its root and version, so a collision is read as foreign, never trusted; loading
 * node:crypto for this cost a warm run about 5 ms.
 */
export function fingerprintOf(parts: string[]): string {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    // The separator keeps ["ab", "c"] and ["a", "bc"] apart.
    h1 = Math.imul(h1 ^ 10, 2654435761);
    h2 = Math.imul(h2 ^ 10, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
}
