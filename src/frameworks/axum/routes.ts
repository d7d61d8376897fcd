import type { RValue, RustCall, RustEvaluator, RustKnowledge } from "../../lang/rust/eval.js";
import { handlerName, resolveFn, type RustFn } from "../../lang/rust/items.js";
import { newContainer, type Container } from "../route-graph.js";

type MethodRouter = Array<{ method: string; handler: string }>;

const METHOD_FNS = new Set(["get", "post", "put", "patch", "delete", "head", "options", "trace", "connect", "any"]);
const upper = (m: string) => (m === "any" ? "ANY" : m.toUpperCase());

const router = (c: Container): RValue => ({ k: "x", tag: "axum-router", data: c });
const methodRouter = (m: MethodRouter): RValue => ({ k: "x", tag: "axum-mr", data: m });

/** `MethodFilter::GET.or(MethodFilter::POST)`: every method the filter names. */
function filterMethods(text: string): string[] {
  const out = [...text.matchAll(/MethodFilter::([A-Z]+)/g)].map((m) => m[1]!);
  return out.length ? out : [`<${text}>`];
}

/** Routers handed to axum::serve (or Server::serve) are the service's roots. */
function markRoot(v: RValue): void {
  if (v.k === "x" && v.tag === "axum-router") (v.data as Container).kind = "app";
}

/**
 * axum: Router::new() chains with route/nest/merge/nest_service/route_service, method
 * routers (get(h).post(h2), on(MethodFilter::X, h), any), and the router given to serve.
 */
export const axumRoutes: RustKnowledge = {
  call(call, ev) {
    const { name, args } = call;
    const last = name.split("::").pop()!;
    if (/^(axum::)?Router::(new|default)$/.test(name)) {
      return router(newContainer({ framework: "axum", kind: "router", join: "axum", name: "Router::new()", file: call.fn.file, line: call.line, prefix: [] }));
    }
    // utoipa-axum: an axum router that also collects the OpenAPI document of its handlers.
    if (/(^|::)OpenApiRouter::(new|default|with_openapi)$/.test(name)) {
      return router(newContainer({ framework: "axum", kind: "router", join: "axum", name: "OpenApiRouter::new()", file: call.fn.file, line: call.line, prefix: [] }));
    }
    const plain = last.replace(/_service$/, "");
    // axum's get(handler) takes the handler; a bare get() is another framework's builder (actix-web).
    if (METHOD_FNS.has(plain) && args.length > 0 && /^(axum::)?(routing::)?[a-z_]+$/.test(name)) return methodRouter([{ method: upper(plain), handler: handlerName(args[0]) }]);
    if (last === "on" && args.length >= 2) return methodRouter(filterMethods(args[0]!.text()).map((method) => ({ method, handler: handlerName(args[1]) })));
    if (/(^|::)serve$/.test(name)) {
      for (const a of args) markRoot(ev.eval(a, call.env, call.fn));
      return { k: "unk", text: call.text };
    }
    return undefined;
  },
  method(recv, name, call, ev) {
    if (recv.k === "x" && recv.tag === "axum-mr") {
      const base = name.replace(/_service$/, "");
      const mr = recv.data as MethodRouter;
      if (base === "on" && call.args.length >= 2) return methodRouter([...mr, ...filterMethods(call.args[0]!.text()).map((method) => ({ method, handler: handlerName(call.args[1]) }))]);
      return METHOD_FNS.has(base) ? methodRouter([...mr, { method: upper(base), handler: handlerName(call.args[0]) }]) : recv;
    }
    if (recv.k !== "x" || recv.tag !== "axum-router") {
      if (name === "serve" || name === "serve_with_incoming") for (const a of call.args) markRoot(ev.eval(a, call.env, call.fn));
      return undefined;
    }
    return routerMethod(recv.data as Container, recv, name, call, ev);
  },
};

