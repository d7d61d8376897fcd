/** Python syntax lookups the guard scanners share: calls with their keyword arguments, and definitions by name. */
import type { SgNode, SgRoot } from "@ast-grep/napi";
import path from "node:path";
import { parsePython } from "../../lang/python/edit.js";

/** A test module or a file under a tests folder, by its path below the service folder. */
export function isTestFile(rel: string): boolean {
  return /(^|[\\/])tests?[\\/]|(^|[\\/])test_[^\\/]*\.py$/.test(rel);
}

export interface PyFile {
  file: string;
  text: string;
  root: SgRoot;
}

export interface PyCall {
  file: string;
  line: number;
  /** The callee as written: `app.add_middleware`, `FastAPI`. */
  callee: string;
  /** Positional arguments, as written. */
  args: string[];
  /** Keyword arguments, as written. */
  kwargs: Map<string, string>;
  text: string;
  node: SgNode;
}

/** The service's Python files outside tests, parsed; files that do not parse are skipped (the planner reports them). */
export async function pythonFiles(dir: string, files: string[], read: (f: string) => string): Promise<PyFile[]> {
  const out: PyFile[] = [];
  for (const file of files) {
    if (!file.endsWith(".py") || isTestFile(path.relative(dir, file))) continue;
    const text = read(file);
    try {
      out.push({ file, text, root: await parsePython(text, file) });
    } catch {
      continue;
    }
  }
  return out;
}

/** Every call whose callee matches, in every file. */
export function calls(files: PyFile[], callee: RegExp): PyCall[] {
  const out: PyCall[] = [];
  for (const f of files) {
    for (const node of f.root.root().findAll({ rule: { kind: "call" } })) {
      const fn = node.field("function")?.text() ?? "";
      if (!callee.test(fn)) continue;
      const args: string[] = [];
      const kwargs = new Map<string, string>();
      for (const a of node.field("arguments")?.children() ?? []) {
        const kind = String(a.kind());
        if (kind === "keyword_argument") kwargs.set(a.field("name")?.text() ?? "", a.field("value")?.text() ?? "");
        else if (!["(", ")", ",", "comment"].includes(kind)) args.push(a.text());
      }
      out.push({ file: f.file, line: node.range().start.line + 1, callee: fn, args, kwargs, text: node.text(), node });
    }
  }
  return out;
}

export interface PyDef {
  file: string;
  line: number;
  name: string;
  /** The whole definition with its decorators. */
  text: string;
  decorators: string[];
}

/** Function and class definitions (top level or nested), with their decorators. */
export function definitions(files: PyFile[]): PyDef[] {
  const out: PyDef[] = [];
  for (const f of files) {
    for (const node of f.root.root().findAll({ rule: { any: [{ kind: "function_definition" }, { kind: "class_definition" }] } })) {
      const parent = node.parent();
      const decorated = parent?.kind() === "decorated_definition" ? parent : undefined;
      const decorators = decorated ? decorated.children().filter((c) => c.kind() === "decorator").map((c) => c.text()) : [];
      const whole = decorated ?? node;
      out.push({ file: f.file, line: whole.range().start.line + 1, name: node.field("name")?.text() ?? "", text: whole.text(), decorators });
    }
  }
  return out;
}

/** `Depends(verify)` / `Security(verify, ...)` → `verify` (last dotted part); other items as written. */
export function dependencyNames(list: string): string[] {
  const names = [...list.matchAll(/\b(?:Depends|Security)\(\s*([\w.]+)/g)].map((m) => m[1]!.split(".").pop()!);
  return names.length ? names : list.replace(/^\[|\]$/g, "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** 1-based line of a node. */
export function lineOf(node: SgNode): number {
  return node.range().start.line + 1;
}

/** A definition's text plus the module-level constants it names (`PROBES = ("/live", "/ready")`), for exemption evidence. */
export function withConstants(files: PyFile[], def: PyDef): string {
  const f = files.find((x) => x.file === def.file);
  if (!f) return def.text;
  const extra: string[] = [];
  for (const stmt of f.root.root().children()) {
    const a = stmt.kind() === "expression_statement" ? stmt.child(0) : undefined;
    const name = a?.kind() === "assignment" ? a.field("left")?.text() : undefined;
    if (name && /^\w+$/.test(name) && new RegExp(`\\b${name}\\b`).test(def.text)) extra.push(a!.text());
  }
  return [def.text, ...extra].join("\n");
}
