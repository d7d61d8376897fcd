import type { Interpreter, PyCall, PyKnowledge } from "../../lang/python/interp.js";
import type { PyValue } from "../../lang/python/values.js";
import { newContainer, type Container, type PathExpr } from "../route-graph.js";
import { arg, asContainer, classMethods, handlerName, pathArg, rootOf, tail } from "../python-routes.js";

/**
 * Flask-RESTful and Flask-RESTX: an Api(app | blueprint, prefix=) routes Resource classes onto
 * that app, each class's methods being the route's methods. RESTX adds namespaces (Namespace(name,
 * path=), api.namespace(), api.add_namespace(ns, path=)) and the @api.route / @ns.route class
 * decorators. Each Api and namespace is a container, so resources added after registration count.
 */
interface Holder { c: Container; api?: boolean }

export const restxRoutes: PyKnowledge = {
  packages: ["flask_restful", "flask_restx"],
  construct(q, call) {
    const root = rootOf(q);
    if (root !== "flask_restful" && root !== "flask_restx") return undefined;
    if (tail(q) === "Api") {
      const p = arg(call, 99, "prefix");
      const c = holder(call, p.v && p.v.k !== "none" ? pathArg(p.v, p.text) : [], `Api`);
      attach(c, arg(call, 0, "app").v, call);
      return value({ c, api: true });
    }
    if (tail(q) === "Namespace") return value({ c: namespace(call) });
    return undefined;
  },
  method(self, name, call, cx) {
    if (self.tag !== "restx") return undefined;
    const h = self.data as Holder;
    if (name === "add_resource") {
      addResource(h.c, call.args[0], call.argText[0], call.args.slice(1), call.argText.slice(1), call, cx);
      return { k: "none" };
    }
    if (name === "route") return { k: "x", tag: "restx-route", data: { c: h.c, call } };
    if (h.api && name === "init_app") {
      attach(h.c, arg(call, 0, "app").v, call);
      return { k: "none" };
    }
    if (h.api && name === "namespace") {
      const ns = namespace(call);
      include(h.c, ns, undefined, call);
      return value({ c: ns });
    }
    if (h.api && name === "add_namespace") {
      const ns = arg(call, 0, "ns");
      const p = arg(call, 1, "path");
      const child = ns.v?.k === "x" && ns.v.tag === "restx" ? (ns.v.data as Holder).c : undefined;
      if (child) include(h.c, child, p.v && p.v.k === "str" ? [{ s: p.v.v.replace(/\/+$/, "") }] : undefined, call);
      return { k: "none" };
    }
    return undefined;
  },
  decorate(dec, target, cx) {
    if (dec.k !== "x" || dec.tag !== "restx-route") return undefined;
    const { c, call } = dec.data as { c: Container; call: PyCall };
    addResource(c, target, undefined, call.args, call.argText, call, cx);
    return target;
  },
};

function value(h: Holder): PyValue {
  return { k: "x", tag: "restx", data: h };
}

function holder(call: PyCall, prefix: PathExpr, name: string): Container {
  return newContainer({ framework: "flask", kind: "router", join: "flask", name, file: call.file, line: call.line, prefix });
}

/** A namespace's path: `path=` or "/" + its name, without a trailing slash (RESTX strips it). */
function namespace(call: PyCall): Container {
  const n = arg(call, 0, "name");
  const p = arg(call, 99, "path");
  const raw = p.v?.k === "str" ? p.v.v : n.v?.k === "str" ? `/${n.v.v}` : undefined;
  return holder(call, raw === undefined ? pathArg(p.v ?? n.v, p.text ?? n.text) : [{ s: raw.replace(/\/+$/, "") }], n.v?.k === "str" ? n.v.v : "Namespace");
}

function attach(c: Container, app: PyValue | undefined, call: PyCall): void {
  const target = asContainer(app);
  if (target) include(target, c, undefined, call);
}

/** add_namespace(ns, path=) registers the namespace at that path instead of its own. */
function include(parent: Container, child: Container, path: PathExpr | undefined, call: PyCall): void {
  child.included = true;
  parent.entries.push({ t: "include", child, prefix: path ?? [], replacesChildPrefix: path !== undefined, file: call.file, line: call.line });
}

/** One route per URL, with the methods the Resource class defines. */
function addResource(c: Container, cls: PyValue | undefined, clsText: string | undefined, urls: PyValue[], texts: string[], call: PyCall, cx: Interpreter): void {
  const methods = cls?.k === "cls" ? classMethods(cx, cls, {}) : [];
  urls.forEach((url, i) => {
    c.entries.push({ t: "route", methods: methods.length ? methods : ["ANY"], path: pathArg(url, texts[i]), handler: handlerName(cls, clsText), file: call.file, line: call.line });
  });
}
