import type { PathExpr } from "../../frameworks/route-graph.js";

/**
 * One spelling for path parameters across frameworks: `<int:pk>` (Flask, Django),
 * `{id:int}` / `{path:path}` (FastAPI, Starlette, Litestar), `{int:id}` (django-ninja), `{id:\\d+}` and
 * `{tail}*` (actix), `:id` and `*rest` (axum 0.7, Express), `{*rest}` (axum 0.8),
 * `:id(\\d+)` and `:tag?` (Express 4), optional groups `{/:id}` and `{.:ext}` (Express 5).
 */
export function normalizeParams(p: string): string {
  if (!/[<{:*]/.test(p)) return p;
  return p
    // Express 5: an optional group `{/:id}` is the parameter it holds (as Express 4's `:id?` is).
    .replace(/\{([/.-][^{}]*)\}/g, "$1")
    .replace(/<(?:[A-Za-z_][\w]*:)?([A-Za-z_]\w*)>/g, "{$1}")
    .replace(BRACED, (_, name: string, spec: string | undefined) => `{${spec !== undefined && CONVERTERS.has(name) && /^[A-Za-z_]\w*$/.test(spec) && !CONVERTERS.has(spec) ? spec : name}}`)
    // Express 4: `:id(\\d+)` constrains a parameter, `:tag?` makes it optional; the name is the parameter.
    // After "/", or "." and "-" inside a segment (`/:name.:ext`, `/:from-:to`).
    .replace(/(^|[/.-]):([A-Za-z_]\w*)(?:\([^)/]*\))?\??/g, "$1{$2}")
    .replace(/(^|\/)\*([A-Za-z_]\w*)/g, "$1{$2}");
}

/** `{name}`, `{*name}`, `{name:spec}` with a regex holding one level of braces (`{id:\\d{4}}`), and actix's `{tail}*`. */
const BRACED = /\{\*?([A-Za-z_]\w*)(?::((?:[^{}]|\{[^{}]*\})*))?\}\*?/g;
/** Converter names written before the parameter name (django-ninja's `{int:id}`, Django's own converters). */
const CONVERTERS = new Set(["int", "str", "slug", "uuid", "path", "float"]);

/** The display path of a route: literal pieces normalised, unresolved pieces shown as `<expression>`. */
export function renderPath(p: PathExpr): { path: string; unresolved?: string; raw: string } {
  let out = "";
  let raw = "";
  const unresolved: string[] = [];
  for (const piece of p) {
    if ("s" in piece) {
      out += piece.s;
      raw += piece.raw ?? piece.s;
    } else {
      // A multi-line expression (`routes!(\n a,\n b\n)`) is shown on one line.
      const u = piece.u.replace(/\s+/g, " ");
      out += `<${u}>`;
      raw += `<${u}>`;
      unresolved.push(u);
    }
  }
  const lead = (x: string) => (x.startsWith("/") || x.startsWith("<") ? x : "/" + x);
  return { path: lead(normalizeParams(out)), unresolved: unresolved.length ? unresolved.join(", ") : undefined, raw: lead(raw) };
}

/** Parameter names of a normalised path. */
export function paramsOf(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** The path with parameter names erased, for comparing routes across naming choices. */
export function shapeOf(path: string): string {
  return path.replace(/\{\w+\}/g, "{}");
}
