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

/**
 * The service's Python files outside tests, parsed on demand and once: a scanner asks only for the
 * files whose text can matter (a cheap regular expression first), so a big project is not parsed
 * whole. Files that do not parse are skipped (the planner reports them).
 */
export class PySources {
  readonly files: string[];
  private readonly parsed = new Map<string, Promise<PyFile | undefined>>();
  private readonly defs = new Map<string, PyDef[]>();
  private readonly byName = new Map<string, PyDef[]>();

  constructor(readonly dir: string, files: string[], readonly read: (f: string) => string) {
    this.files = files.filter((f) => f.endsWith(".py") && !isTestFile(path.relative(dir, f)));
  }

  parse(file: string): Promise<PyFile | undefined> {
    let p = this.parsed.get(file);
    if (!p) {
      const text = this.read(file);
      p = parsePython(text, file).then((root) => ({ file, text, root }), () => undefined);
      this.parsed.set(file, p);
    }
    return p;
  }

  /** The parsed files whose text matches (and that are among `only`, when given). */
  async matching(text: RegExp, only?: (file: string) => boolean): Promise<PyFile[]> {
    const out: PyFile[] = [];
    for (const f of this.files) {
      if ((only && !only(f)) || !text.test(this.read(f))) continue;
      const p = await this.parse(f);
      if (p) out.push(p);
    }
    return out;
  }

  /** Function and class definitions of that name, from the files that define it. */
  async named(name: string): Promise<PyDef[]> {
    if (!/^\w+$/.test(name)) return [];
    let found = this.byName.get(name);
    if (!found) {
      const re = new RegExp(`\\b(?:def|class)\\s+${name}\\b`);
      // A plain substring search first: a regular expression over every file is slow on big projects.
      const files = await this.matching(re, (f) => this.read(f).includes(name));
      this.byName.set(name, (found = files.flatMap((f) => this.definitionsOf(f)).filter((d) => d.name === name)));
    }
    return found;
  }

  /** All definitions of a parsed file, computed once. */
  definitionsOf(f: PyFile): PyDef[] {
    let d = this.defs.get(f.file);
    if (!d) this.defs.set(f.file, (d = definitions([f])));
    return d;
  }
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
export function withConstants(f: PyFile | undefined, def: PyDef): string {
  if (!f) return def.text;
  const extra: string[] = [];
  for (const stmt of f.root.root().children()) {
    const a = stmt.kind() === "expression_statement" ? stmt.child(0) : undefined;
    const name = a?.kind() === "assignment" ? a.field("left")?.text() : undefined;
    if (name && /^\w+$/.test(name) && new RegExp(`\\b${name}\\b`).test(def.text)) extra.push(a!.text());
  }
  return [def.text, ...extra].join("\n");
}
