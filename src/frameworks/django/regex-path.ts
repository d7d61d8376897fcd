import type { PathExpr } from "../route-graph.js";

/** `^items/(?P<pk>[0-9]+)\.csv$` → `items/{pk}.csv`; what cannot be read as a path stays as is. */
export function regexToPath(route: PathExpr): PathExpr {
  return route.map((p) => ("s" in p ? { s: regexText(p.s) } : p));
}

export function regexText(re: string): string {
  let s = re.replace(/^\^/, "").replace(/\$$/, "").replace(/\\Z$/, "");
  s = s.replace(/\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)/g, "{$1}");
  s = s.replace(/\\([./-])/g, "$1");
  s = s.replace(/\/\?$/, "/");
  return s;
}
