import type { Interpreter, PyCall, PyKnowledge } from "../../lang/python/interp.js";
import { items, type PyValue } from "../../lang/python/values.js";
import type { Container, Entry, PathExpr } from "../route-graph.js";
import { arg, asContainer, containerValue, handlerName, makeContainer, pathArg, rootOf, tail } from "../python-routes.js";

interface Decorator { methods: string[]; paths: PathExpr[]; call: PyCall }
interface Handler { methods: string[]; paths: PathExpr[]; handler: string; file: string; line: number }

const SHORTCUTS = ["get", "post", "put", "patch", "delete", "head"];

/**
 * Litestar: route handlers (@get/@post/…/@route(http_method=)) with one path or a list,
 * Controller classes with a `path`, Router(path=, route_handlers=[…]) and Litestar(route_handlers=[…]),
 * plus app.register(). Litestar writes every path with one leading and no trailing slash, and
 * joins a prefix and a "/" handler into the bare prefix: the axum join over normalised pieces.
 */
export const litestarRoutes: PyKnowledge = {
  packages: ["litestar"],
  construct(q, call, cx) {
    if (rootOf(q) !== "litestar") return undefined;
    const name = tail(q);
    if (SHORTCUTS.includes(name)) return decorator([name.toUpperCase()], call);
    if (name === "route") return decorator(httpMethods(arg(call, 99, "http_method").v), call);
    if (name === "Litestar" || name === "Router") {
      const p = arg(call, 99, "path");
      const c = makeContainer("litestar", name === "Litestar" ? "app" : "router", "axum", call, name === "Router" ? normalise(pathArg(p.v, p.text)) : []);
      c.entries.push(...handlerEntries(arg(call, name === "Litestar" ? 0 : 99, "route_handlers").v, cx, call));
      return containerValue(c);
    }
    return undefined;
  },
  method(self, name, call, cx) {
    const c = asContainer(self);
    if (c?.framework !== "litestar" || name !== "register") return undefined;
    c.entries.push(...handlerEntries({ k: "seq", items: call.args }, cx, call));
    return { k: "none" };
  },
  // Controllers registered by a plugin's on_app_init or a config object fks does not follow
  // still carry their own path: listed, and marked as not mounted when an app is known.
  classDefined(cls, cx) {
    if (isController(cls)) controller(cls, cx);
  },
  decorate(dec, target) {
    if (dec.k !== "x" || dec.tag !== "ls-decorator") return undefined;
    const d = dec.data as Decorator;
    return { k: "x", tag: "ls-handler", data: { methods: d.methods, paths: d.paths, handler: handlerName(target), file: d.call.file, line: d.call.line } satisfies Handler };
  },
};

function decorator(methods: string[], call: PyCall): PyValue {
  const p = arg(call, 0, "path");
  const list = p.v && p.v.k !== "none" ? (p.v.k === "seq" ? p.v.items : [p.v]) : [{ k: "str", v: "/" } as PyValue];
  return { k: "x", tag: "ls-decorator", data: { methods, paths: list.map((v) => normalise(pathArg(v, p.text))), call } satisfies Decorator };
}

/** http_method="GET", [HttpMethod.GET, "PUT"]: upper-case names, unknown ones kept as written. */
function httpMethods(v: PyValue | undefined): string[] {
  const list = v?.k === "seq" ? v.items : v ? [v] : [];
  const out = list.map((m) => (m.k === "str" ? m.v.toUpperCase() : m.k === "ext" ? tail(m.q).toUpperCase() : `<${m.k === "unk" ? m.text : "?"}>`));
  return out.length ? out : ["ANY"];
}

/** "/orders/" → "/orders", "" → "/": how Litestar spells every path it registers. */
function normalise(p: PathExpr): PathExpr {
  if (p.length !== 1 || !("s" in p[0]!)) return p;
  return [{ s: "/" + p[0].s.split("/").filter(Boolean).join("/") }];
}

function handlerEntries(list: PyValue | undefined, cx: Interpreter, call: PyCall): Entry[] {
  const out: Entry[] = [];
  for (const item of items(list) ?? []) {
    if (item.k === "x" && item.tag === "ls-handler") out.push(...routes(item.data as Handler));
    else if (item.k === "cls" && isController(item)) {
      const c = controller(item, cx, call);
      c.included = true;
      out.push({ t: "include", child: c, prefix: [], file: call.file, line: call.line });
    } else {
      const child = asContainer(item);
      if (child?.framework !== "litestar") continue;
      child.included = true;
      out.push({ t: "include", child, prefix: [], file: call.file, line: call.line });
    }
  }
  return out;
}

/** One container per controller class, whether an app registers it or not. */
function controller(cls: Extract<PyValue, { k: "cls" }>, cx: Interpreter, call?: PyCall): Container {
  const memo = cls.scope.module.memo;
  const key = `litestar-controller:${cls.node.id()}`;
  let c = memo.get(key) as Container | undefined;
  if (!c) {
    const p = cx.classAttr(cls, "path");
    const line = cls.node.range().start.line + 1;
    c = makeContainer("litestar", "router", "axum", { args: [], kw: new Map(), argText: [], kwText: new Map(), ...call, file: cls.file, line, text: cls.name }, p ? normalise(pathArg(p, cls.name)) : []);
    c.name = cls.name;
    c.entries.push(...controllerHandlers(cls, cx).flatMap(routes));
    memo.set(key, c);
  }
  return c;
}

function routes(h: Handler): Entry[] {
  return h.paths.map((path) => ({ t: "route", methods: h.methods, path, handler: h.handler, file: h.file, line: h.line }));
}

function isController(cls: Extract<PyValue, { k: "cls" }>, seen = new Set<string>()): boolean {
  if (seen.has(cls.name)) return false;
  seen.add(cls.name);
  return cls.bases.some((b) => (b.k === "ext" && rootOf(b.q) === "litestar" && tail(b.q) === "Controller") || (b.k === "cls" && isController(b, seen)));
}

/** The decorated methods of a controller class and of the controllers it inherits from. */
function controllerHandlers(cls: Extract<PyValue, { k: "cls" }>, cx: Interpreter): Handler[] {
  const out: Handler[] = [];
  for (const b of cls.bases) if (b.k === "cls" && isController(b)) out.push(...controllerHandlers(b, cx));
  for (const st of cls.node.field("body")?.children() ?? []) {
    if (st.kind() !== "decorated_definition") continue;
    const name = st.field("definition")?.field("name")?.text() ?? "?";
    for (const d of st.children().filter((c) => c.kind() === "decorator")) {
      const expr = d.namedChildren()[0];
      const dec = expr ? cx.eval(expr, cls.scope) : undefined;
      if (dec?.k !== "x" || dec.tag !== "ls-decorator") continue;
      const data = dec.data as Decorator;
      out.push({ methods: data.methods, paths: data.paths, handler: `${cls.name}.${name}`, file: cls.file, line: d.range().start.line + 1 });
    }
  }
  return out;
}
