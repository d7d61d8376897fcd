import type { PyCall, PyKnowledge } from "../../lang/python/interp.js";
import type { PyValue } from "../../lang/python/values.js";
import type { Container } from "../route-graph.js";
import { HTTP_METHODS, arg, asContainer, containerValue, handlerName, makeContainer, methodsArg, pathArg, rootOf, tail } from "../python-routes.js";
import { entriesFromRoutes, mount } from "../starlette/routes.js";

interface Decorator { container: Container; methods: string[]; path: PyCall; }

/**
 * FastAPI: FastAPI()/APIRouter(prefix=), method decorators, api_route, add_api_route,
 * include_router and mount. Since FastAPI 0.16x an included router stays live (routes added
 * after include_router count), which is what the flattening assumes; older releases copied.
 */
export const fastapiRoutes: PyKnowledge = {
  packages: ["fastapi"],
  construct(q, call, cx) {
    if (rootOf(q) !== "fastapi") return undefined;
    const name = tail(q);
    if (name === "FastAPI") {
      const c = makeContainer("fastapi", "app", "concat", call);
      c.entries.push(...entriesFromRoutes(call.kw.get("routes"), cx, "fastapi"));
      return containerValue(c);
    }
    if (name === "APIRouter") {
      const p = arg(call, 99, "prefix");
      const c = makeContainer("fastapi", "router", "concat", call, p.v ? pathArg(p.v, p.text) : []);
      c.entries.push(...entriesFromRoutes(call.kw.get("routes"), cx, "fastapi"));
      return containerValue(c);
    }
    return undefined;
  },
  attr(self, name) {
    const c = asContainer(self);
    if (c?.framework === "fastapi" && name === "router") return self;
    return undefined;
  },
  method(self, name, call, cx) {
    const c = asContainer(self);
    if (!c || c.framework !== "fastapi") return undefined;
    if (HTTP_METHODS.includes(name)) return decorator(c, [name.toUpperCase()], call);
    if (name === "api_route" || name === "route") {
      const m = arg(call, 99, "methods");
      return decorator(c, methodsArg(m.v, m.text) ?? ["GET"], call);
    }
    if (name === "add_api_route" || name === "add_route") {
      const p = arg(call, 0, "path");
      const e = arg(call, 1, name === "add_api_route" ? "endpoint" : "route");
      const m = arg(call, 99, "methods");
      c.entries.push({ t: "route", methods: methodsArg(m.v, m.text) ?? ["GET"], path: pathArg(p.v, p.text), handler: handlerName(e.v, e.text), file: call.file, line: call.line });
      return { k: "none" };
    }
    if (name === "include_router") {
      const r = arg(call, 0, "router");
      const p = arg(call, 99, "prefix");
      const child = asContainer(r.v);
      if (child) child.included = true;
      c.entries.push({
        t: "include",
        child,
        unresolved: child ? undefined : r.text,
        external: !child && r.v?.k === "ext",
        prefix: p.v ? pathArg(p.v, p.text) : [],
        file: call.file,
        line: call.line,
      });
      return { k: "none" };
    }
    if (name === "mount") return mount(c, call, cx);
    return undefined;
  },
  decorate(dec, target) {
    if (dec.k !== "x" || dec.tag !== "fastapi-decorator") return undefined;
    const d = dec.data as Decorator;
    const p = arg(d.path, 0, "path");
    d.container.entries.push({ t: "route", methods: d.methods, path: pathArg(p.v, p.text), handler: handlerName(target), file: d.path.file, line: d.path.line });
    // FastAPI's decorators hand the function back unchanged.
    return target;
  },
};

function decorator(container: Container, methods: string[], call: PyCall): PyValue {
  return { k: "x", tag: "fastapi-decorator", data: { container, methods, path: call } satisfies Decorator };
}
