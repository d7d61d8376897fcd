import type { Finding, Route, Severity } from "../../model.js";
import type { RouteRulesConfig } from "../../config/routes.js";
import { paramsOf, shapeOf } from "./normalize.js";

export interface RuleInfo {
  id: keyof RouteRulesConfig;
  severity: Severity;
  description: string;
  /** The style-guide rule this one follows. */
  matches: string;
}

export const ROUTE_RULES: RuleInfo[] = [
  { id: "route-path-case", severity: "warning", description: "Path segments use one case across the catalog (kebab-case unless most use another).", matches: "Zalando #129 (lowercase words with hyphens); Spectral paths-kebab-case" },
  { id: "route-version-prefix", severity: "warning", description: "Versioned and unversioned routes are not mixed in one service.", matches: "Google AIP-185 (API versioning)" },
  { id: "route-trailing-slash", severity: "warning", description: "A service either ends its paths with '/' or never does.", matches: "Spectral path-keys-no-trailing-slash; Zalando #136" },
  { id: "route-verb-in-path", severity: "warning", description: "Paths name resources; the HTTP method is the verb.", matches: "Zalando #138/#141 (nouns for resources); Google AIP-136 (custom methods)" },
  { id: "route-duplicate", severity: "error", description: "The same method and path is declared twice in one service.", matches: "Redocly no-identical-paths" },
  { id: "route-overlap", severity: "warning", description: "Two services serve the same method and path.", matches: "new (fks): gateway routing needs one owner per path" },
  { id: "route-near-overlap", severity: "warning", description: "Routes differ only in parameter names or a trailing slash.", matches: "Redocly no-ambiguous-paths" },
  { id: "route-shadowed", severity: "error", description: "A parameter route declared first swallows a later static route (first match wins).", matches: "Redocly no-ambiguous-paths; FastAPI docs 'Order matters'" },
  { id: "route-health-missing", severity: "warning", description: "The service exposes /live, /ready and /health.", matches: "IETF draft-inadarei-api-health-check; Kubernetes probes" },
  { id: "route-unresolved", severity: "warning", description: "A route's path or prefix could not be resolved statically.", matches: "new (fks)" },
  { id: "route-not-mounted", severity: "warning", description: "A router, blueprint or URL conf with routes is never mounted by the served app: dead API surface.", matches: "new (fks)" },
];

const DEFAULT_VERBS = ["create", "add", "update", "delete", "remove", "get", "fetch", "list", "set", "cancel", "make", "do", "execute", "run", "modify", "edit", "save", "insert"];
/** Frameworks that try routes in declaration order (axum and Werkzeug rank static segments first). */
const FIRST_MATCH = new Set(["fastapi", "starlette", "django"]);
const HEALTHY = /^\/(live|ready|health|healthz|livez|readyz|ping|metrics|docs|openapi\.json|redoc)?\/?$/;

export interface RuleContext {
  health: (service: string) => { live: string; ready: string; health: string };
  /** Parameters whose converter only matches some text (`<int:pk>` → int), per route; the rest match any segment. */
  paramKinds?: (r: Route) => Record<string, string> | undefined;
}

