import path from "node:path";
import type { SgNode } from "../../lang/python/ast-grep.js";
import { importInsertLine, insertAfterLine, parsePython } from "../../lang/python/edit.js";
import type { GeneratedClient } from "../calls/generated.js";
import { aliases } from "../calls/python.js";
import type { OutboundCall } from "../calls/types.js";
import { splitPython, verifyBase, type RewireResult } from "./rewire.js";

const VERBS = new Set(["get", "post", "put", "patch", "delete", "head", "options"]);
const MODULE_FUNCS = /^(httpx|requests)\.(get|post|put|patch|delete|head|options|request)$/;
const CLIENT_CTORS = /^(httpx\.Client|httpx\.AsyncClient|requests\.Session|requests\.session|requests\.sessions\.Session)$/;
/** Per-request arguments both libraries and the generated client (httpx underneath) take the same way. */
const PASSED = new Set(["params", "json", "headers", "data", "content", "files", "timeout"]);
/** requests.Response attributes httpx.Response lacks: a caller using them would break. */
const REQUESTS_ONLY = /\.(ok|iter_content|raw|apparent_encoding|is_redirect|is_permanent_redirect)\b/;
const lineOf = (n: SgNode) => n.range().start.line + 1;

export interface PythonModuleRef {
  /** Absolute file of the generated module. */
  file: string;
  gen: GeneratedClient;
  /** `from webapp import resilience` (or `import resilience` when its folder is no package). */
  importLine: string;
  name: string;
}

/** The import callers use for the generated module: its package path from the first folder without __init__.py. */
export function moduleImport(file: string, isFile: (f: string) => boolean): { importLine: string; name: string } {
  const name = path.basename(file, ".py");
  const pkg: string[] = [];
  for (let d = path.dirname(file); isFile(path.join(d, "__init__.py")); d = path.dirname(d)) pkg.unshift(path.basename(d));
  return { importLine: pkg.length ? `from ${pkg.join(".")} import ${name}` : `import ${name}`, name };
}

interface Planned {
  call: OutboundCall;
  node: SgNode;
  replacement: string;
  /** Replace the `await` around the call too (a client method that was awaited). */
  range: { start: number; end: number };
  withHeader?: string;
  /** `with urlopen(…) as R:` that becomes `R = client.get(…)`; R.raise_for_status() keeps urlopen's HTTPError. */
  urlopen?: { name: string };
  /** A local `url = f"{BASE}/path"` used only by this call: its value becomes the path. */
  local?: { start: number; end: number; text: string };
  needsHttpx: boolean;
  handlers: SgNode[];
}

/**
 * Rewrites one file's direct httpx/requests calls to calls through the generated client, where
 * that keeps method, URL, params/json/headers and the errors the caller catches. Every call it
 * leaves alone is returned with the reason.
 */
