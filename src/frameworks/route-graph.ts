/**
 * The shape every framework's route extraction produces: containers (apps, routers,
 * blueprints, URL confs, nests) holding routes and includes of other containers. One
 * flattening walk turns them into Route records, so prefix handling lives in one place.
 */

/** A path built from literal pieces and pieces that could not be resolved statically. */
/** `raw`: the piece as the code spells it, when that is not a path template (an Express regular expression). */
export type PathPiece = { s: string; raw?: string } | { u: string };
export type PathExpr = PathPiece[];

/** How a framework glues a prefix to a child path. */
export type JoinStyle =
  | "concat" // FastAPI, Starlette, Django: plain concatenation
  | "flask" // url_prefix.rstrip("/") + "/" + rule.lstrip("/")
  | "axum" // nest("/api", "/") serves "/api"
  | "fastify"; // "/prefix/" + "/route" is "/prefix/route"

export interface RouteEntry {
  t: "route";
  methods: string[];
  path: PathExpr;
  handler: string;
  file: string;
  line: number;
  /** Fastify: a "/" route under a prefix also answers the bare prefix ("/v1" as well as "/v1/"). */
  alsoBare?: boolean;
}

export interface IncludeEntry {
  t: "include";
  child?: Container;
  /** Text of the included expression when it could not be resolved to a container. */
  unresolved?: string;
  /** The unresolved target comes from outside the scanned code (a library's router): it cannot be a router of the service. */
  external?: boolean;
  prefix: PathExpr;
  /** Flask: register_blueprint(url_prefix=) replaces the blueprint's own prefix. */
  replacesChildPrefix?: boolean;
  /** FastAPI copies a router's routes when it is included: later routes are not seen. */
  snapshot?: number;
  file: string;
  line: number;
}

export type Entry = RouteEntry | IncludeEntry;

export interface Container {
  id: number;
  framework: string;
  kind: "app" | "router";
  name: string;
  file: string;
  line: number;
  /** The container's own prefix (APIRouter(prefix=), Blueprint(url_prefix=)), applied to its routes. */
  prefix: PathExpr;
  join: JoinStyle;
  entries: Entry[];
  /** Entries computed late (Django urlpatterns lists that grow after they are referenced). */
  lateEntries?: () => Entry[];
  included: boolean;
  /** The Django root URL conf of its project: an app even though nothing includes it. */
  root?: boolean;
  /**
   * Why its routes are unresolved when nothing includes it, even in a service without an app:
   * a Django URL conf's paths depend on the include or ROOT_URLCONF that mounts it.
   */
  orphanReason?: string;
}

let nextId = 1;
let sink: Container[] | undefined;

export function newContainer(c: Omit<Container, "id" | "entries" | "included"> & { entries?: Entry[] }): Container {
  const made: Container = { ...c, id: nextId++, entries: c.entries ?? [], included: false };
  sink?.push(made);
  return made;
}

/** Runs an extraction and returns every container it created, in creation order. */
export function collectContainers<T>(fn: () => T): { result: T; containers: Container[] } {
  const outer = sink;
  const containers: Container[] = [];
  sink = containers;
  try {
    return { result: fn(), containers };
  } finally {
    sink = outer;
  }
}

export function lit(s: string): PathExpr {
  return [{ s }];
}

export function entriesOf(c: Container): Entry[] {
  return c.lateEntries ? [...c.entries, ...c.lateEntries()] : c.entries;
}

export function joinPath(style: JoinStyle, prefix: PathExpr, path: PathExpr): PathExpr {
  if (prefix.length === 0) return path;
  if (style === "flask") {
    // Werkzeug: an empty rule is the prefix itself; any other rule is joined with one "/".
    if (isEmpty(path)) return prefix;
    return [...trimEnd(prefix), { s: "/" }, ...trimStart(path)];
  }
  if (style === "fastify") {
    const last = prefix[prefix.length - 1];
    const first = path[0];
    if (last && "s" in last && last.s.endsWith("/") && first && "s" in first && first.s.startsWith("/")) return [...prefix, { ...first, s: first.s.slice(1) }, ...path.slice(1)];
    return [...prefix, ...path];
  }
  if (style === "axum") {
    if (isLiteral(path, "/") || isEmpty(path)) return prefix;
    return [...prefix, ...path];
  }
  return [...prefix, ...path];
}

function isEmpty(p: PathExpr): boolean {
  return p.every((x) => "s" in x && x.s === "");
}
function isLiteral(p: PathExpr, v: string): boolean {
  return p.map((x) => ("s" in x ? x.s : "\0")).join("") === v;
}
function trimEnd(p: PathExpr): PathExpr {
  const out = [...p];
  const last = out[out.length - 1];
  if (last && "s" in last) out[out.length - 1] = { ...last, s: last.s.replace(/\/+$/, "") };
  return out;
}
function trimStart(p: PathExpr): PathExpr {
  const out = [...p];
  const first = out[0];
  if (first && "s" in first) out[0] = { ...first, s: first.s.replace(/^\/+/, "") };
  return out;
}

export interface FlatRoute {
  methods: string[];
  path: PathExpr;
  handler: string;
  file: string;
  line: number;
  framework: string;
  via: Array<{ prefix: PathExpr; file: string; line: number }>;
  /** Set when the route hangs off a container that no resolved app includes. */
  orphanOf?: string;
  /** Set when the route's router is never mounted by the service's apps: why, with the router's file:line. */
  notMounted?: string;
  /** The application (or orphan router) the route was reached from, as file:line. */
  app?: string;
  unresolvedInclude?: string;
}

/** Walks a container and everything it includes, in declaration order. */
export function flatten(root: Container, orphanOf?: string): FlatRoute[] {
  const out: FlatRoute[] = [];
  const stack = new Set<number>();
  const visit = (c: Container, outer: PathExpr, via: FlatRoute["via"], ownPrefix: PathExpr, limit?: number) => {
    if (stack.has(c.id)) return;
    stack.add(c.id);
    const all = entriesOf(c);
    const entries = limit === undefined ? all : all.slice(0, limit);
    const base = joinPath(c.join, outer, ownPrefix);
    for (const e of entries) {
      if (e.t === "route") {
        if (e.alsoBare && !isEmpty(base)) out.push({ methods: e.methods, path: base, handler: e.handler, file: e.file, line: e.line, framework: c.framework, via, orphanOf });
        out.push({ methods: e.methods, path: joinPath(c.join, base, e.path), handler: e.handler, file: e.file, line: e.line, framework: c.framework, via, orphanOf });
      } else if (e.child) {
        const childPrefix = e.replacesChildPrefix ? [] : e.child.prefix;
        const at = joinPath(c.join, base, e.prefix);
        const step = { prefix: [...e.prefix, ...childPrefix], file: e.file, line: e.line };
        visit(e.child, at, [...via, step], childPrefix, e.snapshot);
      } else {
        out.push({
          methods: ["ANY"],
          path: joinPath(c.join, base, [...e.prefix, { u: e.unresolved ?? "?" }]),
          handler: e.unresolved ?? "?",
          file: e.file,
          line: e.line,
          framework: c.framework,
          via,
          unresolvedInclude: e.unresolved,
        });
      }
    }
    stack.delete(c.id);
  };
  visit(root, [], root.prefix.length ? [{ prefix: root.prefix, file: root.file, line: root.line }] : [], root.prefix);
  const app = `${root.file}:${root.line}`;
  for (const r of out) r.app = app;
  return out;
}