/** What a typed parameter accepts: a static segment it cannot match is not shadowed by it. */
const KIND_ACCEPTS: Record<string, RegExp> = {
  int: /^\d+$/,
  float: /^\d+(\.\d+)?$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

type Emit = (rule: RuleInfo["id"], r: Route | { service: string; file: string; line: number }, message: string, hint?: string) => void;

/** Runs every enabled rule over the catalog. */
export function checkRoutes(routes: Route[], config: RouteRulesConfig | undefined, ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const severity = (id: RuleInfo["id"]): Severity | "off" => {
    const c = config?.[id];
    const lvl = typeof c === "string" ? c : c?.severity;
    return lvl ?? ROUTE_RULES.find((r) => r.id === id)!.severity;
  };
  const opt = <T>(id: RuleInfo["id"], key: string): T | undefined => {
    const c = config?.[id];
    return typeof c === "object" ? ((c as Record<string, unknown>)[key] as T | undefined) : undefined;
  };
  const emit: Emit = (rule, r, message, hint) => {
    const sev = severity(rule);
    if (sev === "off") return;
    out.push({ rule, severity: sev, message, file: r.file, line: r.line, service: r.service, hint });
  };
  // Routes of a router nothing mounts are not served: they take part in no served-route rule.
  const resolved = routes.filter((r) => !r.unresolved && r.status !== "not-mounted" && r.served !== false);
  const byService = group(resolved, (r) => r.service);

  pathCase(resolved, opt<string>("route-path-case", "case") ?? "auto", emit);
  for (const [svc, rs] of byService) {
    versionPrefix(rs, opt<string>("route-version-prefix", "policy") ?? "consistent", emit);
    trailingSlash(rs, opt<string>("route-trailing-slash", "style") ?? "consistent", emit);
    verbs(rs, opt<string[]>("route-verb-in-path", "verbs") ?? DEFAULT_VERBS, emit);
    // Duplicates and shadowing happen inside one application; a folder of many small apps
    // (examples, tests) declares the same path in each of them legitimately.
    for (const appRoutes of group(rs, (r) => r.app ?? "").values()) {
      duplicates(appRoutes, emit);
      shadowing(appRoutes, emit, ctx.paramKinds);
    }
    health(svc, rs, routes.filter((r) => r.service === svc), ctx, emit);
  }
  overlap(resolved, emit);
  nearOverlap(resolved, emit);
  unresolved(routes.filter((x) => x.unresolved), emit);
  notMounted(routes.filter((x) => x.status === "not-mounted"), emit);
  return out;
}

/** One finding per router the served app never mounts, on the router's own line. */
function notMounted(routes: Route[], emit: Emit): void {
  for (const rs of group(routes, (r) => `${r.service}\0${r.app ?? r.file}`).values()) {
    const r = rs[0]!;
    const at = r.app ? /^(.*):(\d+)$/.exec(r.app) : null;
    const shown = rs.slice(0, 3).map(where).join(", ") + (rs.length > 3 ? `, … ${rs.length - 3} more` : "");
    emit(
      "route-not-mounted",
      { service: r.service, file: at ? at[1]! : r.file, line: at ? Number(at[2]) : r.line },
      `${r.expression ?? "router is never mounted"}: ${rs.length} route${rs.length === 1 ? "" : "s"} not served (${shown})`,
      "dead API surface: mount it (include_router, register_blueprint, include()) or delete it; the routes are listed with status: not-mounted",
    );
  }
}

/**
 * One finding per unresolved prefix or mount, not per route: a reusable Django app's 200
 * routes behind one unknown include are one thing to look at. The finding sits on the first
 * route; the rest are counted.
 */
function unresolved(routes: Route[], emit: Emit): void {
  // Expressions a file repeats (one `routes!(…)` of another crate's handlers per line) are one finding per file.
  const byExpression = [...group(routes, (r) => `${r.service}\0${r.expression ?? ""}`).values()];
  for (const groups of group(byExpression, (rs) => (rs.length === 1 || rs.every((x) => x.file === rs[0]!.file) ? `${rs[0]!.service}\0${rs[0]!.file}` : `\0${rs[0]!.expression}`)).values()) {
    const rs = groups.flat();
    const r = rs[0]!;
    const what = r.expression ?? "part of the path";
    const n = rs.length - 1;
    const more = n === 0 ? "" : groups.length === 1 ? ` (and ${n} more route${n === 1 ? "" : "s"} under it)` : ` (and ${n} more unresolved route${n === 1 ? "" : "s"} in this file)`;
    const orphan = / is not included by any /.test(what);
    const hint = orphan
      ? "mount it where fks can follow it, or list the service in fks.yaml; a reusable app's or router's paths depend on where a project mounts it — the routes are listed with unresolved: true"
      : "make the prefix a literal or module constant, or add the route to fks.yaml; the routes are listed with unresolved: true";
    emit("route-unresolved", r, orphan ? `${where(r)}${more}: ${what}` : `${where(r)}${more}: cannot resolve ${what} statically`, hint);
  }
}

function group<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

const where = (r: Route) => `${r.method} ${r.path}`;
const staticSegments = (p: string) => p.split("/").filter((s) => s && !s.includes("{") && !s.includes("<"));

type Case = "kebab" | "snake" | "camel";
function caseOf(seg: string): Case | undefined {
  if (/^[a-z0-9]+$/.test(seg)) return undefined; // one word fits every style
  if (/^[a-z0-9]+(-[a-z0-9]+)+$/.test(seg)) return "kebab";
  if (/^[a-z0-9]+(_[a-z0-9]+)+$/.test(seg)) return "snake";
  if (/^[a-z][a-z0-9]*([A-Z][a-z0-9]*)+$/.test(seg)) return "camel";
  return undefined;
}

function pathCase(routes: Route[], want: string, emit: Emit): void {
  const counts: Record<Case, number> = { kebab: 0, snake: 0, camel: 0 };
  const segs = new Map<Route, Array<{ seg: string; c: Case | "other" }>>();
  for (const r of routes) {
    const list = staticSegments(r.path)
      // File names and dot segments fixed by standards (`/.well-known/…`) are not the service's choice.
      .filter((s) => !/\.\w+$/.test(s) && !s.startsWith("."))
      // Mixed styles ("Order_History", "ORDERS") count as wrong; punctuation-only segments ("-") as nothing.
      .map((seg) => ({ seg, c: caseOf(seg) ?? (/[A-Za-z]/.test(seg) && !/^[a-z0-9]+$/.test(seg) ? "other" : undefined) }))
      .filter((x): x is { seg: string; c: Case | "other" } => !!x.c);
    for (const x of list) if (x.c !== "other") counts[x.c]++;
    segs.set(r, list);
  }
  const majority: Case = want === "auto" ? ((Object.entries(counts) as Array<[Case, number]>).sort((a, b) => b[1] - a[1] || (a[0] === "kebab" ? -1 : 1))[0]![1] > 0 ? (Object.entries(counts) as Array<[Case, number]>).sort((a, b) => b[1] - a[1])[0]![0] : "kebab") : (want as Case);
  const fix = (s: string) => {
    const words = s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[-_ ]/).map((w) => w.toLowerCase());
    return majority === "kebab" ? words.join("-") : majority === "snake" ? words.join("_") : words[0] + words.slice(1).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  };
  for (const [r, list] of segs) {
    const bad = list.filter((x) => x.c !== majority);
    if (bad.length) emit("route-path-case", r, `${where(r)}: segment "${bad[0]!.seg}" is not ${majority}-case like the rest of the catalog`, `rename it to "${fix(bad[0]!.seg)}"`);
  }
}

