import { astGrep, type SgNode } from "../../lang/python/ast-grep.js";
import type { GeneratedClient } from "../calls/generated.js";
import type { OutboundCall } from "../calls/types.js";
import { verifyBase, type RewireResult, type UrlSplit } from "./rewire.js";

const lineOf = (n: SgNode) => n.range().start.line + 1;
/** What the caller may do with the awaited result: these read the same for reqwest::Error and DownstreamError. */
const RESULT_USES = new Set(["ok", "is_ok", "is_err", "unwrap", "expect"]);

/**
 * reqwest::get(url) and Client::new().get(url).send() (nothing between) to the generated
 * `Downstreams::shared().get(service, path)`, when the caller only asks whether it worked
 * (.ok(), .is_ok(), .unwrap(), …): `?` would need the caller's error type to change.
 */
export async function rewireRustFile(file: string, text: string, calls: OutboundCall[], mod: { gen: GeneratedClient; name: string }, rel: string, deployed: (name: string) => string | undefined): Promise<RewireResult> {
  const out: RewireResult = { after: text, rewired: [], skipped: [] };
  if (!calls.length) return out;
  const parse = await astGrep();
  const root = parse("rust", text).root();
  const nodes = root.findAll({ rule: { kind: "call_expression" } });
  const edits: Array<{ start: number; end: number; text: string }> = [];
  void file;
  for (const c of calls) {
    const node = nodes.find((n) => lineOf(n) === c.line && firstArg(n)?.text().replace(/\s+/g, " ") === c.target.expression && isRequest(n));
    if (!node) {
      out.skipped.push({ file: rel, line: c.line, why: "fks could not find the call again in the file" });
      continue;
    }
    const why = plan(node, c);
    if (typeof why === "string") out.skipped.push({ file: rel, line: c.line, why });
    else {
      edits.push(...why.edits);
      out.rewired.push({ file: rel, line: c.line, what: `reqwest ${c.method} ${c.target.expression} → ${why.call}` });
    }
  }

  function plan(node: SgNode, c: OutboundCall): { edits: typeof edits; call: string } | string {
    if (!c.target.service) return c.target.unresolved ? `target not resolved: ${c.target.unresolved}` : "an external host, not a service of the platform";
    const env = mod.gen.downstreams.get(c.target.service);
    if (!env) return `${c.target.service} is not a downstream of ${mod.name}.rs (add it to DOWNSTREAMS, or rerun with --downstream ${c.target.service}=ENV)`;
    const fn = node.field("function")!;
    let outer = node;
    if (fn.kind() === "field_expression") {
      // client.get(url).send(): the `.send()` call right above, nothing in between.
      const recv = fn.field("value")!.text().replace(/\s+/g, "");
      if (!/^(reqwest::)?Client::new\(\)$/.test(recv)) return `through a client value (${recv}): its builder settings would be lost; move it to the generated client by hand`;
      const p = node.parent();
      const gp = p?.parent();
      if (p?.kind() !== "field_expression" || p.field("field")?.text() !== "send" || gp?.kind() !== "call_expression") return "the request is built further (.header, .query, .json …) than the generated client takes";
      outer = gp;
    }
    const aw = outer.parent();
    if (aw?.kind() !== "await_expression") return "the request is not awaited where it is made";
    const use = aw.parent();
    const field = use?.kind() === "field_expression" ? use.field("field")?.text() : undefined;
    if (!field || !RESULT_USES.has(field)) return "the caller handles reqwest::Error (e.g. with ?): the generated client returns DownstreamError";
    const urlNode = firstArg(node)!;
    const local: typeof edits = [];
    let pathArg: string;
    let split: UrlSplit | string;
    if (urlNode.kind() === "identifier") {
      const def = node.ancestors().find((a) => a.kind() === "function_item");
      const lets = def?.findAll({ rule: { kind: "let_declaration" } }).filter((l) => l.field("pattern")?.text() === urlNode.text() && l.range().end.index < node.range().start.index) ?? [];
      const value = lets.at(-1)?.field("value");
      if (!def || !value) return `the URL ${urlNode.text()} is not a local let in the function`;
      const uses = [...(def.field("body")?.text() ?? "").matchAll(new RegExp(`\\b${urlNode.text()}\\b`, "g"))].length;
      if (uses !== 2) return `${urlNode.text()} is used for more than this request`;
      split = splitRust(value.text());
      if (typeof split === "string") return split;
      local.push({ start: value.range().start.index, end: value.range().end.index, text: split.path });
      pathArg = `&${urlNode.text()}`;
    } else {
      split = splitRust(urlNode.text());
      if (typeof split === "string") return split;
      pathArg = split.path.startsWith('"') ? split.path : `&${split.path}`;
    }
    const wrong = verifyBase(c, env, split, deployed);
    if (wrong) return wrong;
    const verb = c.method.toLowerCase();
    const call = mod.gen.functions.has(verb) && (verb === "get" || verb === "post") ? `crate::${mod.name}::Downstreams::shared().${verb}(${JSON.stringify(c.target.service)}, ${pathArg})` : `crate::${mod.name}::Downstreams::shared().request(${JSON.stringify(c.target.service)}, reqwest::Method::${c.method}, ${pathArg})`;
    local.push({ start: outer.range().start.index, end: outer.range().end.index, text: call });
    return { edits: local, call };
  }

  edits.sort((a, b) => b.start - a.start);
  let after = text;
  for (const e of edits) after = after.slice(0, e.start) + e.text + after.slice(e.end);
  out.after = after;
  return out;
}

