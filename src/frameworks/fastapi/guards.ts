/** FastAPI/Starlette: app-wide dependencies, auth and rate-limit middleware, slowapi, and router dependencies above the probes. */
import { exemptedPaths, kindOfName, probePaths, type ProbeGuard } from "../health/guards.js";
import path from "node:path";
import { calls, dependencyNames, judgePython, PySources, withConstants, type PyCall, type PyDef, type PyFile } from "../health/guards-python.js";
import type { HealthContext } from "../health/types.js";

const SLOWAPI = /^SlowAPI(ASGI)?Middleware$/;

export async function fastapiGuards(ctx: HealthContext): Promise<ProbeGuard[]> {
  const probes = probePaths(ctx.paths);
  // Only files whose text can hold a guard are parsed: a big project has few of them.
  const src = new PySources(ctx.dir, ctx.files, ctx.read);
  const defOf = async (name: string): Promise<PyDef | undefined> => (await src.named(name))[0];
  const body = async (def: PyDef | undefined) => def && withConstants(await src.parse(def.file), def);
  // What a guard is, by what its code does when fks can read it, else by its name; undefined when it lets a GET probe through.
  const judge = async (name: string, def: PyDef | undefined): Promise<{ kind: ProbeGuard["kind"]; maybe?: string; text?: string } | undefined> => {
    if (!def) {
      const kind = kindOfName(name);
      return kind && { kind };
    }
    const text = (await body(def))!;
    const v = judgePython(def, text);
    const kind = kindOfName(name) ?? v.kind;
    if (!kind || v.unsafeOnly || v.passes) return undefined;
    return { kind, maybe: v.kind ? undefined : v.maybe, text };
  };
  const open = (...bodies: Array<string | undefined>) => {
    const ok = exemptedPaths(bodies.filter(Boolean).join("\n"), probes);
    return probes.filter((p) => !ok.has(p));
  };
  // The items of a Python tuple: one path needs its trailing comma, else `in ("/live")` is a substring test.
  const list = (paths: string[]) => paths.map((p) => JSON.stringify(p)).join(", ") + (paths.length === 1 ? "," : "");
  const out: ProbeGuard[] = [];

  // App-wide dependencies run before every route; FastAPI has no per-route opt-out.
  for (const c of calls(await src.matching(/\bFastAPI\s*\(/), /^(fastapi\.)?FastAPI$/)) {
    const deps = c.kwargs.get("dependencies");
    if (!deps) continue;
    for (const name of dependencyNames(deps)) {
      const def = await defOf(name);
      const text = await body(def);
      const v = def && judgePython(def, text!);
      if (v?.unsafeOnly) continue;
      const kind = kindOfName(name) ?? v?.kind;
      const paths = open(text);
      if (!paths.length) continue;
      out.push({
        kind: kind ?? "auth", what: `app-wide dependency ${name} (FastAPI(dependencies=[...]))`, file: c.file, line: c.line, paths,
        unsure: kind ? undefined : `fks cannot tell whether ${name} rejects requests`,
        hint: `FastAPI runs app-wide dependencies on every route, so a generated router cannot escape them: move Depends(${name}) from FastAPI(dependencies=...) to include_router(..., dependencies=[Depends(${name})]) of the routers that need it, or return early in ${name} when request.url.path in (${list(paths)})`,
      });
    }
  }

  // Middleware wraps every route; only its own code can let the probes through.
  const middleware = calls(await src.matching(/add_middleware|\bMiddleware\s*\(/), /(^|\.)add_middleware$|^(starlette\.middleware\.)?Middleware$/);
  for (const c of middleware) {
    const cls = c.args[0]?.split(".").pop() ?? "";
    if (!cls || SLOWAPI.test(cls)) continue;
    const def = await defOf(cls);
    const guard = await judge(cls, def);
    if (!guard) continue;
    const { kind, maybe } = guard;
    const paths = open(c.text, guard.text);
    if (!paths.length) continue;
    const starlette = cls === "AuthenticationMiddleware" && !def;
    out.push({
      kind, maybe, what: `${kind === "rate" ? "rate-limit" : "auth"} middleware ${cls}`, file: c.file, line: c.line, paths,
      unsure: starlette ? "starlette's AuthenticationMiddleware rejects only requests its backend raises AuthenticationError for; check that anonymous requests pass" : undefined,
      hint: def
        ? `in ${cls} (${path.relative(ctx.dir, def.file)}:${def.line}) pass the probes through first: \`if request.url.path in (${list(paths)}): return await call_next(request)\``
        : `exclude ${list(paths)} through ${cls}'s own path-exclusion option, or wrap it in a middleware that calls the app directly for those paths`,
    });
  }
  const decorated = async (re: RegExp) => (await src.matching(re)).flatMap((f) => src.definitionsOf(f));
  for (const d of await decorated(/\.middleware\(/)) {
    if (!d.decorators.some((x) => /\.middleware\(\s*["']http["']\s*\)/.test(x))) continue;
    const guard = await judge(d.name, d);
    if (!guard) continue;
    const { kind, maybe } = guard;
    const paths = open(guard.text);
    if (!paths.length) continue;
    out.push({
      kind, maybe, what: `@middleware("http") ${d.name}`, file: d.file, line: d.line, paths,
      hint: `start ${d.name} with \`if request.url.path in (${list(paths)}): return await call_next(request)\``,
    });
  }
  if (middleware.some((c) => SLOWAPI.test(c.args[0]?.split(".").pop() ?? ""))) out.push(...slowapi(await src.matching(/\bLimiter\s*\(/), await decorated(/\.exempt\b/), probes));
  // The route catalog names the files the probe routes and their includes are in: only those matter.
  const routed = new Set((ctx.probeRoutes ?? []).flatMap((r) => [r.file, ...r.via.map((v) => v.file)]));
  const routing = routed.size ? await src.matching(/./, (f) => routed.has(f)) : [];
  out.push(...routerDependencies(ctx, routing.length ? calls(routing, /(^|\.)(include_router|get|api_route|APIRouter)$/) : []));
  return dedupe(out);
}

/** slowapi's default_limits apply to every route once SlowAPIMiddleware is installed, unless a route is @limiter.exempt. */
function slowapi(files: PyFile[], defs: PyDef[], probes: string[]): ProbeGuard[] {
  const out: ProbeGuard[] = [];
  for (const c of calls(files, /(^|\.)Limiter$/)) {
    if (!c.kwargs.has("default_limits") && !c.kwargs.has("application_limits")) continue;
    const parent = c.node.parent();
    const variable = parent?.kind() === "assignment" ? (parent.field("left")?.text() ?? "limiter") : "limiter";
    const exempt = new Set(defs.filter((d) => d.decorators.some((x) => /\.exempt\b/.test(x))).flatMap((d) => [...exemptedPaths(d.text, probes)]));
    const paths = probes.filter((p) => !exempt.has(p));
    if (!paths.length) continue;
    out.push({
      kind: "rate", what: `slowapi Limiter(default_limits=${c.kwargs.get("default_limits") ?? c.kwargs.get("application_limits")}) with SlowAPIMiddleware`, file: c.file, line: c.line, paths,
      hint: `decorate the handlers of ${paths.join(", ")} with @${variable}.exempt`,
    });
  }
  return out;
}

/** Dependencies on the routers and includes that the existing probe routes are served through (from the route catalog). */
function routerDependencies(ctx: HealthContext, found: PyCall[]): ProbeGuard[] {
  const out: ProbeGuard[] = [];
  const at = (file: string, line: number) => found.filter((c) => c.file === file && c.line <= line && c.node.range().end.line + 1 >= line);
  for (const r of ctx.probeRoutes ?? []) {
    const sites: Array<{ call: PyCall; what: string }> = [];
    for (const c of at(r.file, r.line)) {
      if (/\.(get|api_route)$/.test(c.callee) && c.kwargs.has("dependencies")) sites.push({ call: c, what: `dependencies on the ${r.path} route` });
      const router = /^(\w+)\.(get|api_route)$/.exec(c.callee)?.[1];
      const made = router ? found.find((x) => x.file === r.file && /(^|\.)APIRouter$/.test(x.callee) && x.kwargs.has("dependencies") && x.node.parent()?.field("left")?.text() === router) : undefined;
      if (made) sites.push({ call: made, what: `dependencies of APIRouter ${router}` });
    }
    for (const v of r.via) {
      for (const c of at(v.file, v.line)) if (/include_router$/.test(c.callee) && c.kwargs.has("dependencies")) sites.push({ call: c, what: `dependencies of include_router(${c.args[0] ?? ""})` });
    }
    for (const { call, what } of sites) {
      const names = dependencyNames(call.kwargs.get("dependencies")!);
      const kind = names.map(kindOfName).find(Boolean);
      out.push({
        kind: kind ?? "auth", what: `${what}: ${names.join(", ")}`, file: call.file, line: call.line, paths: [r.path],
        unsure: kind ? undefined : `fks cannot tell whether ${names.join(", ")} reject requests`,
        hint: `serve ${r.path} from a router without these dependencies, included directly on the app`,
      });
    }
  }
  return out;
}

function dedupe(list: ProbeGuard[]): ProbeGuard[] {
  const seen = new Map<string, ProbeGuard>();
  for (const g of list) {
    const key = `${g.file}:${g.line}:${g.what}`;
    const had = seen.get(key);
    if (had) had.paths = [...new Set([...had.paths, ...g.paths])];
    else seen.set(key, { ...g });
  }
  return [...seen.values()];
}
