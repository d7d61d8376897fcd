import type { SgNode } from "../../lang/python/ast-grep.js";
import { resolveFn, type RustFn, type RustIndex } from "../../lang/rust/items.js";
import { newContainer, type Container, type PathExpr } from "../route-graph.js";

type RValue =
  | { k: "router"; c: Container }
  | { k: "mr"; methods: Array<{ method: string; handler: string }> }
  | { k: "str"; v: string }
  | { k: "unk"; text: string };

const METHOD_FNS = new Set(["get", "post", "put", "patch", "delete", "head", "options", "trace", "connect", "any"]);
const PASS_THROUGH = new Set(["layer", "route_layer", "with_state", "fallback", "fallback_service", "clone", "into", "boxed", "method_not_allowed_fallback", "into_make_service", "into_make_service_with_connect_info"]);
const MAX_DEPTH = 16;

class Return {
  constructor(readonly value: RValue) {}
}

/**
 * Follows axum router construction: Router::new() chains, route/nest/merge/nest_service,
 * routers returned by functions in other modules, locals reassigned in a function body,
 * and the router handed to axum::serve.
 */
export class AxumEvaluator {
  readonly roots: Container[] = [];
  readonly evaluated = new Set<number>();
  private depth = 0;
  private active = new Set<number>();

  constructor(readonly index: RustIndex, readonly crateDir: string) {}

  /** Runs a function with unknown arguments and returns what it returns. */
  run(fn: RustFn, args: RValue[] = []): RValue {
    const id = fn.node.id();
    if (this.depth >= MAX_DEPTH || this.active.has(id)) return { k: "unk", text: `${fn.name}()` };
    this.evaluated.add(id);
    const env = new Map<string, RValue>();
    const params = fn.node.field("parameters")?.children().filter((c) => c.kind() === "parameter") ?? [];
    params.forEach((p, i) => {
      const name = p.field("pattern")?.text().replace(/^mut\s+/, "");
      if (name) env.set(name, args[i] ?? { k: "unk", text: name });
    });
    this.depth++;
    this.active.add(id);
    try {
      const body = fn.node.field("body");
      return body ? this.block(body, env, fn) : { k: "unk", text: fn.name };
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    } finally {
      this.depth--;
      this.active.delete(id);
    }
  }

  private block(node: SgNode, env: Map<string, RValue>, fn: RustFn): RValue {
    let last: RValue = { k: "unk", text: "()" };
    for (const st of node.children()) {
      if (!st.isNamed()) continue;
      const k = String(st.kind());
      if (k === "let_declaration") {
        const name = st.field("pattern")?.text().replace(/^mut\s+/, "");
        const value = st.field("value");
        if (name && value) env.set(name, this.eval(value, env, fn));
        last = { k: "unk", text: "()" };
      } else if (k === "expression_statement") {
        const inner = st.children().find((c) => c.isNamed());
        if (inner) this.eval(inner, env, fn);
        last = { k: "unk", text: "()" };
      } else if (k.endsWith("_item") || k === "attribute_item" || k === "line_comment" || k === "block_comment") {
        continue;
      } else {
        last = this.eval(st, env, fn);
      }
    }
    return last;
  }

