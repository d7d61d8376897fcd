import { describe, expect, it } from "vitest";
import { cycleBreakers } from "../../src/features/split/breakers.js";
import { stronglyConnected, type UnitGraph } from "../../src/features/split/metrics.js";
import type { SplitEdge } from "../../src/features/split/types.js";

function randomGraph(seed: number): UnitGraph {
  let a = seed >>> 0;
  const rnd = () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 4294967296;
  };
  const n = 2 + Math.floor(rnd() * 30);
  const p = 0.05 + rnd() * 0.4;
  const nodes = Array.from({ length: n }, (_, i) => `pkg${(i * 7919) % 101}_${i}`).sort();
  const out = new Map<string, Map<string, SplitEdge>>(nodes.map((x) => [x, new Map()]));
  for (const from of nodes) {
    for (const to of nodes) {
      if (from !== to && rnd() < p) out.get(from)!.set(to, { from, to, weight: 1 + Math.floor(rnd() * 5), sites: [{ file: `${from}.py`, line: 1, names: [], kind: "import" }] });
    }
  }
  return { nodes, out };
}

function acyclicWithout(g: UnitGraph, cut: Set<string>): boolean {
  const h: UnitGraph = { nodes: g.nodes, out: new Map([...g.out].map(([k, row]) => [k, new Map([...row].filter(([to]) => !cut.has(`${k}>${to}`)))])) };
  return stronglyConnected(h).every((c) => c.length === 1);
}

describe("cycle breakers", () => {
  it("on 300 random package graphs: cutting them leaves no cycle, and every one of them is needed", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const g = randomGraph(seed);
      const breakers = cycleBreakers(g, stronglyConnected(g));
      const cut = new Set(breakers.map((b) => `${b.from}>${b.to}`));
      expect(acyclicWithout(g, cut), `seed ${seed}`).toBe(true);
      for (const b of breakers) {
        const back = new Set(cut);
        back.delete(`${b.from}>${b.to}`);
        expect(acyclicWithout(g, back), `seed ${seed}: ${b.from} → ${b.to} is not needed`).toBe(false);
        expect(b.cost).toBe(g.out.get(b.from)!.get(b.to)!.weight);
      }
      expect(breakers.map((b) => b.cost)).toEqual([...breakers.map((b) => b.cost)].sort((x, y) => x - y));
    }
  });
});
