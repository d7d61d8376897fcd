import { byText } from "../../text-order.js";
import type { Cycle, ImportSite, ModuleMetrics, SplitEdge, SplitModule } from "./types.js";

/** A weighted directed graph over units (modules or packages) with the import sites behind each edge. */
export interface UnitGraph {
  nodes: string[];
  /** from → to → edge */
  out: Map<string, Map<string, SplitEdge>>;
}

/**
 * The package of a module at a depth: its first `depth` segments, but never a plain module itself
 * unless it is top-level. A package's own module (`shop/api/__init__.py`) belongs to that package.
 */
export function packageOf(m: Pick<SplitModule, "segments" | "isPackage">, depth: number): string {
  const n = Math.min(depth, m.isPackage ? m.segments.length : Math.max(1, m.segments.length - 1));
  return m.segments.slice(0, n).join(".");
}

/** Marks the modules other modules live under, whatever the language calls them. */
export function markPackages(modules: SplitModule[]): void {
  const parents = new Set<string>();
  for (const m of modules) for (let i = 1; i < m.segments.length; i++) parents.add(m.segments.slice(0, i).join("\u0000"));
  for (const m of modules) if (parents.has(m.segments.join("\u0000"))) m.isPackage = true;
}

/** Collapses module edges onto units; edges inside a unit disappear. */
export function collapse(modules: SplitModule[], edges: SplitEdge[], unitOf: (id: string) => string): UnitGraph {
  const nodes = [...new Set(modules.map((m) => unitOf(m.id)))].sort();
  const out = new Map<string, Map<string, SplitEdge>>();
  for (const n of nodes) out.set(n, new Map());
  for (const e of edges) {
    const a = unitOf(e.from), b = unitOf(e.to);
    if (a === b) continue;
    const row = out.get(a)!;
    let u = row.get(b) as UnitEdge | undefined;
    if (!u) row.set(b, (u = new UnitEdge(a, b)));
    u.add(e);
  }
  return { nodes, out };
}

/**
 * An edge between units. Its import sites are gathered from the module edges behind it when first
 * read: only the edges a cycle breaker cuts are ever asked, and copying the sites of every package
 * edge up front was most of the cost of the package graph.
 */
class UnitEdge implements SplitEdge {
  weight = 0;
  private readonly parts: SplitEdge[] = [];
  private gathered: ImportSite[] | undefined;

  constructor(readonly from: string, readonly to: string) {}

  add(e: SplitEdge): void {
    this.parts.push(e);
    this.weight += e.weight;
  }

  /** A module edge from the unit itself lends its sites; one from inside a unit names its modules. */
  get sites(): ImportSite[] {
    if (!this.gathered) {
      const own = (e: SplitEdge) => (e.from === this.from ? e.sites : e.sites.map((site) => ({ ...site, from: e.from, to: e.to })));
      this.gathered = this.parts.length === 1 ? own(this.parts[0]!) : this.parts.flatMap(own);
    }
    return this.gathered;
  }
}

export function unitMetrics(g: UnitGraph, modules: SplitModule[], unitOf: (id: string) => string): ModuleMetrics[] {
  const loc = new Map<string, number>();
  const count = new Map<string, number>();
  for (const m of modules) {
    const u = unitOf(m.id);
    loc.set(u, (loc.get(u) ?? 0) + m.loc);
    count.set(u, (count.get(u) ?? 0) + 1);
  }
  const fanIn = new Map<string, number>();
  const ca = new Map<string, number>();
  // forEach, not for…of over entries: a cold process allocates an entry pair per edge for those.
  g.out.forEach((row) => {
    row.forEach((e, to) => {
      fanIn.set(to, (fanIn.get(to) ?? 0) + e.weight);
      ca.set(to, (ca.get(to) ?? 0) + 1);
    });
  });
  return g.nodes.map((id) => {
    const row = g.out.get(id)!;
    let fanOut = 0;
    row.forEach((e) => (fanOut += e.weight));
    const ce = row.size;
    const a = ca.get(id) ?? 0;
    return {
      id,
      loc: loc.get(id) ?? 0,
      modules: count.get(id) ?? 0,
      fanIn: fanIn.get(id) ?? 0,
      fanOut,
      ca: a,
      ce,
      instability: a + ce === 0 ? 0 : round(ce / (a + ce)),
    };
  });
}

/** Tarjan's strongly connected components, iterative so deep graphs cannot overflow the stack. */
export function stronglyConnected(g: UnitGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  for (const start of g.nodes) {
    if (index.has(start)) continue;
    const work: Array<{ v: string; it: Iterator<string> }> = [];
    const push = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, it: g.out.get(v)!.keys() });
    };
    push(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const r = top.it.next();
      if (!r.done) {
        const w = r.value;
        if (!index.has(w)) push(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        out.push(comp.sort());
      }
    }
  }
  return out;
}

export function cyclesOf(g: UnitGraph): Cycle[] {
  return stronglyConnected(g)
    .filter((c) => c.length > 1)
    .map((members) => {
      const set = new Set(members);
      let edges = 0;
      for (const m of members) for (const to of g.out.get(m)!.keys()) if (set.has(to)) edges++;
      return { members, size: members.length, edges };
    })
    .sort((a, b) => b.size - a.size || byText(a.members[0]!, b.members[0]!));
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
