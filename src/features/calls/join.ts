import type { Route } from "../../model.js";

const segs = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p).split("/").slice(1);
const routeSegs = new WeakMap<Route, { r: string[]; raw: string[] }>();
function segsOf(route: Route): { r: string[]; raw: string[] } {
  let s = routeSegs.get(route);
  if (!s) {
    const r = segs(route.path);
    routeSegs.set(route, (s = { r, raw: route.rawPath ? segs(route.rawPath) : r }));
  }
  return s;
}
const isParam = (s: string) => /^\{[^}]*\}$/.test(s);

/** A route path matches a call path segment by segment: `{x}` on either side matches any one segment; `{x:path}` the rest. */
export function pathMatches(route: Route, callPath: string | string[]): boolean {
  const { r, raw } = segsOf(route);
  const c = typeof callPath === "string" ? segs(callPath) : callPath;
  if (r.length !== c.length && !route.rawPath) return false;
  for (let i = 0; i < r.length; i++) {
    if (/^\{\w+:path\}$|^\*/.test(raw[i] ?? "")) return c.length > i;
    if (i >= c.length) return false;
    if (isParam(r[i]!) || isParam(c[i]!)) continue;
    if (r[i] !== c[i]) return false;
  }
  return r.length === c.length;
}

/** How a framework answers a path that differs from its route only by the trailing slash. */
function slashAnswer(route: Route, method: string, callHasSlash: boolean): "redirect" | "dead" | "same" {
  const fw = route.framework;
  if (fw === "express") return "same";
  if (fw === "fastapi" || fw === "starlette") return "redirect";
  const routeHasSlash = route.path.endsWith("/");
  if ((fw === "django" || fw === "drf" || fw === "flask") && routeHasSlash && !callHasSlash) return fw === "flask" || method === "GET" || method === "HEAD" ? "redirect" : "dead";
  return "dead";
}

export type Join = { route: Route; slash?: "redirect" | "dead" } | { dead: "path"; closest?: Route } | { dead: "method"; methods: string[] } | { skip: string };

/** The route of `service` that serves `method path`, or why none does. */
export function joinRoute(routes: Route[], method: string, callPath: string): Join {
  if (routes.length === 0) return { skip: "no routes were found for the target service" };
  const c = segs(callPath);
  const byPath = routes.filter((r) => !r.unresolved && r.status !== "not-mounted" && r.served !== false && pathMatches(r, c));
  // A literal segment beats a parameter: `/quotes/latest` before `/quotes/{symbol}`.
  const literalFirst = (a: Route, b: Route) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0);
  if (byPath.length === 0) {
    const first = segs(callPath)[0];
    return { dead: "path", closest: routes.find((r) => segs(r.path)[0] === first) };
  }
  if (method.startsWith("<")) return { route: byPath.sort(literalFirst)[0]! };
  const accepts = (r: Route) => r.method === method || r.method === "ANY" || (method === "HEAD" && r.method === "GET");
  const hit = byPath.filter(accepts).sort(literalFirst)[0];
  if (hit) {
    const callSlash = callPath.length > 1 && callPath.endsWith("/");
    const routeSlash = hit.path.length > 1 && hit.path.endsWith("/");
    if (callSlash === routeSlash || byPath.some((r) => accepts(r) && (r.path.length > 1 && r.path.endsWith("/")) === callSlash)) return { route: hit };
    const answer = slashAnswer(hit, method, callSlash);
    return answer === "same" ? { route: hit } : { route: hit, slash: answer };
  }
  return { dead: "method", methods: [...new Set(byPath.map((r) => r.method))].sort() };
}
