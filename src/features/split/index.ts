import path from "node:path";
import { performance } from "node:perf_hooks";
import { FksError } from "../../errors.js";
import { isDirectory } from "../../io/fs.js";
import { cycleBreakers } from "./breakers.js";
import { cacheNote, openGraphCache } from "./cache.js";
import { buildImportGraphKeyed, type PythonParser } from "./graph.js";
import { collapse, cyclesOf, packageOf, stronglyConnected, unitMetrics } from "./metrics.js";
import type { Breaker, Cycle, ModuleMetrics, PartitionMetrics, SplitEdge, SplitModule, SplitResult } from "./types.js";

export type * from "./types.js";

export interface SplitOptions {
  /** Folder to analyse. */
  path: string;
  cwd?: string;
  /** Package depth for package metrics, cycles and breakers (default: the first depth with two packages). */
  depth?: number;
  /** Wanted number of modules after the split. */
  target?: number;
  includeTypeOnly?: boolean;
  /** Keep test code in the graph (left out by default). */
  includeTests?: boolean;
  cacheDir?: string | false;
  env?: Record<string, string | undefined>;
  parser?: PythonParser;
  maxFileBytes?: number;
  /** Path patterns (relative, forward slashes) left out of the graph. */
  exclude?: RegExp[];
  /** Stop after graph and metrics (no clustering or plan): the fast path for --check. */
  graphOnly?: boolean;
}

export async function splitPlan(opts: SplitOptions): Promise<SplitResult> {
  const root = path.resolve(opts.cwd ?? process.cwd(), opts.path);
  if (!isDirectory(root)) throw new FksError(`not a folder: ${opts.path}`, { hint: "pass the folder that holds the monolith's source, e.g. fks split-plan src/" });
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round((now - t) * 10) / 10;
    t = now;
  };
  const { graph, key } = await buildImportGraphKeyed({ root, includeTypeOnly: opts.includeTypeOnly, cacheDir: opts.cacheDir, env: opts.env, parser: opts.parser, maxFileBytes: opts.maxFileBytes, exclude: opts.exclude, includeTests: opts.includeTests });
  Object.assign(timings, graph.timings);
  t = performance.now();
  if (graph.modules.length === 0) {
    throw new FksError(`no Python, TypeScript/JavaScript or Rust files in ${opts.path}`, { hint: graph.notes.find((n) => n.kind === "info")?.message ?? "point split-plan at the monolith's source folder" });
  }
  // Metrics depend on the graph and the depth alone: a warm run takes them from the cache too.
  const metricsCache = key ? openGraphCache<GraphMetrics>(key.dir, root, isGraphMetrics, ".metrics") : undefined;
  const metricsKey = key ? `${key.stamp}:${opts.depth ?? "auto"}` : "";
  let metrics = metricsCache?.get(metricsKey);
  const damage = metricsCache && cacheNote(metricsCache.state);
  if (damage && !graph.notes.some((n) => n.message === damage)) graph.notes.push({ file: "", message: damage, kind: "info" });
  if (!metrics) {
    metrics = await graphMetrics(graph.modules, graph.edges, opts.depth);
    await metricsCache?.save(metricsKey, metrics);
  }
  const { depth, modules, packages, cycles, breakers, packagePartition } = metrics;
  lap("metrics");
  const base: SplitResult = {
    root, depth, graph, modules, packages, cycles, breakers, candidates: [], partition: packagePartition, packagePartition, plan: [], timings,
  };
  if (opts.graphOnly) return base;
  const pkg = packageNamer(graph.modules, depth);
  const packageClusters = new Map(graph.modules.map((m) => [m.id, pkg(m.id)]));
  const { partitionMetrics } = await import("./partition.js");

  const { clusterModules } = await import("./cluster.js");
  const { describeCandidates } = await import("./candidates.js");
  const { buildPlan } = await import("./plan.js");
  const clusterOf = await clusterModules(graph.modules, graph.edges, { target: opts.target, packageOf: pkg });
  const candidates = describeCandidates(graph.modules, graph.edges, clusterOf, pkg);
  const named = new Map(candidates.flatMap((c) => c.modules.map((m) => [m, c.name] as const)));
  const partition = partitionMetrics(graph.modules.map((m) => m.id), graph.edges, named, packageClusters);
  lap("clusters");
  // Cycles between candidates that the package-level cuts leave: an extraction order needs them cut too.
  const home = (id: string) => named.get(id)!;
  const cutPairs = new Set(breakers.map((b) => `${b.from}\u0000${b.to}`));
  const left = graph.edges.filter((e) => !cutPairs.has(`${pkg(e.from)}\u0000${pkg(e.to)}`) || home(e.from) === home(e.to));
  const candidateGraph = collapse(graph.modules, left, home);
  const candidateBreakers = cycleBreakers(candidateGraph, stronglyConnected(candidateGraph));
  const plan = buildPlan(breakers, candidates, candidateBreakers);
  lap("plan");
  return { ...base, candidates, partition, plan };
}

