import type { ChaosSettings } from "../../config/chaos.js";
import type { ServiceRecord } from "../../model.js";
import type { DependencyEdge } from "./types.js";

/**
 * Who calls whom. Today from fks.yaml (services.<name>.dependsOn, chaos.edges) and compose
 * depends_on, as discovery merged them; this one function is where a call graph can take over.
 */
export function dependencyEdges(services: ReadonlyArray<Pick<ServiceRecord, "name" | "dependsOn">>, settings: ChaosSettings): DependencyEdge[] {
  const names = new Set(services.map((s) => s.name));
  const out = new Map<string, DependencyEdge>();
  for (const e of settings.edges) out.set(`${e.from}>${e.to}`, { from: e.from, to: e.to, critical: e.critical, origin: "chaos.edges" });
  for (const s of services) {
    for (const d of s.dependsOn) {
      if (!names.has(d) || out.has(`${s.name}>${d}`)) continue;
      out.set(`${s.name}>${d}`, { from: s.name, to: d, critical: false, origin: "dependsOn" });
    }
  }
  return [...out.values()];
}

/**
 * The chain by which a fault on `faulted` reaches `victim`, callee first: ["data", "api", "web"]
 * when web calls api and api calls data; undefined when the victim does not depend on it at all.
 */
export function chainTo(edges: readonly DependencyEdge[], faulted: string, victim: string): string[] | undefined {
  const callers = new Map<string, string[]>();
  for (const e of edges) (callers.get(e.to) ?? callers.set(e.to, []).get(e.to)!).push(e.from);
  const prev = new Map<string, string>([[faulted, ""]]);
  const queue = [faulted];
  while (queue.length) {
    const cur = queue.shift()!;
    if (cur === victim) break;
    for (const c of callers.get(cur) ?? []) {
      if (prev.has(c)) continue;
      prev.set(c, cur);
      queue.push(c);
    }
  }
  if (!prev.has(victim) || victim === faulted) return undefined;
  const chain = [victim];
  for (let cur = prev.get(victim)!; cur; cur = prev.get(cur)!) chain.unshift(cur);
  return chain;
}

/** The edge from caller to callee, if declared. */
export function edgeOf(edges: readonly DependencyEdge[], from: string, to: string): DependencyEdge | undefined {
  return edges.find((e) => e.from === from && e.to === to);
}
