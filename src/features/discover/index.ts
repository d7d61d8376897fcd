import path from "node:path";
import type { Dependency, Finding, ServiceRecord } from "../../model.js";
import type { Evidence } from "./evidence.js";
import type { FksConfig } from "../../config/schema.js";
import { FksError } from "../../errors.js";
import { isDirectory, readTextSync } from "../../io/fs.js";
import { walk } from "../../io/walk.js";
import { parseDockerfile } from "../../lang/dockerfile/parse.js";
import { COMPOSE_NAME, parseCompose } from "./compose.js";
import { infraKindOfImage, infraKindOfUrl } from "./infra.js";
import { looksLikeK8s, parseK8s } from "./k8s.js";
import { analyzeProjects, isMarker, isSourceFile } from "./source.js";
import { buildRecords } from "./merge.js";
import { resolveRoots } from "./roots.js";
import { servedEntry } from "./entry.js";
import { foldServedProjects } from "./fold.js";
import { applyWhatRuns } from "./runtime.js";
import { isFile } from "../../io/fs.js";

export interface DiscoverOptions {
  /** Folders or repositories to scan; default: config roots, else the config folder or cwd. */
  paths?: string[];
  cwd: string;
  config?: FksConfig;
  /** Folder that relative paths in the config are resolved against. */
  configDir?: string;
  onProgress?: (event: { phase: "walk" | "parse" | "merge"; files?: number }) => void;
}

export interface DiscoverResult {
  roots: string[];
  services: ServiceRecord[];
  dependencies: Dependency[];
  /** Problems met on the way (unparsable files, skipped files); discovery goes on past them. */
  diagnostics: Finding[];
  filesScanned: number;
}


const DOCKERFILE = /^(Dockerfile|Containerfile)(\.[\w.-]+)?$|\.Dockerfile$/;

/** Builds one record per service from compose, Kubernetes, Dockerfiles, source and fks.yaml. */
export async function discover(opts: DiscoverOptions): Promise<DiscoverResult> {
  const base = opts.configDir ?? opts.cwd;
  const roots = resolveRoots(opts);
  // Configured services may live in other repos: scan their folders too.
  const configured = Object.values(opts.config?.services ?? {})
    .map((s) => (s.path ? path.resolve(base, s.path) : undefined))
    .filter((p): p is string => !!p && isDirectory(p) && !roots.some((r) => p === r || p.startsWith(r + path.sep)));
  const scanRoots = [...roots, ...configured];
  const rel = (f: string) => path.relative(opts.cwd, f) || ".";
  const diagnostics: Finding[] = [];

  opts.onProgress?.({ phase: "walk" });
  const { files, skipped } = await walk(scanRoots, { accept: (n) => wanted(n) });
  for (const s of skipped) diagnostics.push({ rule: "discover/skipped", severity: "note", message: `skipped: ${s.reason}`, file: rel(s.file), line: 1, hint: "move generated or vendored files out of the service folder" });
  opts.onProgress?.({ phase: "parse", files: files.length });

  const cache = new Map<string, string>();
  const read = (f: string) => {
    let t = cache.get(f);
    if (t === undefined) {
      t = readTextSync(f);
      cache.set(f, t);
    }
    return t;
  };
  const ev: Evidence = { compose: [], k8s: [], dockerfiles: new Map(), projects: [] };
  const guard = <T>(file: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof FksError)) throw e;
      // The location lives in file/line; keep the message itself free of it.
      const message = e.file && e.message.startsWith(e.file + ":") ? e.message.slice(e.file.length + 1).replace(/^\d*:?\s*/, "") : e.message;
      diagnostics.push({ rule: "discover/parse-error", severity: "error", message, file: rel(file), line: e.line, hint: e.hint });
      return undefined;
    }
  };
  for (const f of files) {
    const name = path.basename(f);
    if (COMPOSE_NAME.test(name)) {
      ev.compose.push(...(guard(f, () => parseCompose(read(f), rel(f), f)) ?? []));
    } else if (/\.ya?ml$/.test(name)) {
      const text = read(f);
      if (looksLikeK8s(text)) ev.k8s.push(...(guard(f, () => parseK8s(text, rel(f))) ?? []));
    } else if (DOCKERFILE.test(name)) {
      const parsed = parseDockerfile(read(f), rel(f));
      for (const p of parsed.problems) {
        diagnostics.push({ rule: "discover/dockerfile", severity: "warning", message: p.message, file: rel(f), line: p.line, hint: "fix the Dockerfile; fks read the rest of it" });
      }
      ev.dockerfiles.set(f, parsed.info);
    }
  }
  ev.projects = analyzeProjects(files.filter((f) => isMarker(path.basename(f)) || isSourceFile(path.basename(f))), read, rel, scanRoots);

  opts.onProgress?.({ phase: "merge", files: files.length });
  const built = buildRecords(ev, { cwd: opts.cwd, base, config: opts.config, rel });
  for (const s of built.services) {
    if (!s.path || !(s.framework || s.dockerfile || s.compose?.command || s.k8s?.command)) continue;
    const dir = path.resolve(opts.cwd, s.path);
    const own = files.filter((f) => f.startsWith(dir + path.sep));
    const mine = new Set(own);
    const exists = (f: string) => mine.has(f) || isFile(f);
    s.entry = servedEntry(s, { dir, files: own, exists, read, rel, abs: (f) => path.resolve(opts.cwd, f) });
    // No EXPOSE, compose port or code says: the start command's server does (`fastapi run` listens on 8000).
    const step = s.entry.chain[0];
    if (s.port === undefined && s.entry.listenPort !== undefined && step) {
      s.port = s.entry.listenPort;
      s.sources.port = [`${step.file}:${step.line}`];
    }
  }
  const services = foldServedProjects(built.services, opts.cwd);
  for (const s of services) applyWhatRuns(s);
  const folded = new Set(built.services.filter((s) => !services.includes(s)).map((s) => s.name));
  const dependencies = built.dependencies.map((d) => (d.usedBy.some((u) => folded.has(u)) ? { ...d, usedBy: [...new Set(d.usedBy.flatMap((u) => (folded.has(u) ? services.filter((s) => s.aliases?.includes(u)).map((s) => s.name) : [u])))] } : d));
  return { roots: roots.map(rel), services, dependencies, diagnostics, filesScanned: files.length };
}

function wanted(name: string): boolean {
  return COMPOSE_NAME.test(name) || /\.ya?ml$/.test(name) || /\.(sh|bash)$/.test(name) || name === "Procfile" || DOCKERFILE.test(name) || isMarker(name) || isSourceFile(name) || name === "tsconfig.json";
}

export { infraKindOfImage, infraKindOfUrl };
