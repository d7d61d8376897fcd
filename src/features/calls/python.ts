import type { SgNode } from "../../lang/python/ast-grep.js";
import { PY_CLIENTS } from "./clients/index.js";
import type { PyClient } from "./clients/types.js";
import { PyResolver, stringValue, type PyResolveCtx } from "./python-resolve.js";
import { retryOfDecorator, retryOfLoop, retryOfUrllib3 } from "./retry.js";
import { concat, lit, type Resolved } from "./target.js";
import type { RetryFact } from "./types.js";

/** One call as the Python reader sees it, before its target is mapped to a service. */
export interface RawCall {
  file: string;
  line: number;
  client: string;
  method: string;
  function?: string;
  background: boolean;
  expression: string;
  resolved: Resolved;
  timeout?: string;
  noTimeoutHint?: string;
  retry?: RetryFact;
  breaker?: string;
  trace?: string;
}

interface ClientObj {
  client: PyClient;
  node: SgNode;
  timeout?: string;
  baseUrl?: SgNode;
  file: string;
  retry?: RetryFact;
  trace?: string;
  breaker?: string;
}

const TRACE_TEXT = /traceparent|\binject\s*\(|TraceContextTextMapPropagator/i;
const BREAKER_TEXT = /breaker|circuit/i;
const BACKGROUND = /create_task|ensure_future|add_task|run_in_executor|\.submit$|start_soon|to_thread/;
const lineOf = (n: SgNode) => n.range().start.line + 1;

/** `import httpx as hx`, `from requests import Session`: local name → qualified name. */
export function aliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*import\s+([\w., ]+)$/gm)) {
    for (const part of m[1]!.split(",")) {
      const [mod, as] = part.trim().split(/\s+as\s+/);
      if (!mod) continue;
      if (as) out.set(as, mod);
      else out.set(mod.split(".")[0]!, mod.split(".")[0]!);
    }
  }
  for (const m of text.matchAll(/^\s*from\s+([\w.]+)\s+import\s+\(?([^)\n]*(?:\n[^)\n]*)*?)\)?$/gm)) {
    for (const part of m[2]!.replace(/#.*$/gm, "").split(/[,\n]/)) {
      const [name, as] = part.trim().split(/\s+as\s+/);
      if (name && /^\w+$/.test(name)) out.set(as ?? name, `${m[1]}.${name}`);
    }
  }
  return out;
}

export interface PyServiceCalls {
  /** Files that name a client library; `ctx.files` is every file of the service. */
  files: string[];
  trees: Map<string, SgNode>;
  ctx: PyResolveCtx;
  /** Extra text that says how the service runs (Dockerfile CMD/ENTRYPOINT). */
  runText: string;
}

