import type { SgNode } from "../../../lang/python/ast-grep.js";
import { retryOfLoop } from "../retry.js";
import { asParam, concat, lit, unresolved, type EnvLookup, type Resolved } from "../target.js";
import type { TargetSource } from "../types.js";
import type { RawCall } from "../python.js";

/** A Rust file that names none of these makes no call fks reads. */
export const RS_CALLISH = /\breqwest|\bClientWithMiddleware\b|\bhyper(_util)?\b/;

const METHODS = new Set(["get", "post", "put", "patch", "delete", "head"]);
const lineOf = (n: SgNode) => n.range().start.line + 1;

export interface RustCrateCalls {
  /** Files that may make calls (they name reqwest); `all` is every file of the crate, for constants. */
  files: string[];
  all: string[];
  tree: (f: string) => SgNode;
  read: (f: string) => string;
  env: EnvLookup;
  rel: (f: string) => string;
}

/**
 * reqwest (and reqwest-middleware, whose client has the same builder API): `client.get(url)…send()`,
 * `reqwest::get(url)`, `client.request(Method::POST, url)`. A builder chain that never reaches
 * `.send()` is not a request (`map.get(k)` looks the same).
 */
export function reqwestCalls(crate: RustCrateCalls): RawCall[] {
  const all = crate.all.map(crate.read).join("\n");
  const builderTimeout = /Client::builder\(\)[\s\S]{0,400}?\.timeout\s*\(([^)]*\)?)\)/.exec(all) ?? /ClientBuilder::new\(\)[\s\S]{0,400}?\.timeout\s*\(([^)]*\)?)\)/.exec(all);
  const middlewareRetry = /RetryTransientMiddleware/.test(all);
  const tracing = /TracingMiddleware/.test(all) ? "reqwest-tracing TracingMiddleware" : undefined;
  const out: RawCall[] = [];
  for (const file of crate.files) {
    for (const call of crate.tree(file).findAll({ rule: { kind: "call_expression" } })) {
      const fn = call.field("function")!;
      let method: string | undefined;
      let urlNode: SgNode | undefined;
      const args = (call.field("arguments")?.children() ?? []).filter((c) => c.isNamed());
      let free = false;
      if (fn.kind() === "scoped_identifier" && /^(reqwest::)?(blocking::)?get$/.test(fn.text()) && /reqwest/.test(fn.text())) {
        method = "GET";
        urlNode = args[0];
        free = true;
      } else if (fn.kind() === "field_expression") {
        const name = fn.field("field")!.text();
        if (METHODS.has(name) && args.length === 1) {
          method = name.toUpperCase();
          urlNode = args[0];
        } else if (name === "request" && args.length === 2) {
          const m = /Method::([A-Z]+)|"([A-Za-z]+)"/.exec(args[0]!.text());
          method = m ? (m[1] ?? m[2])!.toUpperCase() : `<${args[0]!.text()}>`;
          urlNode = args[1];
        }
      }
      if (!method || !urlNode) continue;
      const chain = chainAbove(call);
      if (!free && !chain.methods.includes("send")) continue;
      const recv = fn.kind() === "field_expression" ? fn.field("value")!.text() : "";
      const facts = rustFacts(call);
      let timeout: string | undefined;
      const t = chain.methods.indexOf("timeout");
      if (t >= 0) timeout = chain.args[t];
      else if (facts.timeout) timeout = facts.timeout;
      else if (!free && !/Client::new\(\)/.test(recv) && builderTimeout) timeout = `${builderTimeout[1]} (client builder)`;
      const headers = chain.text;
      const trace = /traceparent/i.test(headers) ? "traceparent header" : facts.trace ?? tracing;
      out.push({
        file,
        line: lineOf(call),
        client: "reqwest",
        method,
        function: facts.fn,
        background: facts.background,
        expression: urlNode.text().replace(/\s+/g, " "),
        resolved: resolveRust(urlNode, call, crate, 0),
        timeout,
        noTimeoutHint: "reqwest waits for ever by default: build the client with Client::builder().timeout(Duration::from_secs(5)).connect_timeout(…)",
        retry: facts.retry ?? (middlewareRetry && !free ? { by: "reqwest-retry RetryTransientMiddleware", bounded: true, backoff: true, methods: "all" } : undefined),
        breaker: facts.breaker,
        trace,
      });
    }
  }
  return out;
}

