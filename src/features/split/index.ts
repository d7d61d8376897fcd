import path from "node:path";
import { performance } from "node:perf_hooks";
import { FksError } from "../../errors.js";
import { isDirectory } from "../../io/fs.js";
import { cycleBreakers } from "./breakers.js";
import { buildImportGraph } from "./graph.js";
import { collapse, cyclesOf, packageOf, stronglyConnected, unitMetrics } from "./metrics.js";
import type { SplitEdge, SplitModule, SplitResult } from "./types.js";

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
  parser?: "scanner" | "tree-sitter";
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
  const graph = await buildImportGraph({ root, includeTypeOnly: opts.includeTypeOnly, cacheDir: opts.cacheDir, env: opts.env, parser: opts.parser, maxFileBytes: opts.maxFileBytes, exclude: opts.exclude, includeTests: opts.includeTests });
  Object.assign(timings, graph.timings);
  t = performance.now();
  if (graph.modules.length === 0) {
    throw new FksError(`no Python, TypeScript/JavaScript or Rust files in ${opts.path}`, { hint: graph.notes.find((n) => n.kind === "info")?.message ?? "point split-plan at the monolith's source folder" });
  }
  const depth = opts.depth ?? autoDepth(graph.modules, graph.edges);
  const modById = new Map(graph.modules.map((m) => [m.id, m]));
  const pkgMemo = new Map<string, string>();
  const pkg = (id: string) => {
    let p = pkgMemo.get(id);
    if (p === undefined) pkgMemo.set(id, (p = packageOf(modById.get(id)!, depth)));
    return p;
  };
  const moduleGraph = collapse(graph.modules, graph.edges, (id) => id);
  const packageGraph = collapse(graph.modules, graph.edges, pkg);
  const modules = unitMetrics(moduleGraph, graph.modules, (id) => id);
  const packages = unitMetrics(packageGraph, graph.modules, pkg);
  const cycles = { modules: cyclesOf(moduleGraph), packages: cyclesOf(packageGraph) };
  const breakers = cycleBreakers(packageGraph, stronglyConnected(packageGraph));
  lap("metrics");
  const packageClusters = new Map(graph.modules.map((m) => [m.id, pkg(m.id)]));
  const { partitionMetrics } = await import("./partition.js");
  const packagePartition = partitionMetrics(graph.modules.map((m) => m.id), graph.edges, packageClusters, packageClusters);
  const base: SplitResult = {
    root, depth, graph, modules, packages, cycles, breakers, candidates: [], partition: packagePartition, packagePartition, plan: [], timings,
  };
  if (opts.graphOnly) return base;

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
