import type { SgNode } from "@ast-grep/napi";
import type { PyImport, PyImportName, PyScan, PyScanOptions } from "../../lang/python/imports.js";

/**
 * The same facts as the import scanner, from a full tree-sitter parse. Slower by an order of
 * magnitude; kept as `--parser tree-sitter`, as the benchmark's baseline and as a test oracle.
 */
type Napi = typeof import("@ast-grep/napi");
let napi: Napi | undefined;

/** Loads tree-sitter with the Python and Rust grammars (the Rust one for the Rust scanner's tests). */
export async function ready(): Promise<Napi> {
  if (napi) return napi;
  const mod = await import("@ast-grep/napi");
  const python = (await import("@ast-grep/lang-python")).default;
  const rust = (await import("@ast-grep/lang-rust")).default;
  // One call with every language: each call replaces the languages registered before it.
  mod.registerDynamicLanguage({ python, rust } as unknown as Parameters<Napi["registerDynamicLanguage"]>[0]);
  napi = mod;
  return mod;
}

const IMPORT_ERR = /\b(?:ImportError|ModuleNotFoundError)\b/;

export function treeSitterPythonImports(src: string, opts: PyScanOptions = {}): PyScan {
  if (!napi) throw new Error("call ready() before treeSitterPythonImports()");
  const root = napi.parse("python" as never, src).root();
  const imports: PyImport[] = [];
  for (const node of root.findAll({ rule: { any: [{ kind: "import_statement" }, { kind: "import_from_statement" }, { kind: "future_import_statement" }] } })) {
    const imp = readImport(node);
    if (!imp) continue;
    Object.assign(imp, context(node));
    imports.push(imp);
  }
  const errors = root.findAll({ rule: { kind: "ERROR" } }).map((e) => ({ line: e.range().start.line + 1, message: "syntax error" }));
  const callStrings: PyScan["callStrings"] = [];
  if (opts.callees) {
    for (const call of root.findAll({ rule: { kind: "call" } })) {
      const fn = call.field("function" as never) as SgNode | null;
      const args = call.field("arguments" as never) as SgNode | null;
      if (!fn || !args) continue;
      const callee = fn.text();
      if (!opts.callees.has(callee.slice(callee.lastIndexOf(".") + 1))) continue;
      const first = args.children().find((c) => c.isNamed());
      if (first?.kind() === "string" && !/^[a-zA-Z]*[fF]/.test(first.text())) {
        callStrings.push({ callee, value: stringValue(first), line: first.range().start.line + 1 });
      }
    }
  }
  const assignStrings: PyScan["assignStrings"] = [];
  if (opts.assignments) {
    for (const stmt of root.children()) {
      if (stmt.kind() !== "expression_statement") continue;
      const asg = stmt.children()[0];
      if (!asg || (asg.kind() !== "assignment" && asg.kind() !== "augmented_assignment")) continue;
      const left = asg.field("left" as never) as SgNode | null;
      if (!left || !opts.assignments.has(left.text())) continue;
      for (const s of asg.findAll({ rule: { kind: "string" } })) {
        assignStrings.push({ callee: left.text(), value: stringValue(s), line: s.range().start.line + 1 });
      }
    }
  }
  let loc = 0;
  for (const l of src.split("\n")) {
    const t = l.trim();
    if (t && !t.startsWith("#")) loc++;
  }
  return { imports, callStrings, assignStrings, errors, loc };
}

function stringValue(s: SgNode): string {
  return s.children().filter((c) => c.kind() === "string_content").map((c) => c.text()).join("");
}

function dotted(n: SgNode): string {
  return n.text().replace(/\\\r?\n/g, "").replace(/\s+/g, "");
}

function readName(n: SgNode): PyImportName | undefined {
  if (n.kind() === "dotted_name") return { name: dotted(n) };
  if (n.kind() === "aliased_import") {
    const name = n.field("name" as never) as SgNode | null;
    const alias = n.field("alias" as never) as SgNode | null;
    if (name && alias) return { name: dotted(name), asname: alias.text() };
  }
  return undefined;
}

function readImport(node: SgNode): PyImport | undefined {
  const line = node.range().start.line + 1;
  const base = { line, lazy: false, optional: false, typeOnly: false };
  if (node.kind() === "import_statement") {
    const names = node.children().map(readName).filter((x): x is PyImportName => !!x);
    if (names.length === 0) return undefined;
    return { ...base, kind: "import", module: names[0]!.name, level: 0, names };
  }
  let module = "";
  let level = 0;
  const mod = node.field("module_name" as never) as SgNode | null;
  if (node.kind() === "future_import_statement") module = "__future__";
  else if (mod?.kind() === "relative_import") {
    for (const c of mod.children()) {
      if (c.kind() === "import_prefix") level = c.text().replace(/\s+/g, "").length;
      else if (c.kind() === "dotted_name") module = dotted(c);
    }
  } else if (mod) module = dotted(mod);
  const names: PyImportName[] = [];
  for (const c of node.children()) {
    if (c.kind() === "wildcard_import") names.push({ name: "*" });
    else if (mod && c.range().start.index === mod.range().start.index) continue;
    else {
      const nm = readName(c);
      if (nm) names.push(nm);
    }
  }
  if (names.length === 0) return undefined;
  return { ...base, kind: "from", module, level, names };
}

function context(node: SgNode): Pick<PyImport, "lazy" | "optional" | "typeOnly"> {
  let lazy = false, optional = false, typeOnly = false;
  let prev = node;
  for (let p = node.parent(); p; prev = p, p = p.parent()) {
    const k = p.kind();
    if (k === "function_definition") lazy = true;
    else if (k === "if_statement" && prev.kind() === "block") {
      const cond = p.field("condition" as never) as SgNode | null;
      if (cond && /^\(?\s*(?:typing\.|t\.|_typing\.)?TYPE_CHECKING\s*\)?$/.test(cond.text().trim())) typeOnly = true;
    } else if (k === "try_statement" && prev.kind() === "block") {
      if (p.children().some((c) => c.kind() === "except_clause" && IMPORT_ERR.test(headerOf(c)))) optional = true;
    } else if (k === "except_clause" && prev.kind() === "block") {
      if (IMPORT_ERR.test(headerOf(p))) optional = true;
    }
  }
  return { lazy, optional, typeOnly };
}

function headerOf(clause: SgNode): string {
  return clause.children().filter((c) => c.kind() !== "block").map((c) => c.text()).join(" ");
}