export async function rewirePythonFile(file: string, text: string, calls: OutboundCall[], mod: PythonModuleRef, rel: string, deployed: (name: string) => string | undefined): Promise<RewireResult> {
  const out: RewireResult = { after: text, rewired: [], skipped: [] };
  const skip = (c: OutboundCall, why: string) => out.skipped.push({ file: rel, line: c.line, why });
  const root = await parsePython(text, file);
  const alias = aliases(text);
  const qualify = (t: string) => {
    const [head, ...rest] = t.replace(/\s+/g, "").split(".");
    return [alias.get(head!) ?? head, ...rest].join(".");
  };
  // Already imported (`from . import resilience` next to it, or the absolute import): reuse that name.
  const absolute = mod.importLine.replace(/^from\s+(\S+)\s+import\s+(\w+)$/, "$1.$2").replace(/^import\s+/, "");
  const bound = alias.get(mod.name);
  const importedHere = bound === absolute || (bound === `..${mod.name}` && path.dirname(file) === path.dirname(mod.file));
  const taken = new RegExp(`^\\s*(def|class)\\s+${mod.name}\\b|^\\s*${mod.name}\\s*=`, "m").test(text) || (bound !== undefined && !importedHere);
  const nodes = root.root().findAll({ rule: { kind: "call" } });
  const used = new Set<number>();
  const planned: Planned[] = [];
  for (const c of calls) {
    // The audit's call, found again by its line and URL expression (the file may have moved by lines the scaffold inserts).
    const same = nodes.filter((n) => !used.has(n.id()) && urlOf(n)?.text().replace(/\s+/g, " ") === c.target.expression);
    const node = same.find((n) => lineOf(n) === c.line) ?? same[0];
    if (!node) {
      skip(c, "fks could not find the call again in the file");
      continue;
    }
    used.add(node.id());
    const why = plan(node, c);
    if (typeof why === "string") skip(c, why);
    else planned.push(why);
  }

  function plan(node: SgNode, c: OutboundCall): Planned | string {
    if (taken) return `the name ${mod.name} is already used in the file: call the generated client by hand`;
    if (!c.target.service) return c.target.unresolved ? `target not resolved: ${c.target.unresolved}` : "an external host, not a service of the platform";
    const env = mod.gen.downstreams.get(c.target.service);
    if (!env) return `${c.target.service} is not a downstream of ${path.basename(mod.file)} (add it to DOWNSTREAMS, or rerun with --downstream ${c.target.service}=ENV)`;
    const fn = node.field("function")!;
    const q = qualify(fn.text());
    let verb: string;
    let method: string | undefined;
    let withHeader: string | undefined;
    let urlopen: Planned["urlopen"];
    const clientKw: SgNode[] = [];
    const args = (node.field("arguments")?.children() ?? []).filter((a) => a.isNamed() && a.kind() !== "comment");
    const kws = args.filter((a) => a.kind() === "keyword_argument");
    let pos = args.filter((a) => a.kind() !== "keyword_argument");
    if (MODULE_FUNCS.test(q)) verb = q.split(".").pop()!;
    else if (q === "urllib.request.urlopen") {
      const u = urlopenBinding(node);
      if (!u) return "urlopen's response is not bound by `with urlopen(…) as resp:` and read with json.load(resp) or resp.read()";
      verb = "get";
      urlopen = { name: u };
    } else if (fn.kind() === "attribute") {
      verb = fn.field("attribute")!.text();
      const recv = fn.field("object")!;
      const w = recv.kind() === "identifier" ? withBinding(node, recv.text()) : undefined;
      if (!w) return `through a client object (${recv.text()}): move it to the generated client by hand`;
      if (!CLIENT_CTORS.test(qualify(w.ctor.field("function")!.text()))) return `through ${w.ctor.field("function")!.text()}(): move it to the generated client by hand`;
      for (const a of (w.ctor.field("arguments")?.children() ?? []).filter((x) => x.isNamed() && x.kind() !== "comment")) {
        if (a.kind() !== "keyword_argument" || a.field("name")!.text() !== "timeout") return `the client is built with ${a.text().slice(0, 40)}, which the generated client does not take per call`;
        if (a.field("value")!.text() !== "None") clientKw.push(a);
      }
      const uses = [...w.body.text().matchAll(new RegExp(`\\b${recv.text()}\\b`, "g"))].length;
      const requests = [...w.body.text().matchAll(new RegExp(`\\b${recv.text()}\\s*\\.\\s*(get|post|put|patch|delete|request)\\s*\\(`, "g"))].length;
      if (uses !== requests || usedAfter(w.stmt, recv.text())) return `the client ${recv.text()} is used for more than requests`;
      if (/"""|'''/.test(w.body.text())) return "the with-block holds a multi-line string: fks does not re-indent it";
      withHeader = w.header;
    } else return `through ${fn.text()}: move it to the generated client by hand`;
    if (verb === "request") {
      const m = pos[0]?.kind() === "string" ? pos[0].text().replace(/^['"]|['"]$/g, "") : undefined;
      if (!m || !/^[A-Za-z]+$/.test(m)) return "the method is chosen at run time";
      method = m.toUpperCase();
      pos = pos.slice(1);
    } else if (VERBS.has(verb)) method = verb.toUpperCase();
    else return `${verb}() is not a request`;
    if (pos.length !== 1 || args.some((a) => a.kind() === "list_splat" || a.kind() === "dictionary_splat")) return "positional or splatted arguments besides the URL";
    const bad = kws.find((k) => !PASSED.has(k.field("name")!.text()));
    if (bad) return `${bad.field("name")!.text()}= has no equivalent per call in the generated client`;
    const def = node.ancestors().find((a) => a.kind() === "function_definition");
    if (!def) return "at module level: only calls inside a function are rewired";
    let urlNode = pos[0]!;
    let local: Planned["local"];
    if (urlNode.kind() === "identifier") {
      const v = localValue(def, urlNode.text(), node);
      if (typeof v === "string") return v;
      urlNode = v;
    }
    const split = splitPython(urlNode.text(), urlNode.kind() === "string" ? "string" : urlNode.kind() === "binary_operator" ? "binary_operator" : "other");
    if (typeof split === "string") return split;
    const wrong = verifyBase(c, env, split, deployed);
    if (wrong) return wrong;
    if (urlNode !== pos[0]) local = { start: urlNode.range().start.index, end: urlNode.range().end.index, text: split.path };
    const isAsync = /^async\b/.test(def.text());
    const awaited = node.parent()?.kind() === "await";
    let name = ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(method) ? method.toLowerCase() : "request";
    if (mod.gen.flavour === "sync" && isAsync) return "an async function, and the generated Django client is synchronous";
    if (mod.gen.flavour === "async" && !isAsync) name += "_sync";
    if (!mod.gen.functions.has(name)) return `${path.basename(mod.file)} has no ${name}(): it predates this fks; delete it and rerun fks scaffold resilience`;
    // requests → httpx underneath: its Response and errors must be used the way httpx has them too.
    const handlers: SgNode[] = [];
    let needsHttpx = false;
    if (urlopen) {
      // urlopen fails with OSError (URLError, HTTPError, a socket timeout): its handlers now catch httpx's errors too.
      const tries = node.ancestors().filter((a) => a.kind() === "try_statement");
      for (const t of tries) {
        for (const h of t.children().filter((x) => x.kind() === "except_clause")) {
          const caught = h.children().find((x) => x.isNamed() && x.kind() !== "block" && x.kind() !== "comment");
          const names = caught?.text() ?? "";
          if (/\b(OSError|IOError|URLError|HTTPError|socket\.timeout|TimeoutError)\b/.test(names) && !/\bhttpx\.HTTPError\b/.test(names)) handlers.push(caught!);
        }
      }
      if (!handlers.length && !tries.some((t) => /except\s*(Exception\b|:)/.test(t.text()))) return "urlopen's errors (OSError) are not caught where it is called: httpx's would escape the callers' handlers";
      needsHttpx = handlers.length > 0;
    } else if (q.startsWith("requests") || c.client === "requests") {
      if (REQUESTS_ONLY.test(def.text())) return "the function uses requests-only Response attributes (.ok, .iter_content, .raw …)";
      for (const t of node.ancestors().filter((a) => a.kind() === "try_statement")) {
        for (const h of t.children().filter((x) => x.kind() === "except_clause")) {
          const caught = h.children().find((x) => x.isNamed() && x.kind() !== "block" && x.kind() !== "comment");
          const names = caught?.text() ?? "";
          if (!/\brequests\b/.test(names)) continue;
          const others = [...names.matchAll(/requests\.(?:exceptions\.)?(\w+)/g)].map((m) => m[1]!).filter((n) => n !== "RequestException");
          if (others.length) return `an except clause catches requests.${others[0]}: catch ${mod.name}.DownstreamUnavailable there by hand`;
          if (!/\bhttpx\.HTTPError\b/.test(names)) handlers.push(caught!);
        }
      }
      needsHttpx = handlers.length > 0;
    }
    const pathArg = local ? pos[0]!.text() : split.path;
    const rest = [...kws, ...(kws.some((x) => x.field("name")!.text() === "timeout") ? [] : clientKw)].map((k) => k.text());
    const callArgs = [JSON.stringify(c.target.service), ...(name.startsWith("request") ? [JSON.stringify(method)] : []), pathArg, ...rest].join(", ");
    const inner = `${mod.name}.${name}(${callArgs})`;
    const wantsAwait = mod.gen.flavour === "async" && isAsync;
    let replacement = inner;
    let range = { start: node.range().start.index, end: node.range().end.index };
    if (wantsAwait) {
      const target = awaited ? node.parent()! : node;
      range = { start: target.range().start.index, end: target.range().end.index };
      const p = target.parent()?.kind();
      replacement = p === "assignment" || p === "expression_statement" || p === "return_statement" ? `await ${inner}` : `(await ${inner})`;
    } else if (awaited) return "an awaited call in synchronous code";
    return { call: c, node, replacement, range, withHeader, urlopen, local, needsHttpx, handlers };
  }

  if (!planned.length) return out;
  // Index-based replacements from the end, so earlier positions stay valid.
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const p of planned) {
    edits.push({ ...p.range, text: p.replacement });
    if (p.local) edits.push(p.local);
    for (const h of p.handlers) {
      const t = h.kind() === "as_pattern" ? h.children().find((x) => x.isNamed())! : h;
      if (edits.some((e) => e.start === t.range().start.index)) continue;
      const inside = t.kind() === "tuple" || t.kind() === "parenthesized_expression" ? t.text().replace(/^\(|\)$/g, "").replace(/,\s*$/, "") : t.text();
      edits.push({ start: t.range().start.index, end: t.range().end.index, text: `(${inside}, httpx.HTTPError)` });
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let after = text;
  for (const e of edits) after = after.slice(0, e.start) + e.text + after.slice(e.end);
  // A with-block whose client only served the rewritten calls goes; its body moves out one level.
  for (const header of [...new Set(planned.map((p) => p.withHeader).filter((h): h is string => !!h))]) after = await unwrapWith(after, file, header, /as\s+(\w+)\s*:$/.exec(header)![1]!);
  for (const p of planned.filter((x) => x.urlopen)) after = await unwrapUrlopen(after, file, p.replacement, p.urlopen!.name);
  // A hand-written retry loop around a rewired call would retry the client's retries: the client's backoff replaces it.
  const loops = [...new Set(planned.filter((p) => p.call.retry && /loop/.test(p.call.retry.by) && p.call.retry.line).map((p) => p.call.retry!.line!))];
  for (const line of loops) {
    const next = await unwrapRetryLoop(after, file, mod.name);
    if (next === after) continue;
    after = next;
    out.rewired.push({ file: rel, line, what: `the hand-written retry loop goes: ${path.basename(mod.file)} retries idempotent calls with exponential backoff and jitter within its deadline` });
  }
  after = dropUnusedImports(text, after);
  const lines: string[] = [];
  if (!importedHere && !after.split(/\r?\n/).includes(mod.importLine)) lines.push(mod.importLine);
  if (planned.some((p) => p.needsHttpx) && !/^\s*import\s+httpx\s*$/m.test(after)) lines.push("import httpx");
  if (lines.length) after = insertAfterLine(after, importInsertLine(await parsePython(after, file)), lines);
  out.after = after;
  for (const p of planned) out.rewired.push({ file: rel, line: p.call.line, what: `${p.call.client} ${p.call.method} ${p.call.target.expression} → ${p.replacement.replace(/^\((await [\s\S]*)\)$/, "$1")}` });
  return out;
}

/** The URL argument of an httpx/requests call (for matching it to the audit's call). */
function urlOf(n: SgNode): SgNode | undefined {
  const args = (n.field("arguments")?.children() ?? []).filter((a) => a.isNamed() && a.kind() !== "comment");
  const url = args.find((a) => a.kind() === "keyword_argument" && a.field("name")!.text() === "url")?.field("value") ?? undefined;
  const pos = args.filter((a) => a.kind() !== "keyword_argument");
  const verb = n.field("function")!.text().split(".").pop();
  return url ?? (verb === "request" ? pos[1] : pos[0]);
}

/** `with httpx.Client(...) as NAME:` around the call, binding NAME. */
function withBinding(call: SgNode, name: string): { stmt: SgNode; ctor: SgNode; body: SgNode; header: string } | undefined {
  for (const a of call.ancestors()) {
    if (a.kind() === "function_definition") return undefined;
    if (a.kind() !== "with_statement") continue;
    const clause = a.children().find((c) => c.kind() === "with_clause");
    const items = clause?.children().filter((c) => c.kind() === "with_item") ?? [];
    if (items.length !== 1) continue;
    const asp = items[0]!.children().find((c) => c.kind() === "as_pattern");
    const target = asp?.children().find((c) => c.kind() === "as_pattern_target");
    const ctor = asp?.children().find((c) => c.kind() === "call");
    if (!asp || !ctor || target?.text() !== name) continue;
    const body = a.field("body") ?? a.children().find((c) => c.kind() === "block");
    if (!body) return undefined;
    const t = a.text();
    return { stmt: a, ctor, body, header: t.slice(0, t.indexOf(":", clause!.range().end.index - a.range().start.index) + 1) };
  }
  return undefined;
}

function usedAfter(stmt: SgNode, name: string): boolean {
  const def = stmt.ancestors().find((a) => a.kind() === "function_definition");
  if (!def) return true;
  const rest = def.text().slice(stmt.range().end.index - def.range().start.index);
  return new RegExp(`\\b${name}\\b`).test(rest);
}

/** Removes the with statement whose header is `header`, moving its body out one indentation level. */
async function unwrapWith(text: string, file: string, header: string, name: string): Promise<string> {
  const root = await parsePython(text, file);
  const stmt = root.root().findAll({ rule: { kind: "with_statement" } }).find((w) => w.text().startsWith(header));
  if (!stmt) return text;
  const body = stmt.field("body") ?? stmt.children().find((c) => c.kind() === "block")!;
  // A call fks left alone still needs the client.
  if (new RegExp(`\\b${name}\\b`).test(body.text())) return text;
  const lines = text.split("\n");
  const first = stmt.range().start.line;
  const bodyFirst = body.range().start.line;
  const bodyLast = body.range().end.line;
  const outer = /^\s*/.exec(lines[first]!)![0];
  const inner = /^\s*/.exec(lines[bodyFirst]!)![0];
  if (bodyFirst === first || !inner.startsWith(outer) || inner.length <= outer.length) return text;
  const moved = lines.slice(bodyFirst, bodyLast + 1).map((l) => (l.startsWith(inner) ? outer + l.slice(inner.length) : l));
  lines.splice(first, bodyLast - first + 1, ...moved);
  return lines.join("\n");
}

/**
 * `for _ in range(N): try: …; return … except …: time.sleep(…)` around a call through the client
 * becomes the `try` alone, its handlers `pass`: one call, whose retries are the client's.
 */
async function unwrapRetryLoop(text: string, file: string, name: string): Promise<string> {
  const root = await parsePython(text, file);
  for (const loop of root.root().findAll({ rule: { kind: "for_statement" } })) {
    const right = loop.field("right")?.text().replace(/\s+/g, "") ?? "";
    const left = loop.field("left")?.text() ?? "";
    const body = loop.field("body");
    if (!/^range\(\d+\)$/.test(right) || !/^\w+$/.test(left) || !body || loop.children().some((c) => c.kind() === "else_clause")) continue;
    const stmts = body.children().filter((c) => c.isNamed() && c.kind() !== "comment");
    const tryStmt = stmts[0];
    if (stmts.length !== 1 || tryStmt?.kind() !== "try_statement" || new RegExp(`\\b${left}\\b`).test(body.text())) continue;
    if (!new RegExp(`\\b${name}\\.`).test(tryStmt.text())) continue;
    if (tryStmt.children().some((c) => c.kind() === "else_clause" || c.kind() === "finally_clause")) continue;
    const tryBody = tryStmt.field("body") ?? tryStmt.children().find((c) => c.kind() === "block");
    const last = tryBody?.children().filter((c) => c.isNamed() && c.kind() !== "comment").at(-1);
    if (last?.kind() !== "return_statement") continue;
    const handlers = tryStmt.children().filter((c) => c.kind() === "except_clause");
    const blocks = handlers.map((h) => h.children().find((c) => c.kind() === "block")).filter((b): b is SgNode => !!b);
    const waitsOnly = blocks.every((b) => b.children().filter((c) => c.isNamed() && c.kind() !== "comment").every((st) => /^((time\.)?sleep\([^)]*\)|continue|pass)$/.test(st.text().trim())));
    if (!handlers.length || blocks.length !== handlers.length || !waitsOnly) continue;
    const lines = text.split("\n");
    const first = loop.range().start.line;
    const from = tryStmt.range().start.line;
    const to = loop.range().end.line;
    const outer = /^\s*/.exec(lines[first]!)![0];
    const inner = /^\s*/.exec(lines[from]!)![0];
    if (!inner.startsWith(outer) || inner.length <= outer.length || /"""|'''/.test(tryStmt.text())) continue;
    const drop = inner.length - outer.length;
    const passAt = new Map(blocks.map((b) => [b.range().start.line, b.range().end.line]));
    const moved: string[] = [];
    for (let i = from; i <= to; i++) {
      const end = passAt.get(i);
      if (end !== undefined) {
        moved.push(/^\s*/.exec(lines[i]!)![0].slice(drop) + "pass");
        i = end;
        continue;
      }
      const l = lines[i]!;
      moved.push(l.slice(0, drop).trim() === "" ? l.slice(Math.min(drop, /^\s*/.exec(l)![0].length)) : l);
    }
    lines.splice(first, to - first + 1, ...moved);
    return lines.join("\n");
  }
  return text;
}

/** `with urlopen(url, timeout=…) as R:` whose body only reads R with json.load(R) or R.read(): R's name. */
function urlopenBinding(call: SgNode): string | undefined {
  const asp = call.parent();
  if (asp?.kind() !== "as_pattern") return undefined;
  const item = asp.parent();
  const clause = item?.parent();
  const stmt = clause?.parent();
  if (item?.kind() !== "with_item" || clause?.kind() !== "with_clause" || stmt?.kind() !== "with_statement") return undefined;
  if (clause.children().filter((c) => c.kind() === "with_item").length !== 1 || /^async\b/.test(stmt.text())) return undefined;
  const name = asp.children().find((c) => c.kind() === "as_pattern_target")?.text();
  const body = stmt.field("body") ?? stmt.children().find((c) => c.kind() === "block");
  if (!name || !/^\w+$/.test(name) || !body || /"""|'''/.test(body.text())) return undefined;
  const t = body.text();
  const all = [...t.matchAll(new RegExp(`\\b${name}\\b`, "g"))].length;
  const reads = [...t.matchAll(new RegExp(`\\bjson\\.load\\(\\s*${name}\\s*\\)|\\b${name}\\.read\\(\\s*\\)`, "g"))].length;
  return all > 0 && all === reads && !usedAfter(stmt, name) && stmt.range().start.line === call.range().end.line ? name : undefined;
}

/** The one value a local name gets before the call, when the call is its only other use. */
function localValue(def: SgNode, name: string, call: SgNode): SgNode | string {
  const assigns = def.findAll({ rule: { kind: "assignment" } }).filter((a) => a.field("left")?.text() === name);
  const uses = [...(def.field("body")?.text() ?? "").matchAll(new RegExp(`\\b${name}\\b`, "g"))].length;
  if (assigns.length !== 1 || uses !== 2 || assigns[0]!.range().end.index > call.range().start.index) return `the URL ${name} is not one local value used only by this call`;
  const v = assigns[0]!.field("right");
  return v ?? `the URL ${name} has no value`;
}

/** `with client.get(…) as R:` (the rewritten urlopen) becomes `R = client.get(…)` + `R.raise_for_status()`, its body moved out. */
async function unwrapUrlopen(text: string, file: string, call: string, name: string): Promise<string> {
  const root = await parsePython(text, file);
  const stmt = root.root().findAll({ rule: { kind: "with_statement" } }).find((w) => w.text().startsWith(`with ${call} as ${name}`));
  if (!stmt) return text;
  const body = stmt.field("body") ?? stmt.children().find((c) => c.kind() === "block")!;
  const lines = text.split("\n");
  const first = stmt.range().start.line;
  const bodyFirst = body.range().start.line;
  const bodyLast = body.range().end.line;
  const outer = /^\s*/.exec(lines[first]!)![0];
  const inner = /^\s*/.exec(lines[bodyFirst]!)![0];
  if (bodyFirst !== first + 1 || !inner.startsWith(outer) || inner.length <= outer.length) return text;
  const read = (l: string) => l.replace(new RegExp(`\\bjson\\.load\\(\\s*${name}\\s*\\)`, "g"), `${name}.json()`).replace(new RegExp(`\\b${name}\\.read\\(\\s*\\)`, "g"), `${name}.content`);
  const moved = lines.slice(bodyFirst, bodyLast + 1).map((l) => read(l.startsWith(inner) ? outer + l.slice(inner.length) : l));
  lines.splice(first, bodyLast - first + 1, `${outer}${name} = ${call}`, `${outer}${name}.raise_for_status()`, ...moved);
  return lines.join("\n");
}

/** `import time`, `import urllib.request`, `from x import y` lines whose name the rewrite left unused (it was used before). */
function dropUnusedImports(before: string, after: string): string {
  const lines = after.split("\n");
  // `resp.json()` is not a use of the json module: an attribute after a dot does not count.
  const uses = (text: string, name: string) => [...text.matchAll(new RegExp(`(?<![.\\w])${name}\\b`, "g"))].length;
  return lines
    .filter((l) => {
      const m = /^import\s+(\w+)(?:\.[\w.]+)?\s*$/.exec(l) ?? /^from\s+[\w.]+\s+import\s+(\w+)\s*$/.exec(l);
      if (!m) return true;
      return !(uses(after, m[1]!) === 1 && uses(before, m[1]!) > 1);
    })
    .join("\n");
}
