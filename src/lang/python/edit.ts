/** Small syntax queries the health scaffolder needs to insert lines into Python without reformatting. */
import type { SgRoot } from "@ast-grep/napi";
import { FksError } from "../../errors.js";
import { tooDeep, tooDeepMessage } from "../nesting.js";
import { firstSyntaxError, sgParse } from "./edit-sg.js";

/** Parses Python; a syntax error becomes an FksError at file:line. */
export async function parsePython(text: string, file: string): Promise<SgRoot> {
  // Counted before parsing: a file nested past the bound costs one scan, whatever the machine's load
  // (tree-sitter's recovery and the syntax-error query on such a tree cost seconds).
  const deep = tooDeep(text);
  if (deep) throw new FksError(`${file}:${deep.line} ${tooDeepMessage(deep)}`, { file, line: deep.line, hint: "nothing was written for this service" });
  const root = await sgParse("python", text);
  const bad = firstSyntaxError(root, "module");
  if (bad) {
    const line = bad.range().start.line + 1;
    throw new FksError(`${file}:${line} Python syntax error`, { file, line, hint: "fix the file (python -m py_compile shows the details) and run again; nothing was written for this service" });
  }
  return root;
}

export interface AppCreation {
  variable: string;
  /** 1-based first line of the assignment statement. */
  line: number;
  /** 1-based last line of the assignment statement. */
  endLine: number;
  indent: string;
  /** Name of the enclosing function (an app factory), if any. */
  factory?: string;
}

/** `x = FastAPI(...)` (or `fastapi.FastAPI`) assignments, in source order. */
export function findCalls(root: SgRoot, callee: RegExp): AppCreation[] {
  const out: AppCreation[] = [];
  const lines = root.root().text().split("\n");
  for (const node of root.root().findAll({ rule: { kind: "assignment" } })) {
    const right = node.field("right");
    const fn = right?.kind() === "call" ? right.field("function")?.text() : undefined;
    const left = node.field("left");
    if (!fn || !callee.test(fn) || left?.kind() !== "identifier") continue;
    const stmt = node.parent()?.kind() === "expression_statement" ? node.parent()! : node;
    let factory: string | undefined;
    for (let p = stmt.parent(); p; p = p.parent()) {
      if (p.kind() === "function_definition") {
        factory = p.field("name")?.text();
        break;
      }
    }
    const startLine = stmt.range().start.line;
    out.push({
      variable: left.text(),
      line: startLine + 1,
      endLine: stmt.range().end.line + 1,
      indent: /^\s*/.exec(lines[startLine] ?? "")![0],
      factory,
    });
  }
  return out;
}

/** 1-based line after which a new top-level import goes: the end of the last top-level import, or after the docstring. */
export function importInsertLine(root: SgRoot): number {
  let after = 0;
  const kids = root.root().children();
  for (const [i, k] of kids.entries()) {
    const kind = k.kind();
    if (kind === "import_statement" || kind === "import_from_statement" || kind === "future_import_statement") after = k.range().end.line + 1;
    else if (i === 0 && kind === "expression_statement" && k.child(0)?.kind() === "string") after = k.range().end.line + 1;
  }
  return after;
}

/** The top-level `name = [ ... ]` list: 1-based lines of its brackets and the indentation of its items. */
export function findListAssignment(root: SgRoot, name: string): { openLine: number; closeLine: number; itemIndent: string } | undefined {
  for (const node of root.root().findAll({ rule: { kind: "assignment" } })) {
    if (node.field("left")?.text() !== name) continue;
    const right = node.field("right");
    if (right?.kind() !== "list") continue;
    const items = right.children().filter((c) => !["[", "]", ","].includes(String(c.kind())));
    const lines = root.root().text().split("\n");
    const first = items[0];
    const itemIndent = first ? /^\s*/.exec(lines[first.range().start.line] ?? "")![0] : "    ";
    return { openLine: right.range().start.line + 1, closeLine: right.range().end.line + 1, itemIndent };
  }
  return undefined;
}

/** Inserts lines after a 1-based line number (0 = at the top), leaving every other byte alone. */
export function insertAfterLine(text: string, line: number, insert: string[]): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  lines.splice(line, 0, ...insert);
  return lines.join(eol);
}
