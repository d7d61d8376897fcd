import type { Candidate, SplitEdge, SplitModule } from "./types.js";
import { byText } from "../../text-order.js";

/** Describes each cluster as a module-to-be: size, cut cost, interface and what it carries along. */
export function describeCandidates(modules: SplitModule[], edges: SplitEdge[], clusterOf: Map<string, string>, packageOf: (id: string) => string): Candidate[] {
  const byCluster = new Map<string, SplitModule[]>();
  for (const m of modules) {
    const c = clusterOf.get(m.id)!;
    byCluster.set(c, [...(byCluster.get(c) ?? []), m]);
  }
  const names = new Map<string, string>();
  const used = new Map<string, number>();
  for (const [c, ms] of [...byCluster].sort((a, b) => b[1].length - a[1].length || byText(a[0], b[0]))) {
    const count = new Map<string, number>();
    for (const m of ms) count.set(packageOf(m.id), (count.get(packageOf(m.id)) ?? 0) + 1);
    const top = [...count].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))[0]![0];
    const n = (used.get(top) ?? 0) + 1;
    used.set(top, n);
    names.set(c, n === 1 ? top : `${top}-${n}`);
  }
  const out: Candidate[] = [];
  for (const [c, ms] of byCluster) {
    let internal = 0, crossing = 0;
    const iface = new Set<string>();
    const deps = new Set<string>();
    for (const e of edges) {
      const a = clusterOf.get(e.from), b = clusterOf.get(e.to);
      if (a !== c && b !== c) continue;
      if (a === b) { internal += e.weight; continue; }
      crossing += e.weight;
      if (b === c) {
        for (const s of e.sites) {
          if (s.names.length === 0) iface.add(e.to);
          for (const nm of s.names) iface.add(`${e.to}.${nm}`);
        }
      } else deps.add(names.get(b!)!);
    }
    out.push({
      id: c,
      name: names.get(c)!,
      modules: ms.map((m) => m.id).sort(),
      packages: [...new Set(ms.map((m) => packageOf(m.id)))].sort(),
      loc: ms.reduce((s, m) => s + m.loc, 0),
      internalEdges: internal,
      crossingEdges: crossing,
      interface: [...iface].sort(),
      dependsOn: [...deps].sort(),
      thirdParty: [...new Set(ms.flatMap((m) => m.thirdParty))].sort(),
    });
  }
  return out.sort((a, b) => b.modules.length - a.modules.length || byText(a.name, b.name));
}