/** Every outbound HTTP call of one Python service, with timeout, retry, breaker and trace facts. */
export function pythonCalls(svc: PyServiceCalls): RawCall[] {
  const resolver = new PyResolver(svc.ctx);
  const allText = svc.ctx.files.map(svc.ctx.read).join("\n");
  const instrumented = new Map(PY_CLIENTS.map((c) => [c.id, c.instrumentor.test(allText) ? c.instrumentor.source.split("\\")[0] : undefined]));
  const autoInstrument = /opentelemetry-instrument\b/.test(svc.runText) ? "opentelemetry-instrument" : undefined;
  // Functions handed to a breaker elsewhere: `breaker.call(fetch_quote, …)`, `await breaker.call_async(self._get, …)`.
  const guarded = new Set<string>();
  for (const m of allText.matchAll(/(breaker|circuit)\w*\s*\.\s*call(?:_async)?\s*\(\s*(?:self\.)?(\w+)/gi)) guarded.add(m[2]!);

  // Client objects, by the name they are bound to (file first, then the service).
  const serviceClients = new Map<string, ClientObj>();
  const perFile = new Map<string, { alias: Map<string, string>; clients: Map<string, ClientObj>; factories: Map<string, ClientObj>; calls: SgNode[] }>();
  for (const file of svc.files) {
    const allCalls = svc.trees.get(file)!.findAll({ rule: { kind: "call" } });
    const text = svc.ctx.read(file);
    const alias = aliases(text);
    const qualify = (t: string) => {
      const [head, ...rest] = t.replace(/\s+/g, "").split(".");
      return [alias.get(head!) ?? head, ...rest].join(".");
    };
    const clients = new Map<string, ClientObj>();
    const factories = new Map<string, ClientObj>();
    for (const call of allCalls) {
      const q = qualify(call.field("function")!.text());
      const client = PY_CLIENTS.find((c) => c.constructors.includes(q));
      if (!client) continue;
      const kw = keywords(call);
      const timeout = kw.get("timeout")?.text();
      const obj: ClientObj = { client, node: call, file, timeout, baseUrl: kw.get("base_url") };
      const ctorText = call.text();
      if (TRACE_TEXT.test(kw.get("headers")?.text() ?? "") || TRACE_TEXT.test(kw.get("event_hooks")?.text() ?? "")) obj.trace = "traceparent set on the client";
      if (BREAKER_TEXT.test(kw.get("transport")?.text() ?? "")) obj.breaker = `transport ${kw.get("transport")!.text().slice(0, 40)}`;
      const transport = /HTTPTransport\s*\([^)]*retries\s*=\s*(\d+)/.exec(ctorText);
      if (transport) obj.retry = { by: `httpx transport retries=${transport[1]} (connect errors only)`, bounded: true, backoff: true, methods: "idempotent", line: lineOf(call) };
      if (client.id === "urllib3") obj.retry = retryOfUrllib3(ctorText, lineOf(call)) ?? client.defaultRetry;
      const names = bindings(call);
      for (const n of names.vars) {
        clients.set(n, obj);
        if (!serviceClients.has(n)) serviceClients.set(n, obj);
      }
      for (const n of names.factories) {
        factories.set(n, obj);
        if (!serviceClients.has(`${n}()`)) serviceClients.set(`${n}()`, obj);
      }
      // requests: `session.mount("http://", HTTPAdapter(max_retries=Retry(...)))` in the same file.
      if (client.id === "requests") {
        const m = /\.mount\s*\([^\n]*HTTPAdapter\s*\(([^\n]*)/.exec(text);
        if (m) obj.retry = retryOfUrllib3(m[1]!, lineOf(call));
        if (/\.headers\.update\s*\([^)]*traceparent/i.test(text)) obj.trace = "traceparent set on the session";
      }
    }
    perFile.set(file, { alias, clients, factories, calls: allCalls });
  }

  // A client made in one module and used in another (`from app.http import client`): the user
  // names neither httpx nor requests, but calls a method on the client's name.
  const names = [...serviceClients.keys()].map((n) => n.replace(/\(\)$/, "")).filter((n) => /^\w+$/.test(n));
  const users: string[] = [];
  if (names.length) {
    const re = new RegExp(`\\b(${[...new Set(names)].join("|")})\\s*(\\(\\s*\\))?\\s*\\.\\s*(${PY_CLIENTS.flatMap((c) => c.methods).filter((m, i, a) => a.indexOf(m) === i).join("|")})\\s*\\(`);
    for (const f of svc.ctx.files) {
      if (perFile.has(f) || !re.test(svc.ctx.read(f))) continue;
      const tree = svc.ctx.tree(f);
      svc.trees.set(f, tree);
      perFile.set(f, { alias: aliases(svc.ctx.read(f)), clients: new Map(), factories: new Map(), calls: tree.findAll({ rule: { kind: "call" } }) });
      users.push(f);
    }
  }

  const out: RawCall[] = [];
  for (const file of [...svc.files, ...users]) {
    const { alias, clients, factories, calls: allCalls } = perFile.get(file)!;
    const text = svc.ctx.read(file);
    const qualify = (t: string) => {
      const [head, ...rest] = t.replace(/\s+/g, "").split(".");
      return [alias.get(head!) ?? head, ...rest].join(".");
    };
    const assignedHere = (n: string) => new RegExp(`\\b${n}\\s*=[^=]`).test(text);
    const clientOf = (recv: SgNode): ClientObj | undefined => {
      if (recv.kind() === "call") {
        const q = qualify(recv.field("function")!.text());
        const ctor = PY_CLIENTS.find((c) => c.constructors.includes(q));
        if (ctor) return { client: ctor, node: recv, file, timeout: keywords(recv).get("timeout")?.text() };
        const fname = q.split(".").pop()!;
        return factories.get(fname) ?? serviceClients.get(`${fname}()`);
      }
      if (recv.kind() === "await") return clientOf(recv.child(1) ?? recv);
      const last = recv.text().split(".").pop()!;
      return clients.get(last) ?? (assignedHere(last) && recv.kind() === "identifier" ? undefined : serviceClients.get(last));
    };
    for (const call of allCalls) {
      const fn = call.field("function")!;
      const q = qualify(fn.text());
      let client = PY_CLIENTS.find((c) => c.functions.includes(q));
      let obj: ClientObj | undefined;
      let verb = q.split(".").pop()!;
      if (!client && fn.kind() === "attribute") {
        verb = fn.field("attribute")!.text();
        obj = PY_CLIENTS.some((c) => c.methods.includes(verb)) ? clientOf(fn.field("object")!) : undefined;
        if (obj && obj.client.methods.includes(verb)) client = obj.client;
        else obj = undefined;
      }
      if (!client) continue;
      const args = (call.field("arguments")?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== "comment");
      const pos = args.filter((a) => a.kind() !== "keyword_argument" && a.kind() !== "list_splat" && a.kind() !== "dictionary_splat");
      const kw = new Map(args.filter((a) => a.kind() === "keyword_argument").map((a) => [a.field("name")!.text(), a.field("value")!]));
      let method = verb.toUpperCase();
      let urlNode = kw.get("url") ?? pos[0];
      if (client.methodFirst.includes(verb)) {
        const m = stringValue(kw.get("method") ?? pos[0]);
        method = m ? m.toUpperCase() : `<${(kw.get("method") ?? pos[0])?.text() ?? "method"}>`;
        urlNode = kw.get("url") ?? pos[1];
      }
      if (client.id === "urllib") {
        method = kw.has("data") || pos[1] ? "POST" : "GET";
        if (urlNode?.kind() === "call" && /(^|\.)Request$/.test(urlNode.field("function")!.text())) {
          const rk = keywords(urlNode);
          const m = stringValue(rk.get("method"));
          method = m ? m.toUpperCase() : rk.has("data") ? "POST" : method;
          urlNode = rk.get("url") ?? (urlNode.field("arguments")!.children().filter((c) => c.isNamed())[0]);
        }
      }
      if (!urlNode) continue;
      const facts = ancestorsFacts(call, text, guarded, kw.has("headers"));
      let resolved = resolver.resolveAt(urlNode, file, facts.scopes);
      if (obj?.baseUrl && "parts" in resolved && !/^https?:/i.test(firstText(resolved))) {
        const base = resolver.resolve(obj.baseUrl, obj.file);
        const baseText = "parts" in base ? base.parts.map((p) => ("s" in p ? p.s : "")).join("") : "";
        const sep = baseText.endsWith("/") || firstText(resolved).startsWith("/") ? "" : "/";
        resolved = concat([base, lit(sep), resolved]);
        resolved.sources.unshift({ kind: "base-url", detail: obj.baseUrl.text(), file: svc.ctx.rel(obj.file), line: lineOf(obj.node) });
      }
      const callTimeout = kw.get("timeout")?.text();
      let timeout: string | undefined = callTimeout ?? obj?.timeout ?? client.defaultTimeout;
      if (timeout === "None") timeout = undefined;
      const headers = kw.get("headers")?.text() ?? "";
      const trace = TRACE_TEXT.test(headers) ? "traceparent header" : obj?.trace ?? facts.trace ?? instrumented.get(client.id) ?? autoInstrument;
      out.push({
        file,
        line: lineOf(call),
        client: client.id,
        method,
        function: facts.fn,
        background: facts.background,
        expression: urlNode.text().replace(/\s+/g, " "),
        resolved,
        timeout,
        noTimeoutHint: client.timeoutHint,
        retry: facts.retry ?? obj?.retry ?? (obj ? undefined : client.defaultRetry),
        breaker: facts.breaker ?? obj?.breaker,
        trace,
      });
    }
  }
  return out;
}

function firstText(r: Resolved): string {
  if (!("parts" in r)) return "";
  const p = r.parts[0];
  return p && "s" in p ? p.s : "";
}

function keywords(call: SgNode): Map<string, SgNode> {
  const out = new Map<string, SgNode>();
  for (const a of call.field("arguments")?.children() ?? []) if (a.kind() === "keyword_argument") out.set(a.field("name")!.text(), a.field("value")!);
  return out;
}

/** The names a client construction is bound to: `client = …`, `self.http = …`, `with … as c`, `def get_client(): return …`. */
function bindings(call: SgNode): { vars: string[]; factories: string[] } {
  const vars: string[] = [];
  const factories: string[] = [];
  let n: SgNode | null = call.parent();
  while (n && (n.kind() === "await" || n.kind() === "parenthesized_expression")) n = n.parent();
  if (!n) return { vars, factories };
  if (n.kind() === "assignment" && n.field("left")) vars.push(n.field("left")!.text().split(".").pop()!);
  else if (n.kind() === "as_pattern") {
    const t = n.children().find((c) => c.kind() === "as_pattern_target");
    if (t) vars.push(t.text().split(".").pop()!);
  } else if (n.kind() === "return_statement" || n.kind() === "yield") {
    const def = n.ancestors().find((a) => a.kind() === "function_definition");
    if (def) factories.push(def.field("name")!.text());
  } else if (n.kind() === "keyword_argument") vars.push(n.field("name")!.text());
  return { vars, factories };
}

/** What surrounds the call: its function, decorators, loops, with-blocks and wrapper calls. */
function ancestorsFacts(call: SgNode, fileText: string, guarded: Set<string>, passesHeaders: boolean): { fn?: string; retry?: RetryFact; breaker?: string; trace?: string; background: boolean; scopes: SgNode[] } {
  const scopes: SgNode[] = [];
  let fn: string | undefined;
  let retry: RetryFact | undefined;
  let breaker: string | undefined;
  let trace: string | undefined;
  let background = false;
  let insideTry = false;
  for (const a of call.ancestors()) {
    const k = a.kind();
    if (k === "try_statement") insideTry = true;
    else if (k === "function_definition" || k === "lambda") {
      if (k === "function_definition") {
        scopes.push(a);
        const name = a.field("name")!.text();
        fn ??= name;
        if (guarded.has(name)) breaker ??= `passed to a breaker's call()`;
        // Headers built in the function from the incoming traceparent (or by propagate.inject) and passed to the call.
        if (!trace && passesHeaders && TRACE_TEXT.test(a.text().replace(/#.*$/gm, ""))) trace = "traceparent injected in the function";
        const deco = a.parent()?.kind() === "decorated_definition" ? a.parent()!.children().filter((c) => c.kind() === "decorator") : [];
        for (const d of deco) {
          const t = d.text();
          retry ??= retryOfDecorator(t, fileText, lineOf(d));
          if (BREAKER_TEXT.test(t)) breaker ??= t.split("(")[0]!;
        }
      }
    } else if (k === "class_definition") {
      const name = a.field("name")!.text();
      if (/Breaker|Circuit/i.test(name)) breaker ??= `class ${name}`;
    } else if (k === "with_statement") {
      const items = a.children().find((c) => c.kind() === "with_clause")?.text() ?? "";
      if (BREAKER_TEXT.test(items)) breaker ??= items.replace(/\s+/g, " ").slice(0, 60);
    } else if (k === "for_statement") {
      const iter = a.field("right")?.text() ?? "";
      const dec = retryOfDecorator(iter, fileText, lineOf(a));
      if (dec) retry ??= dec;
      else if (insideTry && /\brange\s*\(/.test(iter)) retry ??= retryOfLoop(a.text(), "for", lineOf(a));
    } else if (k === "while_statement") {
      if (insideTry) retry ??= retryOfLoop(a.text(), "while", lineOf(a));
    } else if (k === "call") {
      const f = a.field("function")?.text() ?? "";
      if (BREAKER_TEXT.test(f)) breaker ??= f;
      if (BACKGROUND.test(f)) background = true;
    }
  }
  return { fn, retry, breaker, trace, background, scopes };
}