const VERSION = /^\/(?:api\/)?v\d+(?:\.\d+)?(?:\/|$)|\/v\d+(?:\/|$)/;
function versionPrefix(routes: Route[], policy: string, emit: Emit): void {
  // A catch-all where an opaque app is mounted (`/execution/{path}`) is that app's business, not an API route.
  const api = routes.filter((r) => !HEALTHY.test(r.path) && !r.path.startsWith("/admin") && !/\/\{(path|rest)\}$/.test(r.path));
  const versioned = api.filter((r) => VERSION.test(r.path));
  const flagUnversioned = policy === "required" || (policy === "consistent" && versioned.length * 2 > api.length);
  if (flagUnversioned) {
    for (const r of api.filter((x) => !VERSION.test(x.path))) emit("route-version-prefix", r, `${where(r)} has no version prefix while ${versioned.length} of ${api.length} routes of ${r.service} do`, "serve it under the same /v1 prefix as its siblings");
  } else if (policy === "forbidden") {
    for (const r of versioned) emit("route-version-prefix", r, `${where(r)} carries a version in its path`, "version through a header or media type, as the policy requires");
  }
}

function trailingSlash(routes: Route[], style: string, emit: Emit): void {
  // Files (`/report.csv`), catch-alls and health probes are not collection or item paths.
  const relevant = routes.filter((r) => r.path !== "/" && !/\.\w+$|\{(rest|path)\}$/.test(r.path) && !HEALTHY.test(r.path) && !/^\/healthz\/?$/.test(r.path));
  const slashed = relevant.filter((r) => r.path.endsWith("/"));
  const plain = relevant.filter((r) => !r.path.endsWith("/"));
  let bad: Route[] = [];
  if (style === "never") bad = slashed;
  else if (style === "always") bad = plain;
  else if (slashed.length && plain.length) bad = slashed.length <= plain.length ? slashed : plain;
  const other = bad === slashed ? `${plain.length} others do not` : `${slashed.length} others do`;
  for (const r of bad) emit("route-trailing-slash", r, `${where(r)} ${r.path.endsWith("/") ? "ends" : "does not end"} with "/" while ${other}`, bad === slashed ? `drop the trailing slash: ${r.path.replace(/\/$/, "")}` : `add a trailing slash: ${r.path}/`);
}

