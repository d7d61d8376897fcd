import type { SplitEdge, SplitModule } from "./types.js";
import { byText } from "../../text-order.js";

export interface ClusterOptions {
  /** Wanted number of clusters; communities are merged or split to reach it. */
  target?: number;
  /** Weight of the package-tree prior between modules of the same package (0 = pure Louvain). */
  packagePrior?: number;
  packageOf: (id: string) => string;
  seed?: number;
}

/**
 * Louvain communities on the undirected, weighted module graph, seeded by the package tree: modules
 * of one package are tied by a light edge so that, without imports saying otherwise, they stay
 * together. Deterministic for a given graph (seeded random order).
 */
export async function clusterModules(modules: SplitModule[], edges: SplitEdge[], opts: ClusterOptions): Promise<Map<string, string>> {
  // Both packages are CommonJS; under NodeNext their default export is the module object itself.
  const Graph = (await import("graphology")).default as unknown as GraphCtor;
  const louvain = (await import("graphology-communities-louvain")).default as unknown as Louvain;
  const ids = modules.map((m) => m.id).sort();
  const prior = opts.packagePrior ?? 0.5;
  const run = (resolution: number, subset: string[]): Map<string, string> => {
    const g = new Graph({ type: "undirected", allowSelfLoops: false });
    const inSet = new Set(subset);
    for (const id of subset) g.addNode(id);
    const addW = (a: string, b: string, w: number) => {
      if (a === b || !inSet.has(a) || !inSet.has(b)) return;
      const key = a < b ? `${a}|${b}` : `${b}|${a}`;
      if (g.hasEdge(key)) g.updateEdgeAttribute(key, "weight", (x: number | undefined) => (x ?? 0) + w);
      else g.addUndirectedEdgeWithKey(key, a, b, { weight: w });
    };
    for (const e of edges) addW(e.from, e.to, e.weight);
    if (prior > 0) {
      const byPkg = new Map<string, string[]>();
      for (const id of subset) {
        const p = opts.packageOf(id);
        byPkg.set(p, [...(byPkg.get(p) ?? []), id]);
      }
      for (const members of byPkg.values()) for (let i = 1; i < members.length; i++) addW(members[0]!, members[i]!, prior);
    }
    if (g.size === 0) return new Map(subset.map((id) => [id, opts.packageOf(id)]));
    const communities = louvain(g, { getEdgeWeight: "weight", resolution, rng: mulberry32(opts.seed ?? 42) });
    return new Map(subset.map((id) => [id, `c${communities[id]}`]));
  };
  let clusters = canonical(run(1, ids));
  const target = opts.target;
  if (target && target > 0) {
    // Too few: raise the resolution until Louvain splits enough, then merge down exactly.
    for (let res = 1.5; countOf(clusters) < target && res <= 16; res *= 1.5) clusters = canonical(run(res, ids));
    while (countOf(clusters) > target) clusters = mergeClosest(clusters, edges, modules);
  }
  return clusters;
}

type GraphCtor = new (o: { type: "undirected"; allowSelfLoops: boolean }) => {
  addNode(id: string): void;
  hasEdge(key: string): boolean;
  updateEdgeAttribute(key: string, name: string, fn: (x: number | undefined) => number): void;
  addUndirectedEdgeWithKey(key: string, a: string, b: string, attrs: { weight: number }): void;
  size: number;
};
type Louvain = (g: InstanceType<GraphCtor>, o: { getEdgeWeight: string; resolution: number; rng: () => number }) => Record<string, number>;

function countOf(c: Map<string, string>): number {
  return new Set(c.values()).size;
}

/** Renames clusters c1, c2, … by size (largest first) so output is stable. */
function canonical(c: Map<string, string>): Map<string, string> {
  const members = new Map<string, string[]>();
  for (const [id, k] of c) members.set(k, [...(members.get(k) ?? []), id]);
  const order = [...members.entries()].sort((a, b) => b[1].length - a[1].length || byText(a[1].sort()[0]!, b[1].sort()[0]!));
  const rename = new Map(order.map(([k], i) => [k, `c${i + 1}`]));
  return new Map([...c].map(([id, k]) => [id, rename.get(k)!]));
}

/** Merges the smallest cluster into the one it shares most import weight with. */
function mergeClosest(c: Map<string, string>, edges: SplitEdge[], modules: SplitModule[]): Map<string, string> {
  const loc = new Map<string, number>();
  for (const m of modules) loc.set(c.get(m.id)!, (loc.get(c.get(m.id)!) ?? 0) + Math.max(1, m.loc));
  const smallest = [...loc.entries()].sort((a, b) => a[1] - b[1] || byText(a[0], b[0]))[0]![0];
  const w = new Map<string, number>();
  for (const e of edges) {
    const a = c.get(e.from), b = c.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    if (a === smallest) w.set(b, (w.get(b) ?? 0) + e.weight);
    if (b === smallest) w.set(a, (w.get(a) ?? 0) + e.weight);
  }
  const into = [...w.entries()].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))[0]?.[0]
    ?? [...loc.entries()].filter(([k]) => k !== smallest).sort((a, b) => a[1] - b[1])[0]![0];
  return canonical(new Map([...c].map(([id, k]) => [id, k === smallest ? into : k])));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
