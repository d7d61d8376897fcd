import type { JsEvaluator, JsValue } from "../../lang/typescript/routes-eval.js";
import { handlerName } from "../express/routes.js";
import { newContainer, type Container, type PathExpr } from "../route-graph.js";

/** A Fastify instance (the app or a plugin's encapsulated context) as an evaluator value. */
export const value = (c: Container): JsValue => ({ k: "x", tag: "fastify", data: c });

/** `route({method, url, handler})`, also what @fastify/autoload registers for a file exporting such an object. */
export function routeFromOptions(c: Container, o: JsValue, at: { file: string; line: number }): void {
  if (o.k !== "obj") return;
  const m = o.props.get("method");
  const methods = m?.k === "str" ? [m.v] : m?.k === "arr" ? m.items.map((i) => (i.k === "str" ? i.v : `<${i.k === "unk" ? i.text : "?"}>`)) : [`<${m?.k === "unk" ? m.text : "method"}>`];
  const url = o.props.get("url") ?? o.props.get("path");
  const path: PathExpr = url?.k === "str" ? [{ s: url.v }] : [{ u: url?.k === "unk" ? url.text : "url" }];
  addRoute(c, methods.map((x) => (x.startsWith("<") ? x : x.toUpperCase())), path, handlerFromOpts(o), at);
}

export function handlerFromOpts(o: JsValue): string {
  const h = o.k === "obj" ? o.props.get("handler") : undefined;
  if (!h) return "?";
  if (h.k === "fn") return handlerName(h.node);
  return h.k === "unk" ? h.text : "?";
}

export function addRoute(c: Container, methods: string[], path: PathExpr, handler: string, at: { file: string; line: number }): void {
  // Fastify's default prefixTrailingSlash "both": "/" under a prefix answers "/v1" and "/v1/".
  const root = path.length === 1 && "s" in path[0]! && path[0].s === "/";
  c.entries.push({ t: "route", methods, path, handler, file: at.file, line: at.line, ...(root ? { alsoBare: true } : {}) });
}

/**
 * Runs a plugin: in a new encapsulated context under `prefix`, or, when fastify-plugin wraps it
 * (skip-override), in its parent's context, where its own prefix is ignored.
 */
export function mount(c: Container, recv: JsValue, plugin: Extract<JsValue, { k: "fn" }>, how: { shared: boolean; prefix: PathExpr; opts: JsValue; file: string; line: number }, ev: JsEvaluator): void {
  if (how.shared) {
    ev.callFn(plugin, [recv, how.opts]);
    return;
  }
  const child = newContainer({ framework: "fastify", kind: "router", join: "fastify", name: handlerName(plugin.node), file: how.file, line: how.line, prefix: [] });
  child.included = true;
  c.entries.push({ t: "include", child, prefix: how.prefix, file: how.file, line: how.line });
  ev.callFn(plugin, [value(child), how.opts]);
}

/** A child container for a plugin fks builds itself (a route object @fastify/autoload wraps). */
export function mountContainer(c: Container, prefix: PathExpr, name: string, at: { file: string; line: number }): Container {
  const child = newContainer({ framework: "fastify", kind: "router", join: "fastify", name, file: at.file, line: at.line, prefix: [] });
  child.included = true;
  c.entries.push({ t: "include", child, prefix, file: at.file, line: at.line });
  return child;
}

/** Fastify puts a "/" between an instance's prefix and a plugin's prefix written without one. */
export function literalPrefix(p: string): PathExpr {
  return p === "" ? [] : [{ s: p.startsWith("/") ? p : "/" + p }];
}
