import type { RValue, RustCall, RustKnowledge } from "../../lang/rust/eval.js";
import { handlerName, resolveFn, type RustFn } from "../../lang/rust/items.js";
import type { SgNode } from "@ast-grep/napi";
import { newContainer, type Container, type Entry } from "../route-graph.js";

const VERBS = new Set(["get", "post", "put", "patch", "delete", "head", "options", "trace", "connect"]);

interface Resource { path: { s: string } | { u: string }; routes: Array<{ method: string; handler: string }>; line: number; file: string; guard?: string }
type MethodRoute = { method: string; handler: string };

const container = (c: Container): RValue => ({ k: "x", tag: "actix-scope", data: c });

/** `#[get("/x")]` / `#[route("/x", method = "GET", method = "POST")]` on a handler function. */
export function attributeRoutes(fn: RustFn): Array<{ methods: string[]; path: string; line: number }> {
  const out: Array<{ methods: string[]; path: string; line: number }> = [];
  for (let prev = fn.node.prev(); prev && (prev.kind() === "attribute_item" || String(prev.kind()).endsWith("comment")); prev = prev.prev()) {
    const attr = prev.children().find((c) => c.kind() === "attribute");
    const name = attr?.children()[0]?.text().split("::").pop();
    const tree = attr?.children().find((c) => c.kind() === "token_tree");
    const parts = tree?.children() ?? [];
    const path = parts.find(isString);
    if (!name || !path) continue;
    const line = prev.range().start.line + 1;
    if (VERBS.has(name)) out.push({ methods: [name.toUpperCase()], path: stringValue(path), line });
    else if (name === "route") {
      // Only `method = "…"` pairs name methods; `guard = "…"` and `wrap = "…"` are other options.
      const methods = parts.flatMap((p, i) => (p.kind() === "identifier" && p.text() === "method" && parts[i + 1]?.text() === "=" && parts[i + 2] && isString(parts[i + 2]!) ? [stringValue(parts[i + 2]!).toUpperCase()] : []));
      out.push({ methods, path: stringValue(path), line });
    }
  }
  return out;
}

const isString = (n: SgNode) => n.kind() === "string_literal" || n.kind() === "raw_string_literal";