/** What split-plan computes from the graph before any clustering. */
interface GraphMetrics {
  depth: number;
  modules: ModuleMetrics[];
  packages: ModuleMetrics[];
  cycles: { modules: Cycle[]; packages: Cycle[] };
  breakers: Breaker[];
  packagePartition: PartitionMetrics;
}

async function graphMetrics(mods: SplitModule[], edges: SplitEdge[], wanted: number | undefined): Promise<GraphMetrics> {
  const depth = wanted ?? autoDepth(mods, edges);
  const pkg = packageNamer(mods, depth);
  const moduleGraph = collapse(mods, edges, (id) => id);
  const packageGraph = collapse(mods, edges, pkg);
  const modules = unitMetrics(moduleGraph, mods, (id) => id);
  const packages = unitMetrics(packageGraph, mods, pkg);
  const cycles = { modules: cyclesOf(moduleGraph), packages: cyclesOf(packageGraph) };
  const breakers = cycleBreakers(packageGraph, stronglyConnected(packageGraph));
  const packageClusters = new Map(mods.map((m) => [m.id, pkg(m.id)]));
  const { partitionMetrics } = await import("./partition.js");
  const packagePartition = partitionMetrics(mods.map((m) => m.id), edges, packageClusters, packageClusters);
  return { depth, modules, packages, cycles, breakers, packagePartition };
}

function isGraphMetrics(v: unknown): v is GraphMetrics {
  const m = v as GraphMetrics;
  return !!m && typeof m.depth === "number" && Array.isArray(m.modules) && Array.isArray(m.packages) && !!m.cycles && Array.isArray(m.cycles.modules)
    && Array.isArray(m.cycles.packages) && Array.isArray(m.breakers) && !!m.packagePartition && typeof m.packagePartition.mq === "number";
}

/** A module's package at a depth, memoised: the clustering asks for the same modules many times. */
function packageNamer(mods: SplitModule[], depth: number): (id: string) => string {
  const modById = new Map(mods.map((m) => [m.id, m]));
  const memo = new Map<string, string>();
  return (id) => {
    let p = memo.get(id);
    if (p === undefined) memo.set(id, (p = packageOf(modById.get(id)!, depth)));
    return p;
  };
}

/**
 * The shallowest depth at which the code falls into at least two packages, no package holds
 * nearly everything (a lone stray module beside one huge package is no partition to measure), and
 * some imports cross packages (a Python backend beside its TypeScript front end shares none).
 */
function autoDepth(modules: SplitModule[], edges: SplitEdge[]): number {
  let fallback: number | undefined;
  let sized: number | undefined;
  for (let d = 1; d <= 6; d++) {
    const sizes = new Map<string, number>();
    const at = new Map<string, string>();
    for (const m of modules) {
      const p = packageOf(m, d);
      at.set(m.id, p);
      sizes.set(p, (sizes.get(p) ?? 0) + 1);
    }
    if (sizes.size < 2) continue;
    fallback ??= d;
    if (Math.max(...sizes.values()) > 0.8 * modules.length) continue;
    sized ??= d;
    let crossing = 0;
    for (const e of edges) if (at.get(e.from) !== at.get(e.to)) crossing += e.weight;
    if (crossing > 0) return d;
  }
  return sized ?? fallback ?? 1;
}