function verbs(routes: Route[], list: string[], emit: Emit): void {
  const set = new Set(list.map((v) => v.toLowerCase()));
  for (const r of routes) {
    for (const seg of staticSegments(r.path)) {
      const first = seg.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[-_ .]/)[0]!.toLowerCase();
      if (set.has(first)) {
        emit("route-verb-in-path", r, `${where(r)}: "${seg}" is a verb; the HTTP method already says what happens`, `e.g. ${r.method === "POST" && first === "create" ? `POST ${r.path.slice(0, r.path.lastIndexOf("/" + seg))}/` : `${r.method} on the resource itself`}`);
        break;
      }
    }
  }
}

function duplicates(routes: Route[], emit: Emit): void {
  const seen = new Map<string, Route>();
  for (const r of routes) {
    if (r.method === "ANY") continue;
    const key = `${r.method} ${r.path}`;
    const first = seen.get(key);
    if (first) emit("route-duplicate", r, `${key} is declared twice in ${r.service} (first at ${first.file}:${first.line})`, "remove one; only the first one declared is reachable");
    else seen.set(key, r);
  }
}

const isParam = (s: string) => s.length > 2 && s.startsWith("{") && s.endsWith("}") && /^\{\w+\}$/.test(s);

/**
 * Earlier parameter routes as a tree of segments: a lookup follows the literal segment and every
 * parameter at each position, so shadowing costs the path's length, not the catalog's size.
 * A parameter swallows any non-empty literal segment; a parameter only matches the same parameter.
 */
interface SegNode {
  lit: Map<string, SegNode>;
  params: Map<string, SegNode>;
  /** The first route declared with exactly this path, and its declaration order. */
  first?: { r: Route; order: number };
}
const segNode = (): SegNode => ({ lit: new Map(), params: new Map() });

/** A parameter segment's key in the trie: its name and, when typed, its kind (`{pk}:int`). */
const paramKey = (s: string, kinds?: Record<string, string>) => {
  const kind = kinds?.[s.slice(1, -1)];
  return kind && KIND_ACCEPTS[kind] ? `${s}:${kind}` : s;
};

function insert(root: SegNode, segs: string[], r: Route, order: number, kinds?: Record<string, string>): void {
  let n = root;
  for (const s of segs) {
    const param = isParam(s);
    const map = param ? n.params : n.lit;
    const key = param ? paramKey(s, kinds) : s;
    let next = map.get(key);
    if (!next) map.set(key, (next = segNode()));
    n = next;
  }
  n.first ??= { r, order };
}

function earliestMatch(root: SegNode, segs: string[], path: string, kinds?: Record<string, string>): { r: Route; order: number } | undefined {
  let best: { r: Route; order: number } | undefined;
  const walk = (n: SegNode, i: number) => {
    if (i === segs.length) {
      if (n.first && n.first.r.path !== path && (!best || n.first.order < best.order)) best = n.first;
      return;
    }
    const s = segs[i]!;
    if (isParam(s)) {
      const p = n.params.get(paramKey(s, kinds));
      if (p) walk(p, i + 1);
      return;
    }
    const l = n.lit.get(s);
    if (l) walk(l, i + 1);
    if (s !== "") {
      for (const [key, p] of n.params) {
        const kind = key.includes("}:") ? key.slice(key.indexOf("}:") + 2) : undefined;
        if (!kind || KIND_ACCEPTS[kind]!.test(s)) walk(p, i + 1);
      }
    }
  };
  walk(root, 0);
  return best;
}