/** The value of a Rust string literal with its escapes undone: `"{id:\\d+}"` and `r"{id:\d+}"` are both `{id:\d+}`. */
export function stringValue(n: SgNode): string {
  const t = n.text();
  if (n.kind() === "raw_string_literal") return t.replace(/^r(#*)"([\s\S]*)"\1$/, "$2");
  return t.slice(1, -1).replace(/\\(["\\nt'])/g, (_, c: string) => ({ n: "\n", t: "\t" })[c] ?? c);
}

/** `guard::Get()`, `guard::Method(Method::PUT)`: the method a guard admits, or undefined for other guards. */
function guardMethod(node: SgNode | undefined): string | undefined {
  const t = node?.text().replace(/\s+/g, "") ?? "";
  const m = /(?:^|::)guard::(Get|Post|Put|Patch|Delete|Head|Options|Trace|Connect)\(\)$/.exec(t) ?? /(?:^|::)guard::Method\((?:[\w:]*::)?([A-Z]+)\)$/.exec(t);
  return m?.[1]?.toUpperCase();
}

function serviceEntries(v: RValue, call: RustCall): Entry[] {
  if (v.k === "fnref") {
    return attributeRoutes(v.fn).map((a) => ({ t: "route", methods: a.methods.length ? a.methods : ["ANY"], path: [{ s: a.path }], handler: v.fn.name, file: v.fn.file, line: a.line }));
  }
  if (v.k === "x" && v.tag === "actix-scope") {
    const c = v.data as Container;
    c.included = true;
    return [{ t: "include", child: c, prefix: [], file: call.fn.file, line: call.line }];
  }
  if (v.k === "x" && v.tag === "actix-files") {
    const f = v.data as { path: { s: string } | { u: string }; line: number; file: string };
    const mount = "s" in f.path ? { s: f.path.s.replace(/\/+$/, "") } : f.path;
    return [{ t: "route", methods: ["GET"], path: [mount, { s: "/{path}" }], handler: "Files", file: f.file, line: f.line }];
  }
  if (v.k === "x" && v.tag === "actix-resource") {
    const r = v.data as Resource;
    const routes = r.routes.length ? r.routes : [{ method: "ANY", handler: "?" }];
    return routes.map((m) => ({ t: "route", methods: [m.method], path: [r.path], handler: m.handler, file: r.file, line: r.line }));
  }
  return [{ t: "include", unresolved: call.args[0]?.text() ?? "?", prefix: [], file: call.fn.file, line: call.line }];
}

/**
 * actix-web: App::new() and web::scope() with service/route/configure, web::resource()
 * with route/to, attribute macros on handlers, and the App built in HttpServer::new's closure.
 */
export const actixRoutes: RustKnowledge = {
  entryArgs(fn) {
    const params = fn.node.field("parameters")?.text() ?? "";
    if (!/\bServiceConfig\b/.test(params)) return undefined;
    const line = fn.node.range().start.line + 1;
    return [container(newContainer({ framework: "actix", kind: "router", join: "concat", name: `${fn.name}(cfg)`, file: fn.file, line, prefix: [] }))];
  },
  call(call, ev) {
    const { name, args } = call;
    const last = name.split("::").pop()!;
    if (/(^|::)App::new$/.test(name)) return container(newContainer({ framework: "actix", kind: "app", join: "concat", name: "App::new()", file: call.fn.file, line: call.line, prefix: [] }));
    if (/(^|::)HttpServer::new$/.test(name)) {
      const f = args[0] ? ev.eval(args[0], call.env, call.fn) : undefined;
      if (f?.k === "closure") ev.callClosure(f);
      else if (f?.k === "fnref") ev.run(f.fn);
      return { k: "unk", text: call.text };
    }
    if (/(^|::)(web::)?scope$/.test(name) && (name.includes("web::") || name === "scope")) {
      return container(newContainer({ framework: "actix", kind: "router", join: "concat", name: "web::scope", file: call.fn.file, line: call.line, prefix: [ev.pathArg(args[0], call.env, call.fn)] }));
    }
    if (/(^|::)web::resource$/.test(name) || name === "resource") {
      return { k: "x", tag: "actix-resource", data: { path: ev.pathArg(args[0], call.env, call.fn), routes: [], line: call.line, file: call.fn.file } satisfies Resource };
    }
    // actix-files: a directory served below its mount path, by GET and HEAD (other methods get 405).
    if (/(^|::)Files::new$/.test(name)) return { k: "x", tag: "actix-files", data: { path: ev.pathArg(args[0], call.env, call.fn), line: call.line, file: call.fn.file } };
    // web::redirect(from, to) answers every method at `from`.
    if (/(^|::)web::redirect$/.test(name) || name === "redirect") {
      return { k: "x", tag: "actix-resource", data: { path: ev.pathArg(args[0], call.env, call.fn), routes: [{ method: "ANY", handler: "redirect" }], line: call.line, file: call.fn.file } satisfies Resource };
    }
    // `use actix_web::web::{get, resource}` makes `get()` the route builder; it takes no arguments.
    const bare = args.length === 0 && /^(get|post|put|patch|delete|head|trace|route)$/.test(name);
    if (bare || /(^|::)web::(get|post|put|patch|delete|head|trace)$/.test(name) || (name === `web::${last}` && last === "route")) {
      return { k: "x", tag: "actix-route", data: { method: last === "route" ? "ANY" : last.toUpperCase(), handler: "?" } satisfies MethodRoute };
    }
    return undefined;
  },
  method(recv, name, call, ev) {
    if (recv.k !== "x") return undefined;
    const arg = (i: number) => (call.args[i] ? ev.eval(call.args[i]!, call.env, call.fn) : ({ k: "unk", text: "?" } as RValue));
    // Files::new(..).show_files_listing().index_file(..): the same mount.
    if (recv.tag === "actix-files") return recv;
    if (recv.tag === "actix-route") {
      const r = recv.data as MethodRoute;
      if (name === "to") return { k: "x", tag: "actix-route", data: { ...r, handler: handlerName(call.args[0]) } };
      if (name === "method") return { k: "x", tag: "actix-route", data: { ...r, method: call.args[0]?.text().split("::").pop()!.toUpperCase() ?? "ANY" } };
      if (name === "guard") {
        const m = guardMethod(call.args[0]);
        if (m) return { k: "x", tag: "actix-route", data: { ...r, method: m } };
      }
      return recv;
    }
    if (recv.tag === "actix-resource") {
      const r = recv.data as Resource;
      if (name === "route") {
        const m = arg(0);
        if (m.k === "x" && m.tag === "actix-route") r.routes.push(m.data as MethodRoute);
      } else if (name === "to") r.routes.push({ method: r.guard ?? "ANY", handler: handlerName(call.args[0]) });
      else if (name === "guard") r.guard = guardMethod(call.args[0]) ?? r.guard;
      else if (VERBS.has(name)) r.routes.push({ method: name.toUpperCase(), handler: handlerName(call.args[0]) });
      return recv;
    }
    if (recv.tag !== "actix-scope") return undefined;
    const c = recv.data as Container;
    if (name === "service") c.entries.push(...serviceEntries(arg(0), call));
    else if (name === "route") {
      const m = arg(1);
      const mr = m.k === "x" && m.tag === "actix-route" ? (m.data as MethodRoute) : { method: "ANY", handler: handlerName(call.args[1]) };
      c.entries.push({ t: "route", methods: [mr.method], path: [ev.pathArg(call.args[0], call.env, call.fn)], handler: mr.handler, file: call.fn.file, line: call.line });
    } else if (name === "configure") {
      // cfg functions receive a ServiceConfig; what they register lands in this scope.
      const f = arg(0);
      if (f.k === "fnref") ev.run(f.fn, [recv]);
      else if (f.k === "closure") {
        ev.callClosure(f, [recv]);
        // `|cfg| images::config(cfg, client)`: a cfg function of another crate, named in the closure.
        const param = f.node.field("parameters")?.namedChildren()[0]?.text().split(":")[0]!.trim();
        const body = f.node.field("body")?.text() ?? "";
        if (param && /^[A-Za-z_]\w*$/.test(param)) {
          for (const m of body.matchAll(new RegExp(`([A-Za-z_][\\w:]*)\\s*\\(\\s*&?(?:mut\\s+)?${param}\\b`, "g"))) {
            if (!resolveFn(ev.index, m[1]!, call.fn.module, ev.crateDir)) c.entries.push({ t: "include", unresolved: m[1]!, prefix: [], file: call.fn.file, line: call.line });
          }
        }
      }
      // A cfg function from another crate registers routes fks cannot see: say so instead of dropping them.
      else c.entries.push({ t: "include", unresolved: call.args[0]?.text() ?? "?", prefix: [], file: call.fn.file, line: call.line });
    }
    return recv;
  },
};
