import type { UnitGraph } from "./metrics.js";
import type { Breaker } from "./types.js";

/**
 * Weighted feedback arc set by Eades–Lin–Smyth inside each strongly connected component:
 * peel sinks and sources, otherwise take the unit with the largest out-minus-in weight; edges that
 * point backwards in the resulting order break every cycle. A second pass puts back any of them
 * that no longer closes a cycle, so the set stays minimal.
 */
export function cycleBreakers(g: UnitGraph, components: string[][]): Breaker[] {
  const result: Breaker[] = [];
  for (const comp of components) {
    if (comp.length < 2) continue;
    const inComp = new Set(comp);
    const order = elsOrder(g, comp, inComp);
    const pos = new Map(order.map((v, i) => [v, i]));
    const removed: Array<{ from: string; to: string; weight: number }> = [];
    for (const a of comp) {
      for (const [b, e] of g.out.get(a)!) if (inComp.has(b) && pos.get(b)! < pos.get(a)!) removed.push({ from: a, to: b, weight: e.weight });
    }
    // Put back the heaviest edges first when they no longer close a cycle.
    removed.sort((x, y) => y.weight - x.weight || x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
    const cut = new Set(removed.map((r) => `${r.from}\u0000${r.to}`));
    for (const r of removed) {
      cut.delete(`${r.from}\u0000${r.to}`);
      if (reaches(g, inComp, cut, r.to, r.from)) cut.add(`${r.from}\u0000${r.to}`);
    }
    for (const r of removed) {
      if (!cut.has(`${r.from}\u0000${r.to}`)) continue;
      const e = g.out.get(r.from)!.get(r.to)!;
      result.push({ from: r.from, to: r.to, cost: e.weight, sites: [...e.sites].sort((x, y) => x.file.localeCompare(y.file) || x.line - y.line), cycleSize: comp.length });
    }
  }
  return result.sort((a, b) => a.cost - b.cost || b.cycleSize - a.cycleSize || a.from.localeCompare(b.from));
}

function elsOrder(g: UnitGraph, comp: string[], inComp: Set<string>): string[] {
  const alive = new Set(comp);
  const outW = new Map<string, number>(), inW = new Map<string, number>();
  const preds = new Map<string, Map<string, number>>();
  for (const v of comp) {
    outW.set(v, 0);
    inW.set(v, 0);
    preds.set(v, new Map());
  }
  for (const a of comp) {
    for (const [b, e] of g.out.get(a)!) {
      if (!inComp.has(b) || a === b) continue;
      outW.set(a, outW.get(a)! + e.weight);
      inW.set(b, inW.get(b)! + e.weight);
      preds.get(b)!.set(a, e.weight);
    }
  }
  const s1: string[] = [], s2: string[] = [];
  // Sorted once: the scans below visit units in name order so the result is deterministic.
  const sorted = [...comp].sort();
  const remove = (v: string) => {
    alive.delete(v);
    for (const [b, e] of g.out.get(v)!) if (alive.has(b)) inW.set(b, inW.get(b)! - e.weight);
    for (const [a, w] of preds.get(v)!) if (alive.has(a)) outW.set(a, outW.get(a)! - w);
  };
  while (alive.size > 0) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const v of sorted) {
        if (!alive.has(v)) continue;
        if (outW.get(v) === 0) { s2.unshift(v); remove(v); changed = true; }
        else if (inW.get(v) === 0) { s1.push(v); remove(v); changed = true; }
      }
    }
    if (alive.size === 0) break;
    let best = "", bestD = -Infinity;
    for (const v of sorted) {
      if (!alive.has(v)) continue;
      const d = outW.get(v)! - inW.get(v)!;
      if (d > bestD) { bestD = d; best = v; }
    }
    s1.push(best);
    remove(best);
  }
  return [...s1, ...s2];
}

function reaches(g: UnitGraph, inComp: Set<string>, cut: Set<string>, from: string, to: string): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === to) return true;
    for (const w of g.out.get(v)!.keys()) {
      if (!inComp.has(w) || seen.has(w) || cut.has(`${v}\u0000${w}`)) continue;
      seen.add(w);
      stack.push(w);
    }
  }
  return false;
}
