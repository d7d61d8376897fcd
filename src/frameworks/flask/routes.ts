import type { PyCall, PyKnowledge } from "../../lang/python/interp.js";
import type { PyValue } from "../../lang/python/values.js";
import type { Container } from "../route-graph.js";
import { arg, asContainer, classMethods, containerValue, handlerName, makeContainer, methodsArg, pathArg, rootOf, tail } from "../python-routes.js";

interface Decorator { container: Container; methods?: string[]; call: PyCall }

const SHORTCUTS = ["get", "post", "put", "patch", "delete"];

/** Flask: Flask()/Blueprint(url_prefix=), route/get/post…, add_url_rule, register_blueprint(url_prefix=). */
export const flaskRoutes: PyKnowledge = {
  packages: ["flask", "flask_restful", "flask_restx"],
  construct(q, call) {
    // Flask-RESTful / Flask-RESTX: Api(app_or_blueprint) routes resources onto that app.
    if ((rootOf(q) === "flask_restful" || rootOf(q) === "flask_restx") && tail(q) === "Api") {
      return { k: "x", tag: "flask-restful", data: { target: asContainer(arg(call, 0, "app").v), prefix: arg(call, 99, "prefix") } };
    }
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
  method(self, name, call, cx) {
    if (self.tag === "flask-restful" && name === "add_resource") return addResource(self.data as Restful, call, cx);
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
      c.entries.push({ t: "include", child, unresolved: child ? undefined : b.text, prefix: override ? pathArg(p.v, p.text) : [], replacesChildPrefix: override, file: call.file, line: call.line });
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

interface Restful { target?: Container; prefix: { v?: PyValue; text?: string } }

/** api.add_resource(Todo, "/todos", "/todos/<id>"): one rule per URL, methods from the resource class. */
function addResource(api: Restful, call: PyCall, cx: Parameters<NonNullable<PyKnowledge["method"]>>[3]): PyValue | undefined {
  if (!api.target) return undefined;
  const cls = call.args[0];
  const methods = cls?.k === "cls" ? classMethods(cx, cls, {}) : [];
  const prefix = api.prefix.v && api.prefix.v.k !== "none" ? pathArg(api.prefix.v, api.prefix.text) : [];
  call.args.slice(1).forEach((url, i) => {
    api.target!.entries.push({ t: "route", methods: methods.length ? methods : ["ANY"], path: [...prefix, ...pathArg(url, call.argText[i + 1])], handler: handlerName(cls, call.argText[0]), file: call.file, line: call.line });
  });
  return { k: "none" };
}
