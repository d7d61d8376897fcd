import type { Interpreter, PyCall, PyKnowledge } from "../../lang/python/interp.js";
import type { PyValue } from "../../lang/python/values.js";
import type { Container } from "../route-graph.js";
import { HTTP_METHODS, arg, asContainer, containerValue, handlerName, makeContainer, methodsArg, pathArg, rootOf, tail } from "../python-routes.js";

interface Decorator { container: Container; methods: string[]; call: PyCall; pathIndex: number }

/**
 * django-ninja: NinjaAPI() and Router() hold operations (@api.get, @router.api_operation),
 * add_router(prefix, router | "dotted.path") nests them, and `api.urls` is what a Django
 * `path("api/", api.urls)` mounts. Ninja joins prefixes and paths with one "/" and drops
 * the leading slash, which is Werkzeug's join: the flask join style.
 */
export const ninjaRoutes: PyKnowledge = {
  packages: ["ninja"],
  construct(q, call) {
    if (rootOf(q) !== "ninja") return undefined;
    const name = tail(q);
    if (name === "NinjaAPI" || name === "Router" || name === "NinjaExtraAPI") return containerValue(makeContainer("django-ninja", "router", "flask", call));
    return undefined;
  },
  attr(self, name) {
    const c = asContainer(self);
    if (c?.framework === "django-ninja" && name === "urls") return { k: "x", tag: "dj-include", data: { target: self, text: `${c.name}.urls`, file: c.file } };
    return undefined;
  },
  method(self, name, call, cx) {
    const c = asContainer(self);
    if (!c || c.framework !== "django-ninja") return undefined;
    if (HTTP_METHODS.includes(name)) return decorator(c, [name.toUpperCase()], call, 0);
    if (name === "api_operation") {
      const m = arg(call, 0, "methods");
      return decorator(c, methodsArg(m.v, m.text) ?? ["GET"], call, 1);
    }
    if (name === "add_router") return addRouter(c, call, cx);
    return undefined;
  },
  decorate(dec, target) {
    if (dec.k !== "x" || dec.tag !== "ninja-decorator") return undefined;
    const d = dec.data as Decorator;
    const p = arg(d.call, d.pathIndex, "path");
    d.container.entries.push({ t: "route", methods: d.methods, path: pathArg(p.v, p.text), handler: handlerName(target), file: d.call.file, line: d.call.line });
    return target;
  },
};

function decorator(container: Container, methods: string[], call: PyCall, pathIndex: number): PyValue {
  return { k: "x", tag: "ninja-decorator", data: { container, methods, call, pathIndex } satisfies Decorator };
}

/** add_router("/users", router) — the router may be named by its dotted import path. */
function addRouter(c: Container, call: PyCall, cx: Interpreter): PyValue {
  const p = arg(call, 0, "prefix");
  const r = arg(call, 1, "router");
  let value = r.v;
  if (value?.k === "str") {
    const dot = value.v.lastIndexOf(".");
    const mod = dot > 0 ? cx.importModule(value.v.slice(0, dot), call.file) : undefined;
    value = mod?.k === "mod" ? cx.getAttr(mod, value.v.slice(dot + 1), value.v) : value;
  }
  const child = asContainer(value);
  if (child) child.included = true;
  c.entries.push({ t: "include", child, unresolved: child ? undefined : r.text, prefix: pathArg(p.v, p.text), file: call.file, line: call.line });
  return { k: "none" };
}
