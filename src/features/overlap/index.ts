import { resolveRoots } from "../discover/roots.js";
import { createHash } from "node:crypto";
import path from "node:path";
import type { Finding, ServiceRecord } from "../../model.js";
import type { FksConfig } from "../../config/schema.js";
import { isDirectory } from "../../io/fs.js";
import { collectSources, type SourceFile } from "./collect.js";
import { groupCopies } from "./copies.js";
import { TokenTable, shingle } from "./fingerprint.js";
import { nearPairs, type Content } from "./match.js";
import { routesServedTwice } from "./routes.js";
import { overlapFindings } from "./findings.js";
import { tokenize } from "./tokens.js";
import type { OverlapResult } from "./types.js";

export interface OverlapOptions {
  cwd: string;
  paths?: string[];
  config?: FksConfig;
  configDir?: string;
  /** Token similarity (0–1) from which two files count as copies; default 0.8. */
  threshold?: number;
  /** Files with fewer non-blank lines are not compared; default 8. */
  minLines?: number;
  /** Leave out the routes served twice (no route extraction). */
  skipRoutes?: boolean;
  onProgress?: (event: { phase: string; done?: number; total?: number }) => void;
}

export const DEFAULT_THRESHOLD = 0.8;
export const DEFAULT_MIN_LINES = 8;

/** `fks audit overlap`: modules copied between services and routes served by more than one. */
export async function auditOverlap(opts: OverlapOptions): Promise<OverlapResult> {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const minLines = opts.minLines ?? DEFAULT_MIN_LINES;
  const roots = resolveRoots(opts);

  opts.onProgress?.({ phase: "discovering services" });
  const { discover } = await import("../discover/index.js");
  const found = await discover({ paths: roots, cwd: opts.cwd, config: opts.config, configDir: opts.configDir });
  const owners = found.services
    .filter((s: ServiceRecord) => !!s.path && isDirectory(path.resolve(opts.cwd, s.path)))
    .map((s: ServiceRecord) => ({ name: s.name, dir: path.resolve(opts.cwd, s.path!) }));

  opts.onProgress?.({ phase: "reading sources" });
  // The route catalog reads the same files: it gets the texts already read instead of reading them again.
  const texts = opts.skipRoutes ? undefined : new Map<string, string>();
  const src = await collectSources(roots, owners, { cwd: opts.cwd, minLines, texts });

  // Identical files (after line-ending and trailing-space normalisation) share one content entry.
  const byHash = new Map<string, { files: SourceFile[]; content?: Content }>();
  for (const f of src.files) {
    const h = createHash("sha1").update(f.text).digest("hex");
    const entry = byHash.get(h);
    if (entry) entry.files.push(f);
    else byHash.set(h, { files: [f] });
  }
  const table = new TokenTable();
  const entries = [...byHash.entries()];
  const contents: Content[] = [];
  for (const [i, [, e]] of entries.entries()) {
    if (i % 500 === 0) opts.onProgress?.({ phase: "fingerprinting", done: i, total: entries.length });
    const tokens = tokenize(e.files[0]!.text, e.files[0]!.lang);
    e.content = { services: new Set(e.files.map((f) => f.service)), tokens, sh: shingle(tokens, table) };
    contents.push(e.content);
  }
  opts.onProgress?.({ phase: "matching", total: contents.length });
  // A folder copied into every service, each copy drifted, puts one fingerprint in as many contents as there are services.
  const serviceCount = new Set(src.files.map((f) => f.service)).size;
  const near = nearPairs(contents, { threshold, maxPosting: Math.max(64, 2 * serviceCount) });
  const copies = groupCopies(
    entries.map(([hash, e]) => ({ hash, files: e.files })),
    near.edges,
  );

  let routes: OverlapResult["routes"] = [];
  let routeCount = 0;
  let probeRoutesIgnored = 0;
  const diagnostics = [...src.diagnostics];
  if (!opts.skipRoutes) {
    opts.onProgress?.({ phase: "reading routes" });
    const { buildCatalog } = await import("../routes/catalog.js");
    const cat = await buildCatalog({ cwd: opts.cwd, paths: roots, config: opts.config, configDir: opts.configDir, discovered: found.services, texts });
    const twice = routesServedTwice(cat.routes);
    routes = twice.routes;
    probeRoutesIgnored = twice.probeRoutesIgnored;
    routeCount = cat.routes.length;
    diagnostics.push(...cat.diagnostics.filter((d) => d.severity !== "note"));
  }

  const findings: Finding[] = overlapFindings(copies, routes);
  const used = new Map<string, string>();
  for (const o of [...owners, ...src.owners]) if (!used.has(o.name)) used.set(o.name, path.relative(opts.cwd, o.dir) || ".");
  return {
    roots: roots.map((r) => path.relative(opts.cwd, r) || "."),
    services: [...used].map(([name, dir]) => ({ name, dir })).sort((a, b) => a.name.localeCompare(b.name)),
    copies,
    routes,
    findings,
    diagnostics,
    stats: {
      files: src.walked,
      compared: src.files.length,
      skipped: src.skipped,
      distinct: contents.length,
      candidates: near.stats.candidates,
      verified: near.stats.verified,
      routes: routeCount,
      probeRoutesIgnored,
    },
  };
}

export { OVERLAP_RULES, type OverlapResult, type CopiedFolder, type CopiedFile, type RouteServedTwice } from "./types.js";
