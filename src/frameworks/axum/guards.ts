/**
 * axum: `.layer(...)` / `.route_layer(...)` wrap only the routes added before them in the same Router
 * chain. An auth or rate-limit layer after the health router's merge (or after a hand-written probe
 * route) guards the probes; one before it does not.
 */
import path from "node:path";
import type { SgNode } from "@ast-grep/napi";
import { parseRust } from "../../lang/rust/edit.js";
import { exemptedPaths, kindOfBody, kindOfName, probePaths, type ProbeGuard } from "../health/guards.js";
import type { HealthContext } from "../health/types.js";

interface Link {
  method: string;
  args: string;
  line: number;
}

interface RsFile {
  file: string;
  text: string;
  chains: Link[][];
  /** Guard-looking layers applied outside a `Router::new()` chain (to a variable or a function's result). */
  loose: Link[];
}

const HEALTH_MERGE = /\bhealth::router\s*(::<[^>]*>)?\s*\(/;

/**
 * `mergeInto`: the file whose first (biggest) Router chain the scaffolder appends
 * `.merge(health::router())` to in this run; guards in that chain end up before the merge.
 */
export async function axumGuards(ctx: HealthContext, mergeInto: string | undefined): Promise<ProbeGuard[]> {
  const probes = probePaths(ctx.paths);
  const files: RsFile[] = [];
  for (const file of ctx.files) {
    if (!file.endsWith(".rs") || path.basename(file) === "health.rs") continue;
    const text = ctx.read(file);
    try {
      files.push({ file, text, ...scan(await parseRust(text, file)) });
    } catch {
      continue; // the planner reports files that do not parse
    }
  }
  const all = files.map((f) => f.text).join("\n");
  const rel = (f: string) => path.relative(ctx.dir, f);
  const out: ProbeGuard[] = [];
  const judge = (l: Link) => guardOf(l, all, probes);

  for (const f of files) {
    for (const [i, chain] of f.chains.entries()) {
      const merged = chain.findIndex((l) => l.method === "merge" && HEALTH_MERGE.test(l.args));
      const scaffolded = merged < 0 && f.file === mergeInto && i === 0;
      for (const [g, l] of chain.entries()) {
        if (l.method !== "layer" && l.method !== "route_layer") continue;
        const guard = judge(l);
        if (!guard) continue;
        // Probe routes written by hand before the layer.
        const own = chain.slice(0, g).filter((x) => x.method === "route").map((x) => /^\(\s*"([^"]*)"/.exec(x.args)?.[1]).filter((p): p is string => !!p && guard.paths.includes(p));
        const paths = merged >= 0 && merged < g ? guard.paths : own;
        if (paths.length) {
          out.push({ kind: guard.kind, what: `.${l.method}(${short(l.args)})`, file: f.file, line: l.line, paths, hint: `move \`.merge(health::router())\` (or the probe routes) below this ${l.method} in ${rel(f.file)}: axum layers wrap only the routes added before them` });
        } else if (scaffolded) {
          out.push({ kind: guard.kind, what: `.${l.method}(${short(l.args)})`, file: f.file, line: l.line, paths: guard.paths, avoided: true, hint: "fks merges the health router after it, so the layer does not wrap the probes" });
        }
      }
    }
    for (const l of f.loose) {
      const guard = judge(l);
      if (!guard) continue;
      out.push({
        kind: guard.kind, what: `.${l.method}(${short(l.args)})`, file: f.file, line: l.line, paths: guard.paths,
        unsure: "it is applied outside a Router::new() chain, so fks cannot tell whether it wraps the health router",
        hint: "apply it to a Router without the health routes, then merge `health::router()` after it",
      });
    }
  }
  return out;
}

/** The kind of guard a layer is, and the probe paths it does not let through; undefined when it is no guard. */
function guardOf(l: Link, all: string, probes: string[]): { kind: ProbeGuard["kind"]; paths: string[] } | undefined {
  // `from_fn(require_auth)`, `from_fn_with_state(state, auth::check)`: the function's body says what it does and lets through.
  if (/^\(\s*(axum::)?(Extension|AddExtensionLayer)\b/.test(l.args)) return undefined; // shares state, rejects nothing
  const fnName = /from_fn(?:_with_state)?\s*\(\s*(?:[^,()]+,\s*)?([\w:]+)\s*\)/.exec(l.args)?.[1]?.split("::").pop();
  const body = fnName ? functionBody(all, fnName) : undefined;
  const code = body && rustCode(body);
  const kind = kindOfName(l.args.replace(/\bfrom_fn\w*/g, "")) ?? (/ValidateRequestHeader|RequireAuthorization/.test(l.args) ? "auth" : undefined) ?? (code ? kindOfBody(code) : undefined);
  if (!kind || (code && passes(code))) return undefined;
  const ok = body ? exemptedPaths(body, probes) : exemptedPaths(l.args, probes);
  const paths = probes.filter((p) => !ok.has(p));
  return paths.length ? { kind, paths } : undefined;
}

/** Rust code without comments and status comparisons: what it answers, not what it inspects or logs. */
function rustCode(body: string): string {
  return body
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "")
    .replace(/[=!]=\s*(?:\w+::)*StatusCode::\w+|(?:\w+::)*StatusCode::\w+\s*[=!]=|matches!\([^;]*?StatusCode::\w+\s*\)/g, "");
}

/** A middleware function that never refuses: no refusal status, no `Err`, no `?`, no early return, and it runs the next handler. */
function passes(code: string): boolean {
  const inner = code.slice(code.indexOf("{") + 1);
  return !kindOfBody(inner) && !/\bErr\s*\(|\?\s*[;.),]|\breturn\b/.test(inner) && /\bnext\s*\.\s*run\s*\(/.test(inner);
}

/** The text of `fn name(...) { ... }`, by brace counting from its signature. */
function functionBody(text: string, name: string): string | undefined {
  const m = new RegExp(`\\bfn\\s+${name}\\b[^{;]*\\{`).exec(text);
  if (!m) return undefined;
  let depth = 0;
  for (let i = m.index + m[0].length - 1; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(m.index, i + 1);
  }
  return text.slice(m.index);
}

/** Outermost `Router::new()` chains as ordered links, and guard layers applied to anything else. */
function scan(root: import("@ast-grep/napi").SgRoot): { chains: Link[][]; loose: Link[] } {
  const chains: Link[][] = [];
  const loose: Link[] = [];
  for (const node of root.root().findAll({ rule: { kind: "call_expression" } })) {
    const parent = node.parent();
    if (parent?.kind() === "field_expression" && parent.parent()?.kind() === "call_expression") continue; // an inner link
    const { links, base } = unroll(node);
    if (!links.length) continue;
    if (/^Router::new\(\)$|^axum::Router::new\(\)$/.test(base)) chains.push(links);
    else if (!/::new\(\)$|ServiceBuilder|^\w+::default\(\)$/.test(base) && !inArguments(node)) loose.push(...links.filter((l) => l.method === "layer" || l.method === "route_layer"));
  }
  return { chains, loose };
}

function unroll(outer: SgNode): { links: Link[]; base: string } {
  const links: Link[] = [];
  let node: SgNode | null = outer;
  while (node?.kind() === "call_expression") {
    const fn: SgNode | null = node.field("function");
    if (fn?.kind() !== "field_expression") break;
    const field = fn.field("field");
    links.unshift({ method: field?.text() ?? "", args: node.field("arguments")?.text() ?? "", line: (field ?? fn).range().start.line + 1 });
    node = fn.field("value");
  }
  return { links, base: node?.text().replace(/\s+/g, "") ?? "" };
}

function inArguments(node: SgNode): boolean {
  for (let p = node.parent(); p; p = p.parent()) if (p.kind() === "arguments") return true;
  return false;
}

function short(args: string): string {
  const s = args.replace(/^\(|\)$/g, "").replace(/\s+/g, " ").trim();
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}
