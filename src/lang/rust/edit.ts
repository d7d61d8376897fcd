/** Small syntax queries the health scaffolder needs to insert lines into Rust without reformatting. */
import type { SgRoot } from "@ast-grep/napi";
import { FksError } from "../../errors.js";
import { tooDeep, tooDeepMessage } from "../nesting.js";
import { firstSyntaxError, sgParse } from "../python/edit-sg.js";

/** Parses Rust; a syntax error becomes an FksError at file:line. */
export async function parseRust(text: string, file: string): Promise<SgRoot> {
  // Counted before parsing: a file nested past the bound costs one scan, whatever the machine's load
  // (tree-sitter's recovery and the syntax-error query on such a tree cost seconds).
  const deep = tooDeep(text);
  if (deep) throw new FksError(`${file}:${deep.line} ${tooDeepMessage(deep)}`, { file, line: deep.line, hint: "nothing was written for this service" });
  const root = await sgParse("rust", text);
  const bad = firstSyntaxError(root, "source_file");
  if (bad) {
    const line = bad.range().start.line + 1;
    throw new FksError(`${file}:${line} Rust syntax error`, { file, line, hint: "fix the file (cargo check shows the details) and run again; nothing was written for this service" });
  }
  return root;
}

/** 1-based line of the last top-level `mod x;` or `use` item, where `mod health;` goes after. */
export function modInsertLine(root: SgRoot): number {
  let lastMod = 0;
  let lastUse = 0;
  for (const k of root.root().children()) {
    if (k.kind() === "mod_item" && !k.text().includes("{")) lastMod = k.range().end.line + 1;
    if (k.kind() === "use_declaration") lastUse = k.range().end.line + 1;
  }
  return lastMod || lastUse;
}

export interface RouterChain {
  /** 1-based line and 0-based column just after the chain's last call. */
  endLine: number;
  endColumn: number;
  /** Indentation of the chain's continuation lines (the last `.method(` line). */
  indent: string;
  calls: number;
  multiline: boolean;
}

/** Outermost `Router::new()...` method chains, biggest first. */
export function routerChains(root: SgRoot): RouterChain[] {
  const lines = root.root().text().split("\n");
  const out: RouterChain[] = [];
  for (const node of root.root().findAll({ rule: { kind: "call_expression", regex: "^Router::new\\(\\)" } })) {
    const parent = node.parent();
    // Skip inner links: a chain's receiver is the `value` of a field_expression whose parent is a call.
    if (parent?.kind() === "field_expression" && parent.parent()?.kind() === "call_expression") continue;
    const calls = (node.text().match(/\n?\s*\.\s*(route|nest|merge|route_service|nest_service|fallback|layer|with_state)\s*[(:]/g) ?? []).length;
    const end = node.range().end;
    const lastDotLine = [...node.text().matchAll(/\n(\s*)\./g)].pop();
    out.push({
      endLine: end.line + 1,
      endColumn: end.column,
      indent: lastDotLine ? lastDotLine[1]! : /^\s*/.exec(lines[node.range().start.line] ?? "")![0] + "    ",
      calls,
      multiline: !!lastDotLine,
    });
  }
  return out.sort((a, b) => b.calls - a.calls);
}

/** 1-based line of the opening brace of `fn main`, for lines that must run before anything else. */
export function mainBodyLine(root: SgRoot): { line: number; indent: string } | undefined {
  const main = root.root().find({ rule: { kind: "function_item", has: { field: "name", regex: "^main$" } } });
  const body = main?.field("body");
  if (!body) return undefined;
  const first = body.children().find((c) => c.kind() !== "{" && c.kind() !== "}");
  const lines = root.root().text().split("\n");
  const indent = first ? /^\s*/.exec(lines[first.range().start.line] ?? "")![0] : "    ";
  return { line: body.range().start.line + 1, indent };
}
