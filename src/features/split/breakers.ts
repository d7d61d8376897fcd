import type { UnitGraph } from "./metrics.js";
import type { Breaker } from "./types.js";
import { byText } from "../../text-order.js";

/**
 * Weighted feedback arc set by Eades–Lin–Smyth inside each strongly connected component:
 * peel sinks and sources, otherwise take the unit with the largest out-minus-in weight; edges that
 * point backwards in the resulting order break every cycle. A second pass puts back any of them
 * that no longer closes a cycle, so the set stays minimal. Units are numbered in name order inside
 * a component, so the many reachability checks of a dense package graph touch no strings.
 */
export function cycleBreakers(g: UnitGraph, components: string[][]): Breaker[] {
  const result: Breaker[] = [];
  for (const comp of components) {
    if (comp.length < 2) continue;
    const names = [...comp].sort();
    const n = names.length;
    const index = new Map(names.map((v, i) => [v, i]));
    const succ: number[][] = [];
    const weight: number[][] = [];
    for (let i = 0; i < n; i++) {
      const s: number[] = [], w: number[] = [];
      for (const [b, e] of g.out.get(names[i]!)!) {
        const j = index.get(b);
        if (j === undefined || j === i) continue;
        s.push(j);
        w.push(e.weight);
      }
      succ.push(s);
      weight.push(w);
    }
    const pos = elsPositions(n, succ, weight);
    const removed: Array<{ from: number; to: number; weight: number }> = [];
    for (let i = 0; i < n; i++) {
      succ[i]!.forEach((j, k) => {
        if (pos[j]! < pos[i]!) removed.push({ from: i, to: j, weight: weight[i]![k]! });
      });
    }
    // Put back the heaviest edges first when they no longer close a cycle.
    removed.sort((x, y) => y.weight - x.weight || byText(names[x.from]!, names[y.from]!) || byText(names[x.to]!, names[y.to]!));
    const cut = new Set(removed.map((r) => r.from * n + r.to));
    const seen = new Uint8Array(n);
    for (const r of removed) {
      cut.delete(r.from * n + r.to);
      if (reaches(succ, cut, seen, r.to, r.from)) cut.add(r.from * n + r.to);
    }
    for (const r of removed) {
      if (!cut.has(r.from * n + r.to)) continue;
      const from = names[r.from]!, to = names[r.to]!;
      const e = g.out.get(from)!.get(to)!;
      result.push({ from, to, cost: e.weight, sites: [...e.sites].sort((x, y) => byText(x.file, y.file) || x.line - y.line), cycleSize: comp.length });
    }
  }
  return result.sort((a, b) => a.cost - b.cost || b.cycleSize - a.cycleSize || byText(a.from, b.from));
}

/** Position of each unit in the Eades–Lin–Smyth order; ties go to the first unit in name order. */
function elsPositions(n: number, succ: number[][], weight: number[][]): Int32Array {
  const alive = new Uint8Array(n).fill(1);
  let left = n;
  const outW = new Float64Array(n), inW = new Float64Array(n);
  const preds: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
  for (let a = 0; a < n; a++) {
    succ[a]!.forEach((b, k) => {
      const w = weight[a]![k]!;
      outW[a]! += w;
      inW[b]! += w;
      preds[b]!.push([a, w]);
    });
  }
  const s1: number[] = [], s2: number[] = [];
  const remove = (v: number) => {
    alive[v] = 0;
    left--;
    succ[v]!.forEach((b, k) => {
      if (alive[b]) inW[b]! -= weight[v]![k]!;
    });
    for (const [a, w] of preds[v]!) if (alive[a]) outW[a]! -= w;
  };
  while (left > 0) {
    let changed = true;
    while (changed) {
      changed = false;
      for (let v = 0; v < n; v++) {
        if (!alive[v]) continue;
        if (outW[v] === 0) { s2.push(v); remove(v); changed = true; }
        else if (inW[v] === 0) { s1.push(v); remove(v); changed = true; }
      }
    }
    if (left === 0) break;
    let best = -1, bestD = -Infinity;
    for (let v = 0; v < n; v++) {
      if (!alive[v]) continue;
      const d = outW[v]! - inW[v]!;
      if (d > bestD) { bestD = d; best = v; }
    }
    s1.push(best);
    remove(best);
  }
  const pos = new Int32Array(n);
  s1.forEach((v, i) => (pos[v] = i));
  // Sinks were peeled last-first: the first one peeled goes to the very end.
  s2.forEach((v, i) => (pos[v] = n - 1 - i));
  return pos;
}

function reaches(succ: number[][], cut: Set<number>, seen: Uint8Array, from: number, to: number): boolean {
  const n = succ.length;
  seen.fill(0);
  seen[from] = 1;
  const stack = [from];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === to) return true;
    for (const w of succ[v]!) {
      if (seen[w] || cut.has(v * n + w)) continue;
      seen[w] = 1;
      stack.push(w);
    }
  }
  return false;
}
