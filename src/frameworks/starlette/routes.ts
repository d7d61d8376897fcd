import type { PyCall, PyKnowledge, Interpreter } from "../../lang/python/interp.js";
import { items, type PyValue } from "../../lang/python/values.js";
import type { Container, Entry, PathExpr } from "../route-graph.js";
import { arg, asContainer, classMethods, containerValue, handlerName, makeContainer, methodsArg, pathArg, rootOf, tail } from "../python-routes.js";

interface StRoute { path: PyValue | undefined; pathText?: string; endpoint: PyValue | undefined; endpointText?: string; methods?: PyValue; methodsText?: string; file: string; line: number }
interface StMount { path: PyValue | undefined; pathText?: string; routes?: PyValue; app?: PyValue; appText?: string; file: string; line: number }

/** Route entries from a Starlette-style `routes=[Route(...), Mount(...)]` list. */
export function entriesFromRoutes(list: PyValue | undefined, cx: Interpreter, framework: string): Entry[] {
  const out: Entry[] = [];
  for (const item of items(list) ?? []) {
    if (item.k !== "x") continue;
    if (item.tag === "st-route") out.push(routeEntry(item.data as StRoute, cx));
    else if (item.tag === "st-mount") out.push(mountEntry(item.data as StMount, cx, framework));
  }
  return out;
}

function routeEntry(r: StRoute, cx: Interpreter): Entry {
  let methods = methodsArg(r.methods, r.methodsText);
  if (!methods) methods = r.endpoint?.k === "cls" ? classMethods(cx, r.endpoint, {}) : ["GET"];
  if (methods.length === 0) methods = ["ANY"];
  return { t: "route", methods, path: pathArg(r.path, r.pathText), handler: handlerName(r.endpoint, r.endpointText), file: r.file, line: r.line };
}

function mountEntry(m: StMount, cx: Interpreter, framework: string): Entry {
  // Starlette keeps a mount's path without its trailing slash: Mount("/") serves "/x", not "//x".
  const prefix = pathArg(m.path, m.pathText).map((p, i, all) => (i === all.length - 1 && "s" in p ? { s: p.s.replace(/\/+$/, "") } : p));
  let child = asContainer(m.app);
  if (!child && m.routes) {
    child = makeContainer(framework, "router", "concat", { file: m.file, line: m.line, text: "Mount(", args: [], kw: new Map(), argText: [], kwText: new Map() });
    child.entries.push(...entriesFromRoutes(m.routes, cx, framework));
  }
  if (child) {
    child.included = true;
    return { t: "include", child, prefix, file: m.file, line: m.line };
  }
  return mountedApp(prefix, m.app, m.appText, m.file, m.line);
}

/** A mounted app fks cannot see into (StaticFiles, a WSGI app): one catch-all route. */
export function mountedApp(prefix: PathExpr, app: PyValue | undefined, text: string | undefined, file: string, line: number): Entry {
  return { t: "route", methods: ["ANY"], path: [...prefix, { s: "/{path}" }], handler: handlerName(app, text), file, line };
}

export const starletteRoutes: PyKnowledge = {
  packages: ["starlette"],
  construct(q: string, call: PyCall, cx: Interpreter) {
    if (rootOf(q) !== "starlette" && rootOf(q) !== "fastapi") return undefined;
    switch (tail(q)) {
      case "Starlette": {
        const c = makeContainer("starlette", "app", "concat", call);
        c.entries.push(...entriesFromRoutes(arg(call, 1, "routes").v, cx, "starlette"));
        return containerValue(c);
      }
      case "Router":
        if (!q.includes("routing") && rootOf(q) !== "starlette") return undefined;
        {
          const c = makeContainer("starlette", "router", "concat", call);
          c.entries.push(...entriesFromRoutes(arg(call, 0, "routes").v, cx, "starlette"));
          return containerValue(c);
        }
      case "Route": {
        const p = arg(call, 0, "path");
        const e = arg(call, 1, "endpoint");
        const m = arg(call, 2, "methods");
        return { k: "x", tag: "st-route", data: { path: p.v, pathText: p.text, endpoint: e.v, endpointText: e.text, methods: m.v, methodsText: m.text, file: call.file, line: call.line } satisfies StRoute };
      }
      case "Mount": {
        const p = arg(call, 0, "path");
        const a = arg(call, 1, "app");
        return { k: "x", tag: "st-mount", data: { path: p.v, pathText: p.text, app: a.v, appText: a.text, routes: call.kw.get("routes"), file: call.file, line: call.line } satisfies StMount };
      }
      default:
        return undefined;
    }
  },
  method(self, name, call, cx) {
    const c = asContainer(self);
    if (!c || c.framework !== "starlette") return undefined;
    if (name === "add_route") {
      const p = arg(call, 0, "path");
      const e = arg(call, 1, "route");
      const m = arg(call, 2, "methods");
      c.entries.push(routeEntry({ path: p.v, pathText: p.text, endpoint: e.v, endpointText: e.text, methods: m.v, methodsText: m.text, file: call.file, line: call.line }, cx));
      return { k: "none" };
    }
    if (name === "mount") return mount(c, call, cx);
    return undefined;
  },
};

/** app.mount("/x", other_app): routes of a known app, or a catch-all for an opaque one. */
export function mount(c: Container, call: PyCall, cx: Interpreter): PyValue {
  const p = arg(call, 0, "path");
  const a = arg(call, 1, "app");
  c.entries.push(mountEntry({ path: p.v, pathText: p.text, app: a.v, appText: a.text, file: call.file, line: call.line }, cx, c.framework));
  return { k: "none" };
}
