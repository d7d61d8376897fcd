import type { Route } from "../../model.js";

/**
 * Whether a service's code serves a GET path, from the static route catalog: true or false when
 * the catalog is complete for the service, undefined when it cannot tell (no routes found, or
 * some unresolved), so callers fall back to weaker evidence instead of reporting a false alarm.
 */
export function servesFromCatalog(routes: Route[]): (path: string) => boolean | undefined {
  // A probe path declared on a router the app never mounts is not served.
  const gets = routes.filter((r) => (r.method === "GET" || r.method === "ANY" || r.method === "HEAD") && r.status !== "not-mounted" && r.served !== false);
  if (gets.length === 0 || routes.some((r) => r.unresolved)) return () => undefined;
  const patterns = gets.map((r) => toRegExp(r.path));
  return (path) => {
    const p = path.split("?")[0]!;
    return patterns.some((re) => re.test(p));
  };
}

/** `/orders/{id}` matches one segment per parameter, `{*rest}` anything; a trailing slash is optional. */
function toRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/\/+$/, "")
    .split(/(\{\*?[^}]*\})/)
    .map((part) => (part.startsWith("{*") ? ".*" : part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}/?$`);
}
