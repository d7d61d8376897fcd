import type { JsCall, JsEvaluator, JsKnowledge, JsValue } from "../../lang/typescript/routes-eval.js";
import { handlerName } from "../express/routes.js";
import { newContainer, type Container, type PathExpr } from "../route-graph.js";
import { autoload } from "./autoload.js";
import { addRoute, handlerFromOpts, literalPrefix, mount, routeFromOptions, value } from "./context.js";

const METHODS = new Set(["get", "post", "put", "patch", "delete", "options", "head", "all", "trace", "search", "query"]);

/**
 * Fastify 4/5: `Fastify()`, shorthand methods `app.get(url, [opts], handler)`, `app.route({method,
 * url, handler})`, and `app.register(plugin, {prefix})` with plugins from other modules, inline,
 * or wrapped in fastify-plugin (which shares its parent's prefix and ignores its own).
 */
export const fastifyRoutes: JsKnowledge = {
  pkgCall(pkg, call, ev) {
    const p = pkg.path.filter((x) => x !== "default" && x !== "*").join(".");
    if (pkg.name === "fastify" && (p === "" || p === "fastify")) {
      return value(newContainer({ framework: "fastify", kind: "app", join: "fastify", name: "fastify()", file: call.mod.file, line: call.line, prefix: [] }));
    }
    if (pkg.name === "fastify-plugin" && (p === "" || p === "fastify-plugin")) {
      const fn = call.args[0] ? ev.eval(call.args[0], call.scope, call.mod) : undefined;
      return fn ? { k: "x", tag: "fastify-fp", data: fn } : undefined;
    }
    return undefined;
  },
  method(recv, name, call, ev) {
    if (recv.k !== "x" || recv.tag !== "fastify") return undefined;
    const c = recv.data as Container;
    const { args, scope, mod } = call;
    if (METHODS.has(name) && args.length >= 2) {
      const opts = args.length >= 3 ? ev.eval(args[1]!, scope, mod) : ev.eval(args[args.length - 1]!, scope, mod);
      const handlerNode = args.length >= 3 || args[1]!.kind() !== "object" ? args[args.length - 1] : undefined;
      const handler = handlerNode ? handlerName(handlerNode) : handlerFromOpts(opts);
      addRoute(c, [name === "all" ? "ANY" : name.toUpperCase()], [ev.pathPiece(args[0], scope, mod)], handler, { file: mod.file, line: call.line });
    } else if (name === "route" && args[0]) {
      routeFromOptions(c, ev.eval(args[0], scope, mod), { file: mod.file, line: call.line });
    } else if (name === "register" && args[0]) {
      register(c, recv, call, ev);
    }
    return recv;
  },
};

function register(c: Container, recv: JsValue, call: JsCall, ev: JsEvaluator): void {
  const { args, scope, mod } = call;
  let plugin = ev.eval(args[0]!, scope, mod);
  const opts = args[1] ? ev.eval(args[1], scope, mod) : ({ k: "obj", props: new Map() } as JsValue);
  // An ES module namespace (`import("./routes.js")`, `import * as r`) registers its default export.
  if (plugin.k === "obj" && plugin.props.has("default")) plugin = plugin.props.get("default")!;
  if (plugin.k === "pkg" && plugin.name === "@fastify/autoload") {
    autoload(c, recv, opts, call, ev);
    return;
  }
  let shared = false;
  if (plugin.k === "x" && plugin.tag === "fastify-fp") {
    plugin = plugin.data as JsValue;
    shared = true;
  }
  if (plugin.k !== "fn") {
    if (plugin.k === "pkg") return; // @fastify/cors, @fastify/helmet, …: plugins from npm add no routes of the service.
    c.entries.push({ t: "include", unresolved: args[0]!.text(), prefix: prefixOf(opts, args[1]?.text()), file: mod.file, line: call.line });
    return;
  }
  mount(c, recv, plugin, { shared, prefix: prefixOf(opts, args[1]?.text()), opts, file: mod.file, line: call.line }, ev);
}

function prefixOf(opts: JsValue, text: string | undefined): PathExpr {
  if (opts.k === "obj") {
    const p = opts.props.get("prefix");
    if (!p) return [];
    return p.k === "str" ? literalPrefix(p.v) : [{ u: p.k === "unk" ? p.text : "prefix" }];
  }
  return opts.k === "unk" && text ? [{ u: `${text}.prefix` }] : [];
}