function firstArg(n: SgNode): SgNode | undefined {
  return (n.field("arguments")?.children() ?? []).filter((c) => c.isNamed())[0];
}

function isRequest(n: SgNode): boolean {
  const f = n.field("function")!;
  if (f.kind() === "scoped_identifier") return /^(reqwest::)?get$/.test(f.text());
  return f.kind() === "field_expression" && ["get", "post", "put", "patch", "delete"].includes(f.field("field")!.text());
}

/** `format!("{}/quotes/{symbol}", base)` or `"http://data:8002/x"` into base and path. */
export function splitRust(text: string): UrlSplit | string {
  const lm = /^"(https?:\/\/[^/?#"]+)([^"]*)"$/.exec(text);
  if (lm) return /[{}\\]/.test(lm[2]!) ? "the URL literal has escapes" : { path: `"${lm[2]}"`, leading: lm[2]!, literalOrigin: lm[1]! };
  const m = /^format!\s*\(\s*"((?:[^"\\]|\\.)*)"\s*(?:,([\s\S]*?))?,?\s*\)$/.exec(text);
  if (!m) return "the URL is built before the call: fks rewires format!(\"{}/path\", base) and literals";
  const fmt = m[1]!;
  const args = splitArgs(m[2] ?? "");
  const ph = /^\{(\w*)\}/.exec(fmt);
  if (!ph) return "the format string does not start with the base URL";
  if (/^\d+$/.test(ph[1]!)) return "positional format arguments ({0})";
  let rest = args;
  if (ph[1] === "") {
    if (!args.length) return "format! without the base argument";
    rest = args.slice(1);
  } else rest = args.filter((a) => !new RegExp(`^${ph[1]}\\s*=`).test(a));
  const tail = fmt.slice(ph[0].length);
  if (/\{\d+\}/.test(tail)) return "positional format arguments ({0})";
  const path = `format!(${[`"${tail}"`, ...rest].join(", ")})`;
  return { path, leading: tail.split(/\{(?!\{)/)[0]!.replace(/\{\{/g, "{").replace(/\}\}/g, "}") };
}

/** Top-level comma-separated arguments of a macro call's text. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  let str = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (str) {
      cur += ch;
      if (ch === "\\") cur += s[++i] ?? "";
      else if (ch === '"') str = false;
      continue;
    }
    if (ch === '"') str = true;
    if ("([{".includes(ch)) depth++;
    if (")]}".includes(ch)) depth--;
    if (ch === "," && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
