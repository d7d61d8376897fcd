import type { SgNode } from "@ast-grep/napi";
import type { JsCall, JsEvaluator, JsKnowledge, JsValue } from "../../lang/typescript/routes-eval.js";
import { newContainer, type Container, type Entry, type PathExpr } from "../route-graph.js";
import { regexRoutePath } from "./regex-path.js";

/** Methods that declare a route on an app, a router or a `route(path)` builder. */
const METHODS = new Set(["get", "post", "put", "patch", "delete", "options", "head", "all", "trace", "search", "query"]);

const value = (c: Container): JsValue => ({ k: "x", tag: "express", data: c });
const methodOf = (m: string) => (m === "all" ? "ANY" : m.toUpperCase());

/** Short name of a handler argument: the identifier, the named function, or "anonymous". */
export function handlerName(node: SgNode | undefined): string {
  if (!node) return "?";
  const k = node.kind();
  if (k === "arrow_function" || k === "function_expression" || k === "function") return node.field("name")?.text() ?? "anonymous";
  const t = node.text().replace(/\s+/g, " ");
  return t.length > 60 ? t.slice(0, 57) + "..." : t;
}

/** A path argument: one string, several (an array), or the unresolved expression. */
export function pathsOf(node: SgNode | undefined, call: JsCall, ev: JsEvaluator): PathExpr[] {
  if (!node) return [[]];
  const v = ev.eval(node, call.scope, call.mod);
  if (v.k === "str") return [[{ s: v.v }]];
  if (v.k === "arr" && v.items.length && v.items.every((i) => i.k === "str")) return v.items.map((i) => [{ s: (i as { v: string }).v }]);
  if (v.k === "x" && v.tag === "regex") {
    const { pattern, flags } = v.data as { pattern: string; flags: string };
    const t = regexRoutePath(pattern, flags);
    return [["path" in t ? { s: t.path, raw: node.text() } : { u: `${node.text()}: ${t.why}` }]];
  }
  return [[{ u: node.text() }]];
}

function isPathLike(v: JsValue): boolean {
  return v.k === "str" || (v.k === "arr" && v.items.length > 0 && v.items.every((i) => i.k === "str"));
}

/**
 * Express 4/5: `express()`, `express.Router()` / `Router()`, `app.METHOD(path, ...handlers)`,
 * `app.route(path).get(h).post(h2)`, and `app.use([prefix], ...routers)` at any depth.
 */
export const expressRoutes: JsKnowledge = {
  pkgCall(pkg, call) {
    if (pkg.name !== "express") return undefined;
    const p = pkg.path.filter((x) => x !== "default" && x !== "*").join(".");
    const file = call.mod.file;
    if (p === "") return value(newContainer({ framework: "express", kind: "app", join: "axum", name: "express()", file, line: call.line, prefix: [] }));
    // express.static(root): a middleware serving files below its mount point, by GET (and HEAD).
    if (p === "static") return { k: "x", tag: "express-static", data: call.args[0]?.text() ?? "" };
    if (p === "Router") return value(newContainer({ framework: "express", kind: "router", join: "axum", name: "Router()", file, line: call.line, prefix: [] }));
    return undefined;
  },
  method(recv, name, call, ev) {
    if (recv.k !== "x") return undefined;
    if (recv.tag === "express-route") {
      // One Route object: once `.all()` is on it, it answers every method and its other verbs add nothing.
      const r = recv.data as RouteBuilder;
      if (!METHODS.has(name) || r.any) return recv;
      if (name === "all") {
        r.any = true;
        for (const e of r.added) r.c.entries.splice(r.c.entries.indexOf(e), 1);
      }
      r.added.push(...addRoutes(r.c, r.paths, name, call, call.args));
      return recv;
    }
    if (recv.tag !== "express") return undefined;
    const c = recv.data as Container;
    if (name === "route") return { k: "x", tag: "express-route", data: { c, paths: pathsOf(call.args[0], call, ev), added: [], any: false } satisfies RouteBuilder };
    if (name === "use") return use(c, recv, call, ev);
    // `app.get("title")` reads a setting: a route needs a handler after the path.
    if (METHODS.has(name) && call.args.length >= 2) addRoutes(c, pathsOf(call.args[0], call, ev), name, call, call.args.slice(1));
    return recv;
  },
};

interface RouteBuilder {
  c: Container;
  paths: PathExpr[];
  added: Entry[];
  any: boolean;
}

function addRoutes(c: Container, paths: PathExpr[], method: string, call: JsCall, args: SgNode[]): Entry[] {
  // `app.get(path, auth, handler, errorHandler)`: the handler is the last argument that is not an error handler.
  const handler = handlerName([...args].reverse().find((a) => !/error/i.test(a.kind() === "identifier" || a.kind() === "member_expression" ? a.text() : "")) ?? args[args.length - 1]);
  const added: Entry[] = paths.map((path) => ({ t: "route", methods: [methodOf(method)], path, handler, file: call.mod.file, line: call.line }));
  c.entries.push(...added);
  return added;
}

function use(c: Container, recv: JsValue, call: JsCall, ev: JsEvaluator): JsValue {
  const args = call.args;
  const first = args[0] ? ev.eval(args[0], call.scope, call.mod) : undefined;
  // An unknown first argument is a path when it is named like one or written as one (`/${key}`, "/" + name).
  const pathish = (t: string) => (!/\(/.test(t) && /path|prefix|url|base|route/i.test(t)) || /^[`'"]\//.test(t);
  const hasPath = !!first && (isPathLike(first) || (args.length > 1 && first.k === "unk" && !first.local && pathish(args[0]!.text())));
  // Express drops a mount path's trailing slash: use("/", r) and use("/api/", r) mount at "" and "/api".
  const prefixes = (hasPath ? pathsOf(args[0], call, ev) : [[]]).map((p) => p.map((x) => ("s" in x ? { s: x.s.replace(/\/+$/, "") } : x)));
  const rest = hasPath ? args.slice(1) : args;
  const values: Array<{ v: JsValue; node: SgNode }> = [];
  for (const a of rest) {
    const v = ev.eval(a, call.scope, call.mod);
    if (v.k === "arr") v.items.forEach((i) => values.push({ v: i, node: a }));
    else values.push({ v, node: a });
  }
  for (const { v, node } of values) {
    for (const prefix of prefixes) {
      if (v.k === "x" && v.tag === "express-static") {
        c.entries.push({ t: "route", methods: ["GET"], path: [...prefix, { s: "/{path}" }], handler: `express.static(${String(v.data)})`, file: call.mod.file, line: call.line });
      } else if (v.k === "x" && v.tag === "express") {
        const child = v.data as Container;
        child.included = true;
        c.entries.push({ t: "include", child, prefix, file: call.mod.file, line: call.line });
      } else if (v.k === "unk" && looksLikeRouter(node, v)) {
        // A router fks could not follow (a missing module, a factory in a package): shown, not guessed.
        c.entries.push({ t: "include", unresolved: node.text(), prefix, file: call.mod.file, line: call.line });
      }
    }
  }
  return recv;
}

/** Middleware (`cors()`, `express.json()`, `auth`) is not a router; names and local imports that look like one are. */
function looksLikeRouter(node: SgNode, v: Extract<JsValue, { k: "unk" }>): boolean {
  if (v.local) return true;
  if (node.kind() === "call_expression") return /rout|api|controller/i.test(node.field("function")?.text() ?? "");
  return !!v.local || /rout|api|controller/i.test(node.text());
}