  eval(node: SgNode, env: Map<string, RValue>, fn: RustFn): RValue {
    switch (node.kind()) {
      case "string_literal":
      case "raw_string_literal":
        return { k: "str", v: node.children().find((c) => c.kind() === "string_content")?.text() ?? node.text().replace(/^r?#*"|"#*$/g, "") };
      case "reference_expression":
      case "parenthesized_expression":
      case "try_expression":
      case "await_expression": {
        const inner = node.children().find((c) => c.isNamed() && c.kind() !== "mutable_specifier");
        return inner ? this.eval(inner, env, fn) : { k: "unk", text: node.text() };
      }
      case "identifier": {
        const v = env.get(node.text());
        if (v) return v;
        return this.constant(node.text(), fn) ?? { k: "unk", text: node.text() };
      }
      case "scoped_identifier":
        return this.constant(node.text(), fn) ?? { k: "unk", text: node.text() };
      case "assignment_expression": {
        const left = node.field("left");
        const right = node.field("right");
        if (left?.kind() === "identifier" && right) env.set(left.text(), this.eval(right, env, fn));
        return { k: "unk", text: "()" };
      }
      case "block":
        return this.block(node, env, fn);
      case "if_expression": {
        // Both branches may add routes; run them in order so neither is lost.
        const cons = node.field("consequence");
        const alt = node.field("alternative");
        const a = cons ? this.block(cons, env, fn) : undefined;
        const bNode = alt?.children().find((c) => c.isNamed());
        const b = bNode ? this.eval(bNode, env, fn) : undefined;
        return a?.k === "router" ? a : (b ?? a ?? { k: "unk", text: node.text() });
      }
      case "return_expression": {
        const inner = node.children().find((c) => c.isNamed());
        throw new Return(inner ? this.eval(inner, env, fn) : { k: "unk", text: "()" });
      }
      case "macro_invocation":
        return this.macro(node, env, fn);
      case "call_expression":
        return this.call(node, env, fn);
      default:
        return { k: "unk", text: node.text() };
    }
  }

  private constant(name: string, fn: RustFn): RValue | undefined {
    const segs = name.split("::");
    const cands = [[...fn.module, ...segs].join("::"), segs.filter((s) => s !== "crate" && s !== "self").join("::")];
    for (const key of cands) {
      const c = this.index.consts.get(key);
      if (c) return this.eval(c.node, new Map(), { ...fn, module: c.module, file: c.file });
    }
    return undefined;
  }

  private macro(node: SgNode, env: Map<string, RValue>, fn: RustFn): RValue {
    const name = node.field("macro")?.text() ?? node.children()[0]?.text();
    const tree = node.children().find((c) => c.kind() === "token_tree");
    if (name !== "format" || !tree) return { k: "unk", text: node.text() };
    const parts = tree.children().filter((c) => c.isNamed());
    const fmt = parts[0] ? this.eval(parts[0], env, fn) : undefined;
    if (fmt?.k !== "str") return { k: "unk", text: node.text() };
    const args = parts.slice(1).map((p) => this.eval(p, env, fn));
    let i = 0;
    let ok = true;
    const v = fmt.v.replace(/\{([A-Za-z_][A-Za-z0-9_]*)?\}/g, (_, named?: string) => {
      const x = named ? (env.get(named) ?? this.constant(named, fn)) : args[i++];
      if (x?.k === "str") return x.v;
      ok = false;
      return "";
    });
    return ok ? { k: "str", v: v.replace(/\{\{/g, "{").replace(/\}\}/g, "}") } : { k: "unk", text: node.text() };
  }

  private call(node: SgNode, env: Map<string, RValue>, fn: RustFn): RValue {
    const f = node.field("function")!;
    const argNodes = node.field("arguments")?.children().filter((c) => c.isNamed() && !String(c.kind()).endsWith("comment")) ?? [];
    const line = node.range().start.line + 1;
    if (f.kind() === "field_expression") {
      const method = f.field("field")!.text();
      const recvNode = f.field("value")!;
      const recv = this.eval(recvNode, env, fn);
      const mline = f.field("field")!.range().start.line + 1;
      return this.method(recv, method, argNodes, env, fn, mline, node);
    }
    const name = f.text().replace(/::<.*>$/, "");
    const last = name.split("::").pop()!;
    if (/^(axum::)?Router::new$|^Router::(new|default)$/.test(name)) {
      return { k: "router", c: newContainer({ framework: "axum", kind: "router", join: "axum", name: "Router::new()", file: fn.file, line, prefix: [] }) };
    }
    if (METHOD_FNS.has(last) && /^(axum::)?(routing::)?[a-z]+$/.test(name)) {
      return { k: "mr", methods: [{ method: last === "any" ? "ANY" : last.toUpperCase(), handler: argNodes[0]?.text() ?? "?" }] };
    }
    if (/_service$/.test(last) && METHOD_FNS.has(last.replace(/_service$/, ""))) {
      const m = last.replace(/_service$/, "");
      return { k: "mr", methods: [{ method: m === "any" ? "ANY" : m.toUpperCase(), handler: argNodes[0]?.text() ?? "?" }] };
    }
    if (last === "on" && argNodes.length >= 2) {
      const filter = argNodes[0]!.text().split("::").pop()!.toUpperCase();
      return { k: "mr", methods: [{ method: filter, handler: argNodes[1]!.text() }] };
    }
    if (/(^|::)serve$/.test(name)) {
      for (const a of argNodes) {
        const v = this.eval(a, env, fn);
        if (v.k === "router") this.markRoot(v.c);
      }
      return { k: "unk", text: node.text() };
    }
    const target = resolveFn(this.index, name.replace(/^Self::/, ""), fn.module, this.crateDir);
    if (target) return this.run(target, argNodes.map((a) => this.eval(a, env, fn)));
    return { k: "unk", text: node.text() };
  }

  private markRoot(c: Container): void {
    c.kind = "app";
    if (!this.roots.includes(c)) this.roots.push(c);
  }

  private method(recv: RValue, method: string, args: SgNode[], env: Map<string, RValue>, fn: RustFn, line: number, node: SgNode): RValue {
    if (recv.k === "mr") {
      const base = method.replace(/_service$/, "");
      if (METHOD_FNS.has(base)) return { k: "mr", methods: [...recv.methods, { method: base === "any" ? "ANY" : base.toUpperCase(), handler: args[0]?.text() ?? "?" }] };
      return recv;
    }
    if (recv.k !== "router") {
      if (method === "serve" || method === "serve_with_incoming") {
        for (const a of args) {
          const v = this.eval(a, env, fn);
          if (v.k === "router") this.markRoot(v.c);
        }
      }
      return recv.k === "unk" ? { k: "unk", text: node.text() } : recv;
    }
    const c = recv.c;
    const pathOf = (n: SgNode | undefined): PathExpr => {
      if (!n) return [{ u: "?" }];
      const v = this.eval(n, env, fn);
      return v.k === "str" ? [{ s: v.v }] : [{ u: n.text() }];
    };
    switch (method) {
      case "route": {
        const mr = args[1] ? this.eval(args[1], env, fn) : undefined;
        const methods = mr?.k === "mr" ? mr.methods : [{ method: "ANY", handler: args[1]?.text() ?? "?" }];
        for (const m of methods) c.entries.push({ t: "route", methods: [m.method], path: pathOf(args[0]), handler: m.handler, file: fn.file, line });
        return recv;
      }
      case "route_service":
        c.entries.push({ t: "route", methods: ["ANY"], path: pathOf(args[0]), handler: args[1]?.text() ?? "?", file: fn.file, line });
        return recv;
      case "nest":
      case "merge": {
        const childNode = method === "nest" ? args[1] : args[0];
        const child = childNode ? this.eval(childNode, env, fn) : undefined;
        const prefix = method === "nest" ? pathOf(args[0]) : [];
        if (child?.k === "router") {
          child.c.included = true;
          c.entries.push({ t: "include", child: child.c, prefix, file: fn.file, line });
        } else c.entries.push({ t: "include", unresolved: childNode?.text() ?? "?", prefix, file: fn.file, line });
        return recv;
      }
      case "nest_service":
        // A service nested at a prefix answers the prefix and everything below it.
        c.entries.push({ t: "route", methods: ["ANY"], path: [...pathOf(args[0]), { s: "/{*rest}" }], handler: args[1]?.text() ?? "?", file: fn.file, line });
        return recv;
      default:
        if (PASS_THROUGH.has(method)) return recv;
        return recv;
    }
  }
}
