import type { PyCall, PyKnowledge } from "../../lang/python/interp.js";
import type { PyValue } from "../../lang/python/values.js";
import type { Container } from "../route-graph.js";
import { arg, asContainer, classMethods, containerValue, handlerName, makeContainer, methodsArg, pathArg, rootOf, tail } from "../python-routes.js";

interface Decorator { container: Container; methods?: string[]; call: PyCall }

const SHORTCUTS = ["get", "post", "put", "patch", "delete"];

/** Flask: Flask()/Blueprint(url_prefix=), route/get/post…, add_url_rule, register_blueprint(url_prefix=). */
export const flaskRoutes: PyKnowledge = {
  packages: ["flask"],
  construct(q, call) {
    if (rootOf(q) !== "flask") return undefined;
    if (tail(q) === "Flask") return containerValue(makeContainer("flask", "app", "flask", call));
    if (tail(q) === "Blueprint") {
      const p = arg(call, 99, "url_prefix");
      const c = makeContainer("flask", "router", "flask", call, p.v && p.v.k !== "none" ? pathArg(p.v, p.text) : []);
      c.name = call.args[0]?.k === "str" ? call.args[0].v : c.name;
      return containerValue(c);
    }
    return undefined;
  },
  attr(self, name) {
    // `url_prefix=prefix + (bp.url_prefix or "")`: a blueprint's own prefix read back when registering it.
    const c = asContainer(self);
    if (c?.framework !== "flask" || c.kind !== "router" || name !== "url_prefix") return undefined;
    if (c.prefix.length === 0) return { k: "none" };
    return c.prefix.every((x) => "s" in x) ? { k: "str", v: c.prefix.map((x) => ("s" in x ? x.s : "")).join("") } : undefined;
  },
  method(self, name, call, cx) {
    const c = asContainer(self);
    if (!c || c.framework !== "flask") return undefined;
    if (name === "route") {
      const m = arg(call, 99, "methods");
      return { k: "x", tag: "flask-decorator", data: { container: c, methods: methodsArg(m.v, m.text), call } satisfies Decorator };
    }
    if (SHORTCUTS.includes(name)) return { k: "x", tag: "flask-decorator", data: { container: c, methods: [name.toUpperCase()], call } satisfies Decorator };
    if (name === "add_url_rule") {
      const p = arg(call, 0, "rule");
      const v = arg(call, 2, "view_func");
      const m = arg(call, 99, "methods");
      c.entries.push({ t: "route", methods: methodsArg(m.v, m.text) ?? viewMethods(v.v, cx), path: pathArg(p.v, p.text), handler: handlerName(v.v, v.text), file: call.file, line: call.line });
      return { k: "none" };
    }
    if (name === "register_blueprint") {
      const b = arg(call, 0, "blueprint");
      const p = arg(call, 99, "url_prefix");
      const child = asContainer(b.v);
      if (child) child.included = true;
      const override = !!p.v && p.v.k !== "none";
      c.entries.push({ t: "include", child, unresolved: child ? undefined : b.text, external: !child && b.v?.k === "ext", prefix: override ? pathArg(p.v, p.text) : [], replacesChildPrefix: override, file: call.file, line: call.line });
      return { k: "none" };
    }
    return undefined;
  },
  decorate(dec, target) {
    if (dec.k !== "x" || dec.tag !== "flask-decorator") return undefined;
    const d = dec.data as Decorator;
    const p = arg(d.call, 0, "rule");
    d.container.entries.push({ t: "route", methods: d.methods ?? ["GET"], path: pathArg(p.v, p.text), handler: handlerName(target), file: d.call.file, line: d.call.line });
    return target;
  },
};

function viewMethods(v: PyValue | undefined, cx: Parameters<NonNullable<PyKnowledge["method"]>>[3]): string[] {
  if (v?.k === "x" && v.tag === "as_view" && (v.data as PyValue).k === "cls") {
    const cls = v.data as Extract<PyValue, { k: "cls" }>;
    const fromAttr = cx.classAttr(cls, "methods");
    const listed = methodsArg(fromAttr);
    if (listed && !listed[0]?.startsWith("<")) return listed;
    const m = classMethods(cx, cls, {});
    return m.length ? m : ["GET"];
  }
  return ["GET"];
}
