import type { SgNode } from "../../../lang/python/ast-grep.js";
import type { RawCall } from "../python.js";
import { resolveRust, rustFacts, type RustCrateCalls } from "./reqwest.js";

const lineOf = (n: SgNode) => n.range().start.line + 1;
/** The crate uses hyper's own client: hyper 0.14's `hyper::Client`, or hyper 1's `hyper_util::client::legacy::Client`. */
const HYPER_CLIENT = /\bhyper::(client::)?Client\b|\bhyper::\{[^}]*\bClient\b|\bhyper_util::client::legacy\b|\blegacy::\{?[^;]*\bClient\b/;
/** The `http` request builder's shortcuts (`Request::post(uri)`) and its start (`Request::builder()`). */
const REQUEST_START = /^((hyper|http)::)?Request::(builder|get|post|put|patch|delete|head)$/;
/** Wrappers of a request or URI value that do not change it. */
const PASS = new Set(["unwrap", "expect", "ok", "parse", "into", "try_into", "clone"]);

/**
 * hyper clients: `client.request(req)` with `req` from the http crate's `Request::builder()`
 * (`.method(..)`, `.uri(..)`, `.header(..)`), and `client.get(uri)`. The receiver must be bound to a
 * hyper client (`Client::new()`, `Client::builder(…).build…(…)`, a parameter or field typed
 * `Client<…>`) in a crate that imports hyper's client, so `map.get(k)` is never a request.
 * hyper has no request timeout of its own: only a `tokio::time::timeout` around the call is one.
 */
export function hyperCalls(crate: RustCrateCalls): RawCall[] {
  if (!crate.all.some((f) => HYPER_CLIENT.test(crate.read(f)))) return [];
  const out: RawCall[] = [];
  for (const file of crate.files) {
    if (!/\bhyper|\bClient\b/.test(crate.read(file))) continue;
    for (const call of crate.tree(file).findAll({ rule: { kind: "call_expression" } })) {
      const fn = call.field("function")!;
      if (fn.kind() !== "field_expression") continue;
      const name = fn.field("field")!.text();
      const args = (call.field("arguments")?.children() ?? []).filter((c) => c.isNamed());
      if ((name !== "request" && name !== "get") || args.length !== 1) continue;
      if (!isHyperClient(fn.field("value")!, call)) continue;
      let method = "GET";
      let urlNode: SgNode | undefined = args[0];
      let headers = "";
      if (name === "request") {
        const req = requestBuilder(args[0]!, call);
        if (!req) continue;
        method = req.method;
        urlNode = req.uri;
        headers = req.headers;
      }
      if (!urlNode) continue;
      const facts = rustFacts(call);
      out.push({
        file,
        line: lineOf(call),
        client: "hyper",
        method,
        function: facts.fn,
        background: facts.background,
        expression: urlNode.text().replace(/\s+/g, " "),
        resolved: resolveRust(urlNode, call, crate, 0),
        timeout: facts.timeout,
        noTimeoutHint: "hyper has no request timeout: wrap the call in tokio::time::timeout(Duration::from_secs(5), client.request(req))",
        retry: facts.retry,
        breaker: facts.breaker,
        trace: /traceparent/i.test(headers) ? "traceparent header" : facts.trace,
      });
    }
  }
  return out;
}

/** `client` is a hyper client: bound by `let` in the function, a parameter, or a struct field of type `Client<…>`. */
function isHyperClient(recv: SgNode, at: SgNode): boolean {
  const text = recv.text().replace(/\s+/g, "");
  if (/^(hyper::)?Client::new\(\)$/.test(text)) return true;
  const fnItem = at.ancestors().find((a) => a.kind() === "function_item");
  const name = /^(?:self\.|\w+\.)?(\w+)$/.exec(text)?.[1];
  if (!name || !fnItem) return false;
  const made = /\bClient::(new|builder)\b|\.build_http\b|\bhyper::Client\b/;
  if (!text.includes(".")) {
    const lets = fnItem.findAll({ rule: { kind: "let_declaration" } }).filter((l) => l.field("pattern")?.text().replace(/^mut\s+/, "") === name && l.range().start.index < at.range().start.index);
    const last = lets.at(-1);
    if (last) return made.test(last.text());
    return new RegExp(`\\b${name}\\s*:\\s*&?\\s*(hyper::|legacy::)?Client\\s*<`).test(fnItem.field("parameters")?.text() ?? "");
  }
  // A field: some struct of the file declares it with a Client<…> type.
  const root = at.ancestors().at(-1) ?? at;
  return root.findAll({ rule: { kind: "field_declaration" } }).some((d) => d.field("name")?.text() === name && /^(hyper::|legacy::)?Client\s*</.test(d.field("type")?.text() ?? ""));
}

/** The request value's method, URI and header calls, read from its `Request::builder()` chain (inline or a `let`). */
function requestBuilder(arg: SgNode, at: SgNode): { method: string; uri?: SgNode; headers: string } | undefined {
  let node: SgNode | undefined = arg;
  let method: string | undefined;
  let uri: SgNode | undefined;
  const headers: string[] = [];
  let followed = false;
  for (let depth = 0; node && depth < 40; depth++) {
    if (node.kind() === "identifier" && !followed) {
      // `client.request(req)` or `req.clone()`: the `let req = …` before the call in its function.
      followed = true;
      const fnItem = at.ancestors().find((a) => a.kind() === "function_item");
      const name: string = node.text();
      const lets: SgNode[] = fnItem?.findAll({ rule: { kind: "let_declaration" } }).filter((l) => l.field("pattern")?.text().replace(/^mut\s+/, "") === name && l.range().start.index < at.range().start.index) ?? [];
      node = lets.at(-1)?.field("value") ?? undefined;
      continue;
    }
    if (node.kind() === "try_expression") {
      node = node.children().find((c) => c.isNamed());
      continue;
    }
    if (node.kind() !== "call_expression") return undefined;
    const f = node.field("function")!;
    const args = (node.field("arguments")?.children() ?? []).filter((c) => c.isNamed());
    if (f.kind() === "scoped_identifier" && REQUEST_START.test(f.text().replace(/\s+/g, ""))) {
      const start = f.text().split("::").pop()!;
      if (start !== "builder") {
        method ??= start.toUpperCase();
        uri ??= args[0];
      }
      return { method: method ?? "GET", uri, headers: headers.join(" ") };
    }
    if (f.kind() !== "field_expression") return undefined;
    const m = f.field("field")!.text();
    // The chain is read from its end: the last `.method()`/`.uri()` call wins, as in the builder.
    if (m === "method") method ??= /Method::([A-Z]+)|"([A-Za-z]+)"/.exec(args[0]?.text() ?? "")?.slice(1).find(Boolean)?.toUpperCase() ?? `<${args[0]?.text()}>`;
    else if (m === "uri") uri ??= args[0];
    else if (m === "header" || m === "headers") headers.push(args.map((a) => a.text()).join(" "));
    else if (m !== "body" && m !== "version" && m !== "extension" && !PASS.has(m)) return undefined;
    node = f.field("value") ?? undefined;
  }
  return undefined;
}