/** The builder methods called on a request after it is made: `.header(…).timeout(…).send()`. */
function chainAbove(call: SgNode): { methods: string[]; args: string[]; text: string } {
  const methods: string[] = [];
  const args: string[] = [];
  let n: SgNode = call;
  for (;;) {
    const p = n.parent();
    if (!p) break;
    if (p.kind() === "field_expression" && p.field("value")?.id() === n.id()) {
      const gp = p.parent();
      if (gp?.kind() === "call_expression") {
        methods.push(p.field("field")!.text());
        args.push((gp.field("arguments")?.text() ?? "()").slice(1, -1));
        n = gp;
        continue;
      }
      n = p;
      continue;
    }
    if (p.kind() === "await_expression" || p.kind() === "try_expression") {
      n = p;
      continue;
    }
    break;
  }
  return { methods, args, text: n.text() };
}

/** What the code around a call adds: its function, a retry loop or helper, a breaker, trace injection, a `tokio::time::timeout` around it, a spawn. */
export function rustFacts(call: SgNode): { fn?: string; retry?: RawCall["retry"]; breaker?: string; trace?: string; timeout?: string; background: boolean } {
  let fn: string | undefined;
  let timeout: string | undefined;
  let retry: RawCall["retry"];
  let breaker: string | undefined;
  let trace: string | undefined;
  let background = false;
  for (const a of call.ancestors()) {
    const k = a.kind();
    if (k === "function_item") {
      fn ??= a.field("name")!.text();
      if (!trace && /inject_context|get_text_map_propagator/.test(a.text().replace(/\/\/.*$/gm, ""))) trace = "trace context injected in the function";
    } else if (k === "loop_expression") retry ??= retryOfLoop(a.text(), "loop", lineOf(a));
    else if (k === "for_expression" && /\bin\s+0\s*\.\./.test(a.text().split("{")[0]!)) retry ??= retryOfLoop(a.text(), "for", lineOf(a));
    else if (k === "call_expression" && a.id() !== call.id()) {
      const f = a.field("function")?.text() ?? "";
      if (/breaker|circuit|failsafe/i.test(f)) breaker ??= f;
      if (/(^|::)spawn$/.test(f)) background = true;
      if (/^(tokio::)?(time::)?timeout$/.test(f.replace(/\s+/g, ""))) timeout ??= `${(a.field("arguments")?.children() ?? []).find((c) => c.isNamed())?.text() ?? "?"} (tokio::time::timeout)`;
      if (/retry|Retry|backoff/.test(f)) retry ??= { by: f, bounded: true, backoff: /backoff|Exponential/i.test(a.text()), methods: "all", line: lineOf(a) };
    } else if (k === "impl_item" && /Breaker|Circuit/i.test(a.field("type")?.text() ?? "")) breaker ??= `impl ${a.field("type")!.text()}`;
  }
  return { fn, retry, breaker, trace, timeout, background };
}

