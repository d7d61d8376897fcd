import type { CallEdge, CallGraph, OutboundCall } from "./types.js";

/** Service call graph: one edge per caller → callee pair, safety summarised over its calls. */
export function buildGraph(services: string[], calls: OutboundCall[]): CallGraph {
  const edges = new Map<string, CallEdge>();
  for (const c of calls) {
    if (!c.target.service) continue;
    const key = `${c.service}\0${c.target.service}`;
    const e = edges.get(key) ?? { from: c.service, to: c.target.service, calls: [], safety: { timeout: true, retry: true, breaker: true, trace: true } };
    e.calls.push(c);
    e.safety.timeout &&= !!c.timeout;
    e.safety.retry &&= !!c.retry && c.retry.bounded && c.retry.backoff;
    e.safety.breaker &&= !!c.breaker;
    e.safety.trace &&= !!c.trace;
    edges.set(key, e);
  }
  const list = [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const names = [...new Set([...services, ...list.flatMap((e) => [e.from, e.to])])].sort();
  return {
    services: names,
    edges: list,
    external: calls.filter((c) => c.target.external),
    unresolved: calls.filter((c) => c.target.unresolved),
    cycles: cycles(names, list.filter((e) => e.calls.some((c) => !c.background))),
  };
}

/** Strongly connected components (Tarjan) with more than one service, or a service calling itself. */
function cycles(names: string[], edges: CallEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (next.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const n of names) if (!idx.has(n)) visit(n);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
