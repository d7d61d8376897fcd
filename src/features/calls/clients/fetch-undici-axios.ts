import type { SgNode } from "../../../lang/python/ast-grep.js";
import { asParam, concat, lit, unresolved, type EnvLookup, type Resolved } from "../target.js";
import type { RawCall } from "../python.js";

/** A JavaScript/TypeScript file that names none of these makes no call fks reads. */
export const JS_CALLISH = /\bfetch\s*\(|\baxios\b|\bundici\b|\bgot\s*\(/;

const AXIOS_METHODS = new Set(["get", "post", "put", "patch", "delete", "head", "options", "request"]);
const lineOf = (n: SgNode) => n.range().start.line + 1;

/** Loads the TypeScript grammar built into @ast-grep/napi (it also reads JavaScript). */
export async function jsTree(): Promise<(src: string) => SgNode> {
  const napi = await import("@ast-grep/napi");
  return (src) => napi.parse(napi.Lang.TypeScript, src).root() as unknown as SgNode;
}

/** `{ method: "POST", timeout: 5000, signal: … }` as property name → value node. */
function props(obj: SgNode | undefined): Map<string, SgNode> {
  const out = new Map<string, SgNode>();
  if (obj?.kind() !== "object") return out;
  for (const p of obj.children()) {
    if (p.kind() === "pair") out.set(p.field("key")!.text().replace(/["']/g, ""), p.field("value")!);
    else if (p.kind() === "shorthand_property_identifier") out.set(p.text(), p);
  }
  return out;
}

/** fetch (global or undici's), undici.request, axios and axios.create() instances. */
export function jsCalls(file: string, root: SgNode, env: EnvLookup): RawCall[] {
  const text = root.text();
  const undici = /["']undici["']/.test(text);
  const instances = new Map<string, Map<string, SgNode>>();
  for (const c of root.findAll({ rule: { kind: "call_expression", has: { field: "function", regex: "^axios\\.create$" } } })) {
    const decl = c.parent();
    const name = decl?.kind() === "variable_declarator" ? decl.field("name")?.text() : undefined;
    if (name) instances.set(name, props(c.field("arguments")?.children().find((x) => x.isNamed())));
  }
  const out: RawCall[] = [];
  for (const call of root.findAll({ rule: { kind: "call_expression" } })) {
    const fn = call.field("function")!;
    const f = fn.text();
    const args = (call.field("arguments")?.children() ?? []).filter((c) => c.isNamed());
    let client: string | undefined;
    let method = "GET";
    let url = args[0];
    let opts: Map<string, SgNode> = new Map();
    let base: SgNode | undefined;
    let timeout: string | undefined;
    if (f === "fetch" || f === "undici.fetch") {
      client = undici ? "undici" : "fetch";
      opts = props(args[1]);
    } else if (f === "request" && undici || f === "undici.request") {
      client = "undici";
      opts = props(args[1]);
    } else if (f === "axios" && args[0]?.kind() === "object") {
      client = "axios";
      opts = props(args[0]);
      url = opts.get("url");
    } else if (fn.kind() === "member_expression") {
      const obj = fn.field("object")!.text();
      const prop = fn.field("property")!.text();
      const inst = instances.get(obj);
      if ((obj === "axios" || inst) && AXIOS_METHODS.has(prop)) {
        client = "axios";
        method = prop.toUpperCase();
        const cfg = /^(post|put|patch)$/.test(prop) ? args[2] : args[1];
        opts = new Map([...(inst ?? []), ...props(prop === "request" ? args[0] : cfg)]);
        if (prop === "request") url = opts.get("url");
        base = opts.get("baseURL");
      }
    }
    if (!client || !url) continue;
    const m = opts.get("method");
    if (m) method = /^["'`]\w+["'`]$/.test(m.text()) ? m.text().slice(1, -1).toUpperCase() : `<${m.text()}>`;
    if (client === "axios") timeout = opts.get("timeout")?.text();
    else if (opts.has("signal") && /timeout|AbortSignal|controller/i.test(opts.get("signal")!.text())) timeout = opts.get("signal")!.text();
    else if (opts.has("headersTimeout")) timeout = opts.get("headersTimeout")!.text();
    if (timeout === "0") timeout = undefined;
    let resolved = resolveJs(url, root, env, 0);
    if (base) resolved = concat([resolveJs(base, root, env, 0), resolved]);
    const headers = opts.get("headers")?.text() ?? "";
    const fnNode = call.ancestors().find((a) => /function|method_definition|arrow_function/.test(String(a.kind())));
    out.push({
      file,
      line: lineOf(call),
      client,
      method,
      function: fnNode?.field("name")?.text(),
      background: false,
      expression: url.text().replace(/\s+/g, " "),
      resolved,
      timeout,
      noTimeoutHint: client === "axios" ? "axios waits for ever by default: pass { timeout: 5000 } or set it in axios.create()" : "pass { signal: AbortSignal.timeout(5000) }: fetch has no deadline of its own",
      breaker: call.ancestors().some((a) => a.kind() === "call_expression" && /breaker|circuit|opossum/i.test(a.field("function")?.text() ?? "")) ? "breaker.fire/call" : undefined,
      retry: call.ancestors().some((a) => a.kind() === "call_expression" && /retry|backoff/i.test(a.field("function")?.text() ?? "")) ? { by: "retry wrapper", bounded: true, backoff: true, methods: "all" } : undefined,
      trace: /traceparent|propagation\.inject/i.test(headers + (fnNode?.text() ?? "")) || /@opentelemetry\/instrumentation-(http|undici|fetch)/.test(text) ? "traceparent header" : undefined,
    });
  }
  return out;
}

function resolveJs(n: SgNode, root: SgNode, env: EnvLookup, depth: number): Resolved {
  if (depth > 8) return unresolved(`too many indirections: ${n.text()}`);
  const k = n.kind();
  if (k === "string") return lit(n.text().slice(1, -1));
  if (k === "template_string") {
    const parts: Resolved[] = [];
    for (const c of n.children()) {
      if (c.kind() === "string_fragment") parts.push(lit(c.text()));
      else if (c.kind() === "template_substitution") {
        const e = c.children().find((x) => x.isNamed());
        parts.push(e ? resolveJs(e, root, env, depth + 1) : asParam("value"));
      }
    }
    return concat(parts);
  }
  if (k === "binary_expression") {
    const op = n.child(1)?.text();
    const l = n.field("left")!;
    const r = n.field("right")!;
    if (op === "+") return concat([resolveJs(l, root, env, depth + 1), resolveJs(r, root, env, depth + 1)]);
    if (op === "??" || op === "||") {
      const left = resolveJs(l, root, env, depth + 1);
      return "unresolved" in left ? resolveJs(r, root, env, depth + 1) : left;
    }
  }
  if (k === "parenthesized_expression") return resolveJs(n.children().find((c) => c.isNamed())!, root, env, depth + 1);
  const envName = /^process\.env\.(\w+)$|^process\.env\[["'](\w+)["']\]$/.exec(n.text());
  if (envName) {
    const name = (envName[1] ?? envName[2])!;
    const v = env(name);
    return v ? lit(v.value, [v.source]) : unresolved(`$${name} is set nowhere fks reads (compose, Kubernetes, .env)`);
  }
  if (k === "identifier") {
    const decl = root.find({ rule: { kind: "variable_declarator", has: { field: "name", regex: `^${n.text()}$` } } });
    const v = decl?.field("value");
    if (v) return resolveJs(v, root, env, depth + 1);
  }
  return asParam(n.text());
}