/** Literals, `format!`, `let` bindings, consts, struct fields and `std::env::var(…).unwrap_or(…)`. */
export function resolveRust(n: SgNode, at: SgNode, crate: RustCrateCalls, depth: number): Resolved {
  if (depth > 10) return unresolved(`too many indirections: ${n.text()}`);
  const k = n.kind();
  const text = n.text();
  if (k === "string_literal" || k === "raw_string_literal") return lit(text.replace(/^r?#*"|"#*$/g, ""));
  if (k === "integer_literal") return lit(text);
  if (k === "reference_expression" || k === "parenthesized_expression" || k === "try_expression") return resolveRust(n.children().filter((c) => c.isNamed()).at(-1)!, at, crate, depth + 1);
  if (k === "macro_invocation" && /^format\s*!/.test(text)) return rustFormat(n, at, crate, depth);
  const env = /env::var\s*\(\s*"(\w+)"\s*\)/.exec(text);
  if (env) {
    const v = crate.env(env[1]!);
    if (v) return lit(v.value, [v.source]);
    const d = /unwrap_or(?:_else)?\s*\(\s*(?:\|[^|]*\|\s*)?(?:String::from\()?"([^"]*)"/.exec(text);
    if (d) return lit(d[1]!, [{ kind: "env-default", detail: `$${env[1]} not set in compose, Kubernetes or .env: the code's default`, line: lineOf(n) }]);
    return unresolved(`$${env[1]} is set nowhere fks reads (compose, Kubernetes, .env) and has no default`);
  }
  if (k === "call_expression" || k === "method_call_expression") {
    // `x.parse::<Uri>()` is a generic function around the method.
    const f = n.field("function")?.kind() === "generic_function" ? n.field("function")!.field("function") : n.field("function");
    if (f?.kind() === "field_expression" && /^(to_string|to_owned|as_str|clone|into|try_into|trim_end_matches|as_ref|parse|unwrap|expect|ok)$/.test(f.field("field")!.text())) return resolveRust(f.field("value")!, at, crate, depth + 1);
    if (f && /^(String::from|(reqwest::)?Url::parse|((hyper|http)::)?(uri::)?Uri::(from_static|try_from|from_str|from_maybe_shared))$/.test(f.text())) {
      const a = n.field("arguments")?.children().find((c) => c.isNamed());
      if (a) return resolveRust(a, at, crate, depth + 1);
    }
    // A helper returning the URL: `fn data_url() -> String { env::var(…).unwrap_or_else(…) }`.
    const name = f?.text().split("::").pop();
    const tail = f && /^[A-Za-z_][\w:]*$/.test(f.text()) ? rustFnTail(name!, crate) : undefined;
    if (tail) return resolveRust(tail, tail, crate, depth + 1);
    return unresolved(`the value of a call: ${text.slice(0, 80)}`);
  }
  if (k === "identifier") return rustName(text, at, crate, depth);
  if (k === "field_expression") return rustField(n.field("field")!.text(), n, at, crate, depth);
  return asParam(text);
}


function rustFormat(n: SgNode, at: SgNode, crate: RustCrateCalls, depth: number): Resolved {
  const tt = n.children().find((c) => c.kind() === "token_tree");
  const items = (tt?.children() ?? []).filter((c) => c.isNamed());
  const fmtNode = items[0];
  if (!fmtNode || fmtNode.kind() !== "string_literal") return unresolved(`format string is not a literal: ${n.text()}`);
  const fmt = fmtNode.text().slice(1, -1);
  // Arguments are token trees, not expressions: split at commas, then read a name, `a.b`, `f()` or a literal.
  const groups: SgNode[][] = [[]];
  for (const c of (tt?.children() ?? []).slice(1, -1)) {
    if (c.text() === ",") groups.push([]);
    else groups.at(-1)!.push(c);
  }
  const argNodes = groups.slice(1).map((g) => g.filter((c) => c.text() !== "&"));
  const argValue = (g: SgNode[]): Resolved => {
    if (g.length === 1) return resolveRust(g[0]!, at, crate, depth + 1);
    if (g.length === 2 && g[0]!.kind() === "identifier" && g[1]!.text() === "()") {
      const tail = rustFnTail(g[0]!.text(), crate);
      return tail ? resolveRust(tail, tail, crate, depth + 1) : unresolved(`the value of a call: ${g[0]!.text()}()`);
    }
    const last = g.filter((c) => c.kind() === "identifier").at(-1);
    if (last && g.some((c) => c.text() === ".")) return rustField(last.text(), last, at, crate, depth + 1);
    return asParam(g.map((c) => c.text()).join(""));
  };
  const parts: Resolved[] = [];
  let last = 0;
  let i = 0;
  for (const m of fmt.matchAll(/\{(\w*)(?::[^}]*)?\}/g)) {
    parts.push(lit(fmt.slice(last, m.index).replace(/\{\{/g, "{").replace(/\}\}/g, "}")));
    const name = m[1];
    if (name && !/^\d+$/.test(name)) parts.push(rustName(name, at, crate, depth + 1));
    else {
      const a = argNodes[name ? Number(name) : i++];
      parts.push(a?.length ? argValue(a) : asParam("value"));
    }
    last = m.index! + m[0].length;
  }
  parts.push(lit(fmt.slice(last)));
  return concat(parts);
}

/** `let NAME = …` before the call in its function, a parameter, then a `const`/`static` of the crate. */
function rustName(name: string, at: SgNode, crate: RustCrateCalls, depth: number): Resolved {
  const fn = at.ancestors().find((a) => a.kind() === "function_item");
  if (fn) {
    const lets = fn.findAll({ rule: { kind: "let_declaration", has: { field: "pattern", regex: `^(mut\\s+)?${name}$` } } }).filter((l) => l.range().start.index < at.range().start.index);
    const v = lets.at(-1)?.field("value");
    if (v) return resolveRust(v, v, crate, depth + 1);
    if (new RegExp(`\\b${name}\\s*:`).test(fn.field("parameters")?.text() ?? "")) return asParam(name);
  }
  for (const f of crate.all) {
    if (!new RegExp(`\\b(const|static)\\s+${name}\\b`).test(crate.read(f))) continue;
    const item = crate.tree(f).find({ rule: { any: [{ kind: "const_item" }, { kind: "static_item" }], has: { field: "name", regex: `^${name}$` } } });
    const v = item?.field("value");
    if (v) return withSource(resolveRust(v, v, crate, depth + 1), { kind: "constant", detail: name, file: crate.rel(f), line: lineOf(item!) });
  }
  return asParam(name);
}

/** `state.data_url`, `self.base`: the value the field is initialised with (`data_url: env::var(…)…`). */
function rustField(field: string, n: SgNode, at: SgNode, crate: RustCrateCalls, depth: number): Resolved {
  for (const f of crate.all) {
    if (!new RegExp(`\\b${field}\\s*:`).test(crate.read(f))) continue;
    const init = crate.tree(f).find({ rule: { kind: "field_initializer", has: { field: "field", regex: `^${field}$` } } });
    const v = init?.field("value");
    if (v) return withSource(resolveRust(v, v, crate, depth + 1), { kind: "settings", detail: field, file: crate.rel(f), line: lineOf(init!) });
  }
  void at;
  return asParam(n.text());
}

/** The value with where it was read first, then where that came from (the constant, then the env var it reads). */
function withSource(r: Resolved, first: TargetSource): Resolved {
  return { ...r, sources: [first, ...r.sources] };
}

/** The tail expression of a crate function `name` (its returned value), when it has one. */
function rustFnTail(name: string, crate: RustCrateCalls): SgNode | undefined {
  for (const f of crate.all) {
    if (!new RegExp(`\\bfn\\s+${name}\\b`).test(crate.read(f))) continue;
    const fn = crate.tree(f).find({ rule: { kind: "function_item", has: { field: "name", regex: `^${name}$` } } });
    const body = fn?.field("body")?.children().filter((c) => c.isNamed());
    const last = body?.at(-1);
    if (last && !/^(let_declaration|expression_statement|line_comment|block_comment)$/.test(String(last.kind()))) return last;
  }
  return undefined;
}