function shadowing(routes: Route[], emit: Emit, paramKinds?: RuleContext["paramKinds"]): void {
  // Only routes with a parameter can shadow; they are indexed by method as they are declared.
  const earlier = new Map<string, SegNode>();
  let order = 0;
  for (const later of routes.filter((r) => FIRST_MATCH.has(r.framework))) {
    const segs = later.path.split("/");
    const own = earlier.get(later.method);
    const any = later.method === "ANY" ? undefined : earlier.get("ANY");
    // The method's own routes are consulted before ANY routes, as the original order of checks did.
    const kinds = paramKinds?.(later);
    const hit = (own && earliestMatch(own, segs, later.path, kinds)) ?? (any && earliestMatch(any, segs, later.path, kinds));
    if (hit) emit("route-shadowed", later, `${where(later)} is shadowed by ${where(hit.r)} declared before it (${hit.r.file}:${hit.r.line})`, `declare ${later.path} before ${hit.r.path}`);
    if (later.path.includes("{")) {
      let root = earlier.get(later.method);
      if (!root) earlier.set(later.method, (root = segNode()));
      insert(root, segs, later, order++, kinds);
    }
  }
}

function health(svc: string, resolved: Route[], all: Route[], ctx: RuleContext, emit: Emit): void {
  if (all.length === 0) return;
  const paths = ctx.health(svc);
  const have = new Set(resolved.map((r) => r.path.replace(/\/$/, "") || "/"));
  const missing = [paths.live, paths.ready, paths.health].filter((p) => !have.has(p.replace(/\/$/, "") || "/"));
  if (missing.length === 0) return;
  const legacy = resolved.find((r) => /^\/(healthz|health|livez|readyz|ping|status)\/?$/.test(r.path));
  const anchor = resolved[0] ?? all[0]!;
  emit("route-health-missing", { service: svc, file: anchor.file, line: anchor.line }, `${svc} has no ${missing.join(", ")} route${missing.length > 1 ? "s" : ""}${legacy ? ` (only ${legacy.path})` : ""}`, "fks scaffold health adds them");
}

function overlap(routes: Route[], emit: Emit): void {
  const owners = new Map<string, Route[]>();
  for (const r of routes) {
    if (r.method === "ANY" || HEALTHY.test(r.path)) continue;
    const key = `${r.method} ${r.path}`;
    const list = owners.get(key);
    if (list) list.push(r);
    else owners.set(key, [r]);
  }
  for (const [key, rs] of owners) {
    const services = [...new Set(rs.map((r) => r.service))];
    if (services.length < 2) continue;
    for (const r of rs.filter((x, i) => rs.findIndex((y) => y.service === x.service) === i)) {
      emit("route-overlap", r, `${key} is served by ${services.join(" and ")}`, `keep it in one service (gateway routing needs one owner); the others: ${rs.filter((x) => x.service !== r.service).map((x) => `${x.service} ${x.file}:${x.line}`).join(", ")}`);
    }
  }
}

function nearOverlap(routes: Route[], emit: Emit): void {
  const byShape = new Map<string, Route[]>();
  for (const r of routes) {
    if (r.method === "ANY") continue;
    const key = `${r.method} ${shapeOf(r.path).replace(/\/$/, "")}`;
    const list = byShape.get(key);
    if (list) list.push(r);
    else byShape.set(key, [r]);
  }
  for (const rs of byShape.values()) {
    const distinct = [...new Map(rs.map((r) => [r.path, r])).values()];
    if (distinct.length < 2) continue;
    const [a, ...rest] = distinct;
    for (const b of rest) {
      const why = shapeOf(a!.path) === shapeOf(b.path) ? `parameter names differ (${paramsOf(a!.path).join(", ")} vs ${paramsOf(b.path).join(", ")})` : "only a trailing slash differs";
      emit("route-near-overlap", b, `${where(b)} (${b.service}) and ${where(a!)} (${a!.service}) are the same route: ${why}`, "use one spelling for both");
    }
  }
}
