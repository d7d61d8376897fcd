import { round } from "./metrics.js";
import type { PartitionMetrics, SplitEdge } from "./types.js";

/** Cluster-size bounds for NED (non-extreme distribution), as in Mono2Micro's evaluation. */
export const NED_MIN = 5;
export const NED_MAX = 20;

/** Partition quality on the module graph; `clusterOf` maps each module to its cluster. */
export function partitionMetrics(modules: string[], edges: SplitEdge[], clusterOf: Map<string, string>, reference: Map<string, string>): PartitionMetrics {
  const size = new Map<string, number>();
  for (const m of modules) size.set(clusterOf.get(m)!, (size.get(clusterOf.get(m)!) ?? 0) + 1);
  const clusters = [...size.keys()];
  const mu = new Map<string, number>();
  const eps = new Map<string, number>(); // crossing weight touching each cluster
  const between = new Map<string, number>(); // unordered pair → weight
  const interfaceMods = new Map<string, Set<string>>();
  let total = 0, inter = 0;
  for (const e of edges) {
    const a = clusterOf.get(e.from), b = clusterOf.get(e.to);
    if (a === undefined || b === undefined) continue;
    total += e.weight;
    if (a === b) {
      mu.set(a, (mu.get(a) ?? 0) + e.weight);
      continue;
    }
    inter += e.weight;
    eps.set(a, (eps.get(a) ?? 0) + e.weight);
    eps.set(b, (eps.get(b) ?? 0) + e.weight);
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    between.set(key, (between.get(key) ?? 0) + e.weight);
    let s = interfaceMods.get(b);
    if (!s) interfaceMods.set(b, (s = new Set()));
    s.add(e.to);
  }
  let mq = 0;
  for (const c of clusters) {
    const m = mu.get(c) ?? 0;
    if (m > 0) mq += (2 * m) / (2 * m + (eps.get(c) ?? 0));
  }
  const k = clusters.length;
  let coh = 0;
  for (const c of clusters) coh += (mu.get(c) ?? 0) / size.get(c)! ** 2;
  let cop = 0;
  for (const [key, w] of between) {
    const [a, b] = key.split("\u0000") as [string, string];
    cop += w / (2 * size.get(a)! * size.get(b)!);
  }
  const sm = k === 0 ? 0 : coh / k - (k > 1 ? cop / ((k * (k - 1)) / 2) : 0);
  let ifn = 0;
  for (const c of clusters) ifn += interfaceMods.get(c)?.size ?? 0;
  let nonExtreme = 0;
  for (const c of clusters) {
    const s = size.get(c)!;
    if (s >= NED_MIN && s <= NED_MAX) nonExtreme += s;
  }
  return {
    mq: round(mq),
    sm: round(sm),
    icp: total === 0 ? 0 : round(inter / total),
    ifn: k === 0 ? 0 : round(ifn / k),
    ned: modules.length === 0 ? 0 : round(1 - nonExtreme / modules.length),
    mojofmVsPackages: round(mojoFM(clusterOf, reference), 1),
  };
}

/**
 * MoJoFM (Wen & Tzerpos): 100 × (1 − mno(A,B) / max mno(∀A,B)), where mno counts the Move and
 * Join operations that turn partition A into B. Each cluster of A is tagged with a B cluster it
 * overlaps most; ties are settled by a maximum matching so as many B clusters as possible are used.
 */
export function mojoFM(a: Map<string, string>, b: Map<string, string>): number {
  const objs = [...a.keys()].filter((o) => b.has(o));
  const n = objs.length;
  if (n === 0) return 100;
  const overlap = new Map<string, Map<string, number>>();
  const bSizes = new Map<string, number>();
  for (const o of objs) {
    const ca = a.get(o)!, cb = b.get(o)!;
    let row = overlap.get(ca);
    if (!row) overlap.set(ca, (row = new Map()));
    row.set(cb, (row.get(cb) ?? 0) + 1);
    bSizes.set(cb, (bSizes.get(cb) ?? 0) + 1);
  }
  let moves = 0;
  const best = new Map<string, string[]>();
  for (const [ca, row] of overlap) {
    let max = 0, sizeA = 0;
    for (const v of row.values()) {
      sizeA += v;
      if (v > max) max = v;
    }
    moves += sizeA - max;
    best.set(ca, [...row].filter(([, v]) => v === max).map(([cb]) => cb));
  }
  const g = maxMatching(best);
  const joins = overlap.size - g;
  const mno = moves + joins;
  let largestB = 0;
  for (const s of bSizes.values()) largestB = Math.max(largestB, s);
  const maxMno = Math.max(n - bSizes.size, n - largestB);
  if (maxMno === 0) return 100;
  return 100 * (1 - Math.min(1, mno / maxMno));
}

/** Kuhn's augmenting paths; small inputs (clusters, not modules). */
function maxMatching(adj: Map<string, string[]>): number {
  const matchOf = new Map<string, string>();
  const tryAssign = (u: string, seen: Set<string>): boolean => {
    for (const v of adj.get(u) ?? []) {
      if (seen.has(v)) continue;
      seen.add(v);
      const cur = matchOf.get(v);
      if (cur === undefined || tryAssign(cur, seen)) {
        matchOf.set(v, u);
        return true;
      }
    }
    return false;
  };
  let count = 0;
  for (const u of adj.keys()) if (tryAssign(u, new Set())) count++;
  return count;
}
