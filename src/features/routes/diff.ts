import type { Finding, Route } from "../../model.js";
import { paramsOf, shapeOf } from "./normalize.js";

export interface RouteChange {
  kind: "removed-route" | "removed-method" | "changed-params" | "added-route" | "added-method";
  breaking: boolean;
  service: string;
  method: string;
  path: string;
  before?: string;
  message: string;
  file?: string;
  line?: number;
}

const key = (r: Pick<Route, "service" | "path">) => `${r.service}\u0000${shapeOf(r.path).replace(/\/$/, "") || "/"}`;

/**
 * Compares two catalogs route by route. Paths match on their shape (parameter names
 * erased) so a renamed parameter shows as a change, not as a removal plus an addition.
 */
export function diffRoutes(before: Route[], after: Route[]): RouteChange[] {
  // A router nothing mounts serves nothing: mounting it adds routes, unmounting it removes them.
  const old = group(before.filter((r) => !r.unresolved && r.status !== "not-mounted" && r.served !== false));
  const now = group(after.filter((r) => !r.unresolved && r.status !== "not-mounted" && r.served !== false));
  const out: RouteChange[] = [];
  for (const [k, olds] of old) {
    const news = now.get(k);
    const o = olds[0]!;
    if (!news) {
      for (const r of olds) out.push({ kind: "removed-route", breaking: true, service: r.service, method: r.method, path: r.path, message: `${r.method} ${r.path} was removed from ${r.service}` });
      continue;
    }
    const n = news[0]!;
    for (const r of olds) {
      if (!news.some((x) => x.method === r.method || x.method === "ANY")) {
        out.push({ kind: "removed-method", breaking: true, service: r.service, method: r.method, path: n.path, message: `${r.method} ${r.path} was removed from ${r.service} (the path still serves ${[...new Set(news.map((x) => x.method))].join(", ")})`, file: n.file, line: n.line });
      }
    }
    if (o.path !== n.path) {
      const renamed = paramsOf(o.path).join(",") !== paramsOf(n.path).join(",");
      out.push({
        kind: "changed-params",
        breaking: !renamed,
        service: n.service,
        method: n.method,
        path: n.path,
        before: o.path,
        message: renamed ? `${o.path} → ${n.path}: path parameters renamed (URLs unchanged; generated clients change)` : `${o.path} → ${n.path}: trailing slash changed`,
        file: n.file,
        line: n.line,
      });
    }
    for (const r of news) {
      if (!olds.some((x) => x.method === r.method)) out.push({ kind: "added-method", breaking: false, service: r.service, method: r.method, path: r.path, message: `${r.method} ${r.path} added to ${r.service}`, file: r.file, line: r.line });
    }
  }
  for (const [k, news] of now) {
    if (old.has(k)) continue;
    for (const r of news) out.push({ kind: "added-route", breaking: false, service: r.service, method: r.method, path: r.path, message: `${r.method} ${r.path} added to ${r.service}`, file: r.file, line: r.line });
  }
  return out;
}

function group(routes: Route[]): Map<string, Route[]> {
  const m = new Map<string, Route[]>();
  for (const r of routes) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
}

/** Changes as findings, so SARIF, JUnit and annotations carry them too. */
export function changeFindings(changes: RouteChange[]): Finding[] {
  return changes.map((c) => ({
    rule: c.breaking ? "route-breaking-change" : c.kind === "changed-params" ? "route-params-changed" : "route-added",
    severity: c.breaking ? "error" : c.kind === "changed-params" ? "warning" : "note",
    message: c.message,
    file: c.file,
    line: c.line,
    service: c.service,
    hint: c.breaking ? "keep the old route (deprecated) until clients move, or bump the API version" : undefined,
  }));
}
