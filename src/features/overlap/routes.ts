import type { Route } from "../../model.js";
import type { RouteServedTwice } from "./types.js";

/**
 * Probe, metrics and documentation paths: every service serves its own on its own host, so two
 * services answering `/health` is the design, not an overlap.
 */
const PROBES = /^\/(?:live|livez|ready|readyz|health|healthz|healthcheck|ping|metrics|status|docs|redoc|openapi\.json|swagger\.json|docs\/oauth2-redirect)?\/?$/;

/**
 * Routes of the catalog that two or more services serve: same method and normalised path
 * (parameters spelled `{name}`, names ignored), where a route that accepts every method (`ANY`)
 * collides with each method of the other.
 */
export function routesServedTwice(routes: Route[]): { routes: RouteServedTwice[]; probeRoutesIgnored: number } {
  const byPath = new Map<string, Route[]>();
  let probeRoutesIgnored = 0;
  for (const r of routes) {
    if (r.unresolved) continue;
    if (PROBES.test(r.path)) {
      probeRoutesIgnored++;
      continue;
    }
    const key = r.path.replace(/\{[^}/]*\}/g, "{}");
    const list = byPath.get(key);
    if (list) list.push(r);
    else byPath.set(key, [r]);
  }
  const out: RouteServedTwice[] = [];
  for (const rs of byPath.values()) {
    if (new Set(rs.map((r) => r.service)).size < 2) continue;
    const methods = [...new Set(rs.map((r) => r.method).filter((m) => m !== "ANY"))].sort();
    for (const method of methods.length ? methods : ["ANY"]) {
      const serving = rs.filter((r) => r.method === method || r.method === "ANY");
      const first = new Map<string, Route>();
      for (const r of serving) if (!first.has(r.service)) first.set(r.service, r);
      if (first.size < 2) continue;
      const services = [...first.values()]
        .map((r) => ({ service: r.service, file: r.file, line: r.line, handler: r.handler, method: r.method }))
        .sort((a, b) => a.service.localeCompare(b.service));
      out.push({ method, path: [...first.values()][0]!.path, services });
    }
  }
  return { routes: out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method)), probeRoutesIgnored };
}