function routerMethod(c: Container, recv: RValue, name: string, call: RustCall, ev: RustEvaluator): RValue {
  const { args, env, fn, line } = call;
  const file = fn.file;
  switch (name) {
    case "route": {
      const mr = args[1] ? ev.eval(args[1], env, fn) : undefined;
      const methods = mr?.k === "x" && mr.tag === "axum-mr" ? (mr.data as MethodRouter) : [{ method: "ANY", handler: handlerName(args[1]) }];
      for (const m of methods) c.entries.push({ t: "route", methods: [m.method], path: [ev.pathArg(args[0], env, fn)], handler: m.handler, file, line });
      return recv;
    }
    case "route_service": {
      // A method router is a service too: route_service("/x", get(h)) answers GET only.
      const svc = args[1] ? ev.eval(args[1], env, fn) : undefined;
      const methods = svc?.k === "x" && svc.tag === "axum-mr" ? (svc.data as MethodRouter) : [{ method: "ANY", handler: handlerName(args[1]) }];
      for (const m of methods) c.entries.push({ t: "route", methods: [m.method], path: [ev.pathArg(args[0], env, fn)], handler: m.handler, file, line });
      return recv;
    }
    case "nest":
    case "merge": {
      const childNode = name === "nest" ? args[1] : args[0];
      const child = childNode ? ev.eval(childNode, env, fn) : undefined;
      const prefix = name === "nest" ? [ev.pathArg(args[0], env, fn)] : [];
      if (child?.k === "x" && child.tag === "axum-router") {
        const cc = child.data as Container;
        // `if !prefix.is_empty() { app = Router::new().nest(&prefix, app) }`: the router is served
        // either way, bare or under the prefix; both are listed.
        if (name === "nest" && ev.inBranch && /^&?\s*[A-Za-z_]\w*$/.test(childNode!.text())) cc.root = c.root = true;
        else cc.included = true;
        c.entries.push({ t: "include", child: cc, prefix, file, line });
      } else c.entries.push({ t: "include", unresolved: childNode?.text() ?? "?", prefix, file, line });
      return recv;
    }
    case "routes":
      utoipaRoutes(c, call, ev);
      return recv;
    case "split_for_parts":
      // `let (router, api) = api_router.split_for_parts();`
      return { k: "x", tag: "tuple", data: [recv, { k: "unk", text: "OpenApi" }] satisfies RValue[] };
    case "nest_service":
      // A service nested at a prefix answers the prefix and everything below it.
      c.entries.push({ t: "route", methods: ["ANY"], path: [ev.pathArg(args[0], env, fn), { s: "/{*rest}" }], handler: handlerName(args[1]), file, line });
      return recv;
    default:
      // layer, with_state, fallback, into_make_service, …: the same routes.
      return recv;
  }
}

const UTOIPA_METHOD = /^\s*(get|post|put|patch|delete|head|options|trace)\b/;

/**
 * utoipa-axum `.routes(routes!(a, b))`: each handler's `#[utoipa::path(get, path = "/x")]` gives
 * its method and path. A handler fks cannot find (another crate) leaves the call unresolved.
 */
function utoipaRoutes(c: Container, call: RustCall, ev: RustEvaluator): void {
  const { args, fn, line } = call;
  const arg = args[0];
  const tree = arg?.kind() === "macro_invocation" ? arg.children().find((x) => x.kind() === "token_tree") : undefined;
  const handlers = tree ? tree.text().slice(1, -1).split(",").map((h) => h.trim()).filter(Boolean) : [];
  const found: Array<{ method: string; path: string; handler: string; fn: RustFn; line: number }> = [];
  for (const h of handlers) {
    const target = resolveFn(ev.index, h, fn.module, ev.crateDir);
    const attr = target ? utoipaPath(target) : undefined;
    if (!target || !attr) {
      c.entries.push({ t: "include", unresolved: arg!.text(), prefix: [], file: fn.file, line });
      return;
    }
    found.push({ ...attr, handler: h, fn: target });
  }
  if (!tree) c.entries.push({ t: "include", unresolved: arg?.text() ?? "?", prefix: [], file: fn.file, line });
  for (const f of found) c.entries.push({ t: "route", methods: [f.method], path: [{ s: f.path }], handler: f.handler, file: f.fn.file, line: f.line });
}

function utoipaPath(fn: RustFn): { method: string; path: string; line: number } | undefined {
  for (let prev = fn.node.prev(); prev && (prev.kind() === "attribute_item" || String(prev.kind()).endsWith("comment")); prev = prev.prev()) {
    const text = prev.text();
    const m = /^#\[\s*(?:utoipa::)?path\s*\(([\s\S]*)\)\s*\]$/.exec(text);
    if (!m) continue;
    const method = UTOIPA_METHOD.exec(m[1]!)?.[1];
    const path = /\bpath\s*=\s*"([^"]*)"/.exec(m[1]!)?.[1];
    if (method && path !== undefined) return { method: method.toUpperCase(), path, line: prev.range().start.line + 1 };
  }
  return undefined;
}
