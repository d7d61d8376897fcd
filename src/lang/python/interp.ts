import path from "node:path";
import type { SgNode, SgRoot } from "./ast-grep.js";
import { firstSyntaxError } from "./ast-grep.js";
import { NONE, UNKNOWN, describe, type Binding, type PyModule, type PyValue, type Scope } from "./values.js";
import { parseDecorated, parseSimpleCall, type Atom, type SimpleCall } from "./simple-call.js";

/** One call as the knowledge of a framework sees it. */
/** A quoted literal without prefix (f, r, b), escapes or newlines: its value is its text. */
const SIMPLE_STRING = /^(["'])([^"'\\\n]*)\1$/;

export interface PyCall {
  args: PyValue[];
  kw: Map<string, PyValue>;
  argText: string[];
  kwText: Map<string, string>;
  file: string;
  line: number;
  text: string;
}

/** What a framework teaches the interpreter; each hook returns undefined when it does not apply. */
export interface PyKnowledge {
  /** A call of an outside name, e.g. fastapi.APIRouter(...) or django.urls.path(...). */
  construct?(q: string, call: PyCall, cx: Interpreter): PyValue | undefined;
  /** A method call on a framework value, e.g. router.get("/x") or app.include_router(r). */
  method?(self: Extract<PyValue, { k: "x" }>, name: string, call: PyCall, cx: Interpreter): PyValue | undefined;
  /** An attribute of a framework value, e.g. router.urls. */
  attr?(self: Extract<PyValue, { k: "x" }>, name: string, cx: Interpreter): PyValue | undefined;
  /** A decorator value applied to a function or class definition. */
  decorate?(dec: PyValue, target: PyValue, cx: Interpreter): PyValue | undefined;
  /**
   * Top-level packages this knowledge models. Their source stays outside even when the scan
   * holds it (a checkout of Django itself), so that `path()` is still Django's path().
   */
  packages?: string[];
}

export interface Diagnostic {
  file: string;
  line: number;
  message: string;
}

export interface InterpreterOptions {
  /** Every Python file of the scan (absolute paths), used to resolve imports without touching the disk. */
  files: Set<string>;
  /** Folders imports may be resolved against besides the importing file's ancestors. */
  roots: string[];
  read(file: string): string;
  parse(src: string): SgRoot;
  /** Trees parsed ahead of time (on other threads), by file; the rest are parsed on first import. */
  trees?: Map<string, SgRoot>;
  knowledge: PyKnowledge[];
}

const MAX_DEPTH = 12;
/** Calls longer than this are walked as a tree: their text would be re-read at every nesting level. */
const MAX_SIMPLE = 400;
const MAX_LOOP = 500;

class Return {
  constructor(readonly value: PyValue) {}
}

/**
 * Interprets just enough Python to know which routes a project declares. Modules load
 * on first import (like Python itself), functions run when called with the values at the
 * call site, loops over known lists unroll, and anything else becomes an "unknown" value
 * that keeps its source text so callers can report it.
 */
export class Interpreter {
  /** Loaded modules by absolute file path. */
  readonly modules = new Map<string, PyModule>();
  readonly diagnostics: Diagnostic[] = [];
  /** Functions whose body ran at least once (app factories called at import time). */
  readonly called = new Set<number>();
  parsedFiles = 0;
  private depth = 0;
  private active = new Set<number>();
  file = "";
  line = 0;

  private readonly modeled: Set<string>;

  constructor(readonly opts: InterpreterOptions) {
    this.modeled = new Set(opts.knowledge.flatMap((k) => k.packages ?? []));
  }

  // ------------------------------------------------------------------ modules

  /** Loads a file as a module (once), under the dotted name Python would give it. */
  loadFile(file: string): PyModule | undefined {
    const existing = this.modules.get(file);
    if (existing) return existing;
    const name = this.moduleNameOf(file);
    return this.loadModule(name, file);
  }

  private moduleNameOf(file: string): string {
    // Walk up while folders are packages (hold __init__.py) to find the import root.
    let dir = path.dirname(file);
    const parts = [path.basename(file, ".py")];
    if (parts[0] === "__init__") parts.pop();
    while (this.opts.files.has(path.join(dir, "__init__.py"))) {
      parts.unshift(path.basename(dir));
      dir = path.dirname(dir);
    }
    return parts.join(".") || path.basename(path.dirname(file));
  }

  private loadModule(name: string, file: string): PyModule | undefined {
    const key = file;
    const cached = this.modules.get(key);
    if (cached) return cached;
    const mod: PyModule = {
      name,
      file,
      packageDir: path.basename(file) === "__init__.py" ? path.dirname(file) : undefined,
      scope: undefined as unknown as Scope,
      loaded: false,
      memo: new Map(),
    };
    mod.scope = { vars: new Map(), module: mod };
    mod.scope.vars.set("__name__", { k: "str", v: name });
    this.modules.set(key, mod);
    let root: SgNode;
    try {
      root = (this.opts.trees?.get(file) ?? this.opts.parse(this.opts.read(file))).root();
      this.parsedFiles++;
    } catch (e) {
      this.diagnostics.push({ file, line: 1, message: `cannot read or parse: ${(e as Error).message}` });
      mod.loaded = true;
      return mod;
    }
    mod.root = root;
    const err = firstSyntaxError(root);
    if (err) this.diagnostics.push({ file, line: err.line, message: `syntax error near "${err.text}"; routes after it may be missing` });
    const saved = [this.file, this.line] as const;
    this.file = file;
    try {
      this.execBlock(root.children(), mod.scope);
    } catch (e) {
      if (!(e instanceof Return)) {
        this.diagnostics.push({ file, line: this.line, message: `could not follow this module: ${(e as Error).message}` });
      }
    }
    [this.file, this.line] = saved;
    mod.loaded = true;
    return mod;
  }

  /** Resolves a dotted module name as seen from a file: its package ancestors first, then the scan roots. */
  resolveModule(name: string, fromFile: string): string | undefined {
    if (this.modeled.has(name.split(".")[0]!)) return undefined;
    const rel = name.split(".").join(path.sep);
    const tried = new Set<string>();
    const bases: string[] = [];
    for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
      bases.push(dir);
      if (this.opts.roots.some((r) => dir === r) || path.dirname(dir) === dir) break;
    }
    bases.push(...this.opts.roots);
    for (const base of bases) {
      if (tried.has(base)) continue;
      tried.add(base);
      for (const cand of [path.join(base, rel + ".py"), path.join(base, rel, "__init__.py")]) {
        if (this.opts.files.has(cand)) return cand;
      }
    }
    return undefined;
  }

  /** import a.b.c: the module value for `name`, loading it from the scan when present. */
  importModule(name: string, fromFile: string): PyValue {
    const file = this.resolveModule(name, fromFile);
    if (!file) return { k: "ext", q: name };
    const mod = this.loadModule(name, file);
    return mod ? { k: "mod", mod } : { k: "ext", q: name };
  }

  private absoluteName(level: number, name: string, fromFile: string): string {
    if (level === 0) return name;
    const mod = this.loadFileName(fromFile);
    const isPkg = path.basename(fromFile) === "__init__.py";
    const parts = mod.split(".");
    const drop = isPkg ? level - 1 : level;
    const base = parts.slice(0, Math.max(0, parts.length - drop));
    return [...base, ...(name ? [name] : [])].join(".");
  }

  private loadFileName(file: string): string {
    return this.modules.get(file)?.name ?? this.moduleNameOf(file);
  }

  // ------------------------------------------------------------------ scopes

  lookup(name: string, scope: Scope): PyValue {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return this.force(s, name, b);
    }
    if (BUILTINS.has(name)) return { k: "ext", q: `builtins.${name}` };
    return UNKNOWN(name);
  }

  private resolving = new Set<Binding>();

  private force(scope: Scope, name: string, b: Binding): PyValue {
    if (b.k !== "lazy") return b;
    if (this.resolving.has(b)) return UNKNOWN(name);
    this.resolving.add(b);
    try {
      const v = b.resolve();
      scope.vars.set(name, v);
      return v;
    } finally {
      this.resolving.delete(b);
    }
  }

  getAttr(obj: PyValue, name: string, text: string): PyValue {
    switch (obj.k) {
      case "mod": {
        const b = obj.mod.scope.vars.get(name);
        // `from pkg import sub` inside pkg/__init__.py: the binding being resolved is the submodule itself.
        if (b && !this.resolving.has(b)) return this.force(obj.mod.scope, name, b);
        const sub = this.importModule(`${obj.mod.name}.${name}`, obj.mod.file);
        return sub.k === "mod" ? sub : UNKNOWN(text);
      }
      case "ext":
        return { k: "ext", q: `${obj.q}.${name}` };
      case "cls":
        return this.classAttr(obj, name) ?? UNKNOWN(text);
      case "inst":
        return obj.cls.k === "cls" ? (this.classAttr(obj.cls, name) ?? UNKNOWN(text)) : UNKNOWN(text);
      case "x":
        for (const k of this.opts.knowledge) {
          const v = k.attr?.(obj, name, this);
          if (v) return v;
        }
        return UNKNOWN(text);
      default:
        return UNKNOWN(text);
    }
  }

  /** Class attributes with literal defaults (settings classes, constants on a class). */
  classAttr(cls: Extract<PyValue, { k: "cls" }>, name: string): PyValue | undefined {
    const m = this.membersOf(cls).get(name);
    if (m?.fn) return { k: "fn", name: `${cls.name}.${name}`, node: m.node, scope: cls.scope, file: cls.file };
    if (m) return this.eval(m.node, cls.scope);
    for (const b of cls.bases) if (b.k === "cls") return this.classAttr(b, name);
    return undefined;
  }

  private members = new WeakMap<object, Map<string, { node: SgNode; fn: boolean }>>();

  /** A class body's names, read once: settings classes are asked for many attributes. The first definition wins. */
  private membersOf(cls: Extract<PyValue, { k: "cls" }>): Map<string, { node: SgNode; fn: boolean }> {
    let out = this.members.get(cls);
    if (out) return out;
    out = new Map();
    for (const st of cls.node.field("body")?.children() ?? []) {
      const kind = st.kind();
      const node = kind === "expression_statement" ? st.child(0) : st;
      const k = kind === "expression_statement" ? node?.kind() : kind;
      if (node && k === "assignment") {
        const left = node.field("left");
        const right = node.field("right");
        if (left?.kind() === "identifier" && right && !out.has(left.text())) out.set(left.text(), { node: right, fn: false });
      } else if (node && (k === "function_definition" || k === "decorated_definition")) {
        const def = k === "decorated_definition" ? node.field("definition") : node;
        const name = def?.field("name")?.text();
        if (def && name && !out.has(name)) out.set(name, { node: def, fn: true });
      }
    }
    this.members.set(cls, out);
    return out;
  }

  // ------------------------------------------------------------------ statements

  execBlock(stmts: SgNode[], scope: Scope): void {
    for (const st of stmts) {
      if (!st.isNamed()) continue;
      this.exec(st, scope);
    }
  }

  private exec(st: SgNode, scope: Scope): void {
    this.line = st.range().start.line + 1;
    switch (st.kind()) {
      case "import_statement":
        return this.execImport(st, scope);
      case "import_from_statement":
        return this.execFromImport(st, scope);
      case "expression_statement":
        for (const c of st.children()) if (c.isNamed()) this.execExpr(c, scope);
        return;
      case "decorated_definition":
        return this.execDecorated(st, scope);
      case "function_definition": {
        const name = st.field("name")!.text();
        scope.vars.set(name, { k: "fn", name, node: st, scope, file: this.file });
        return;
      }
      case "class_definition":
        return this.execClass(st, scope, []);
      case "if_statement":
        return this.execIf(st, scope);
      case "for_statement":
        return this.execFor(st, scope);
      case "try_statement":
        for (const c of st.children()) {
          const k = c.kind();
          if (k === "block") this.execBlock(c.children(), scope);
          else if (k === "else_clause" || k === "finally_clause") this.execBlock(c.field("body")?.children() ?? lastBlock(c), scope);
        }
        return;
      case "with_statement":
        this.execBlock(st.field("body")?.children() ?? [], scope);
        return;
      case "return_statement": {
        const value = st.children().find((c) => c.isNamed());
        throw new Return(value ? this.eval(value, scope) : NONE);
      }
      default:
        return;
    }
  }

  private execImport(st: SgNode, scope: Scope): void {
    const file = this.file;
    const simple = SIMPLE_IMPORT.exec(st.text());
    if (simple) {
      for (const item of simple[1]!.split(",")) {
        const [name, alias] = item.trim().split(/\s+as\s+/) as [string, string | undefined];
        this.bindImport(scope, name, alias, file);
      }
      return;
    }
    for (const c of st.children()) {
      if (c.kind() === "dotted_name") {
        this.bindImport(scope, c.text(), undefined, file);
      } else if (c.kind() === "aliased_import") {
        this.bindImport(scope, c.field("name")!.text(), c.field("alias")!.text(), file);
      }
    }
  }

  private bindImport(scope: Scope, name: string, alias: string | undefined, file: string): void {
    if (alias) {
      scope.vars.set(alias, { k: "lazy", resolve: () => this.importModule(name, file) });
      return;
    }
    const top = name.split(".")[0]!;
    // `import a.b` binds `a`; loading a.b also makes it reachable as an attribute.
    scope.vars.set(top, { k: "lazy", resolve: () => { if (name !== top) this.importModule(name, file); return this.importModule(top, file); } });
  }

  private execFromImport(st: SgNode, scope: Scope): void {
    const file = this.file;
    const simple = SIMPLE_FROM_IMPORT.exec(st.text());
    if (simple) {
      const absolute = this.absoluteName(simple[1]!.length, simple[2] ?? "", file);
      for (const item of simple[3]!.split(",")) {
        const [name, alias] = item.trim().split(/\s+as\s+/) as [string, string | undefined];
        this.bindFromImport(scope, absolute, name, alias ?? name, file);
      }
      return;
    }
    const modNode = st.field("module_name");
    let level = 0;
    let modName = "";
    if (modNode?.kind() === "relative_import") {
      for (const c of modNode.children()) {
        if (c.kind() === "import_prefix") level = c.text().length;
        else if (c.kind() === "dotted_name") modName = c.text();
      }
    } else if (modNode) modName = modNode.text();
    const absolute = this.absoluteName(level, modName, file);
    const names = st.children().filter((c) => c !== modNode && (c.kind() === "dotted_name" || c.kind() === "aliased_import"));
    if (st.children().some((c) => c.kind() === "wildcard_import")) {
      const mod = this.importModule(absolute, file);
      if (mod.k === "mod") for (const [k, v] of mod.mod.scope.vars) if (!k.startsWith("_")) scope.vars.set(k, v);
      return;
    }
    for (const n of names) {
      const name = n.kind() === "aliased_import" ? n.field("name")!.text() : n.text();
      const alias = n.kind() === "aliased_import" ? n.field("alias")!.text() : name;
      this.bindFromImport(scope, absolute, name, alias, file);
    }
  }

  private bindFromImport(scope: Scope, absolute: string, name: string, alias: string, file: string): void {
    scope.vars.set(alias, {
      k: "lazy",
      resolve: () => {
        const mod = this.importModule(absolute, file);
        if (mod.k !== "mod") return { k: "ext", q: absolute ? `${absolute}.${name}` : name };
        return this.getAttr(mod, name, `${absolute}.${name}`);
      },
    });
  }

  private execDecorated(st: SgNode, scope: Scope): void {
    const fast = parseDecorated(st.text());
    if (fast?.kind === "def") return this.execSimpleDecorated(st, fast, scope);
    const def = st.field("definition")!;
    const decorators = st.children().filter((c) => c.kind() === "decorator");
    if (def.kind() === "class_definition") {
      this.execClass(def, scope, decorators);
      return;
    }
    const name = def.field("name")!.text();
    let target: PyValue = { k: "fn", name, node: def, scope, file: this.file };
    // Decorators apply bottom-up, each to what the one below returned.
    for (const d of [...decorators].reverse()) {
      this.line = d.range().start.line + 1;
      const expr = d.children().find((c) => c.isNamed());
      if (!expr) continue;
      target = this.decorate(this.eval(expr, scope), target);
    }
    scope.vars.set(name, target.k === "x" || target.k === "fn" ? target : { k: "fn", name, node: def, scope, file: this.file });
  }

  /** The first framework that knows the decorator decides what the name is bound to. */
  private decorate(dec: PyValue, target: PyValue): PyValue {
    if (dec.k !== "x" && dec.k !== "ext") return target;
    for (const k of this.opts.knowledge) {
      const out = k.decorate?.(dec, target, this);
      if (out) return out;
    }
    return target;
  }

  /** A function whose decorators are all simple calls or names, read from the text (see simple-call.ts). */
  private execSimpleDecorated(st: SgNode, fast: NonNullable<ReturnType<typeof parseDecorated>>, scope: Scope): void {
    const def = st.field("definition")!;
    const first = this.line;
    let target: PyValue = { k: "fn", name: fast.name, node: def, scope, file: this.file };
    for (const d of [...fast.decorators].reverse()) {
      this.line = first + d.lineOffset;
      target = this.decorate(d.call ? this.callSimple(d.call, d.text, this.line, scope) : this.evalName(d.name!, scope), target);
    }
    scope.vars.set(fast.name, target.k === "x" || target.k === "fn" ? target : { k: "fn", name: fast.name, node: def, scope, file: this.file });
  }

  private execClass(def: SgNode, scope: Scope, decorators: SgNode[]): void {
    const name = def.field("name")!.text();
    const superclasses = def.field("superclasses");
    const bases = (superclasses?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== "keyword_argument").map((b) => this.eval(b, scope));
    let cls: PyValue = { k: "cls", name, node: def, scope, file: this.file, bases };
    for (const d of decorators) {
      const expr = d.children().find((c) => c.isNamed());
      const dec = expr ? this.eval(expr, scope) : undefined;
      if (dec?.k === "x" || dec?.k === "ext") for (const k of this.opts.knowledge) cls = k.decorate?.(dec, cls, this) ?? cls;
    }
    scope.vars.set(name, cls);
  }

  private execIf(st: SgNode, scope: Scope): void {
    const cond = st.field("condition");
    const text = cond?.text() ?? "";
    if (/__name__\s*==\s*["']__main__["']/.test(text) || text === "TYPE_CHECKING" || text === "typing.TYPE_CHECKING") return;
    const c = cond ? this.eval(cond, scope) : UNKNOWN("");
    const truth = c.k === "bool" ? c.v : c.k === "none" ? false : c.k === "str" ? c.v !== "" : undefined;
    if (truth === true) return this.execBlock(st.field("consequence")?.children() ?? [], scope);
    if (truth === undefined) this.execBlock(st.field("consequence")?.children() ?? [], scope);
    for (const alt of st.children().filter((x) => x.kind() === "elif_clause" || x.kind() === "else_clause")) {
      if (truth === undefined || alt.kind() === "else_clause") this.execBlock(alt.field("consequence")?.children() ?? alt.field("body")?.children() ?? lastBlock(alt), scope);
    }
  }

  private execFor(st: SgNode, scope: Scope): void {
    const left = st.field("left")!;
    const right = st.field("right")!;
    const body = st.field("body")?.children() ?? [];
    const it = this.iterate(this.eval(right, scope));
    if (!it) {
      // Unknown iterable: run the body once so what it registers is reported as unresolved.
      this.bindTarget(left, UNKNOWN(`${left.text()} in ${right.text()}`), scope);
      this.execBlock(body, scope);
      return;
    }
    for (const v of it.slice(0, MAX_LOOP)) {
      this.bindTarget(left, v, scope);
      this.execBlock(body, scope);
    }
  }

  iterate(v: PyValue): PyValue[] | undefined {
    if (v.k === "seq") return v.items;
    if (v.k === "dict") return v.entries.map(([key]) => key);
    return undefined;
  }

  private bindTarget(target: SgNode, v: PyValue, scope: Scope): void {
    const k = target.kind();
    if (k === "identifier") {
      scope.vars.set(target.text(), v);
    } else if (k === "pattern_list" || k === "tuple_pattern" || k === "list_pattern" || k === "tuple" || k === "list") {
      const parts = target.children().filter((c) => c.isNamed());
      const vals = v.k === "seq" ? v.items : undefined;
      parts.forEach((p, i) => this.bindTarget(p, vals?.[i] ?? UNKNOWN(p.text()), scope));
    } else if (k === "parenthesized_expression") {
      const inner = target.children().find((c) => c.isNamed());
      if (inner) this.bindTarget(inner, v, scope);
    }
  }

  private execExpr(node: SgNode, scope: Scope): void {
    const k = node.kind();
    if (k === "assignment") {
      const right = node.field("right");
      const value = right ? this.eval(right, scope) : UNKNOWN(node.text());
      const left = node.field("left")!;
      if (left.kind() === "attribute" || left.kind() === "subscript") return;
      this.bindTarget(left, value, scope);
    } else if (k === "augmented_assignment") {
      const left = node.field("left")!;
      const op = node.children().find((c) => !c.isNamed())?.text();
      const cur = this.eval(left, scope);
      const add = this.eval(node.field("right")!, scope);
      if (op === "+=" && cur.k === "seq") {
        const more = this.iterate(add);
        if (more) cur.items.push(...more);
        else cur.items.push(add.k === "x" ? add : UNKNOWN(node.field("right")!.text()));
      } else if (op === "+=" && cur.k === "str" && add.k === "str" && left.kind() === "identifier") {
        scope.vars.set(left.text(), { k: "str", v: cur.v + add.v });
      }
    } else {
      this.eval(node, scope);
    }
  }

  // ------------------------------------------------------------------ expressions

  eval(node: SgNode, scope: Scope): PyValue {
    switch (node.kind()) {
      case "string":
        return this.evalString(node, scope);
      case "concatenated_string": {
        let out = "";
        for (const c of node.children()) {
          const v = this.eval(c, scope);
          if (v.k !== "str") return UNKNOWN(node.text());
          out += v.v;
        }
        return { k: "str", v: out };
      }
      case "integer":
        return { k: "num", v: Number(node.text().replace(/_/g, "")) };
      case "true":
        return { k: "bool", v: true };
      case "false":
        return { k: "bool", v: false };
      case "none":
        return NONE;
      case "identifier":
        return this.lookup(node.text(), scope);
      case "attribute": {
        const obj = this.eval(node.field("object")!, scope);
        return this.getAttr(obj, node.field("attribute")!.text(), node.text());
      }
      case "call":
        return this.evalCall(node, scope);
      case "list":
      case "tuple":
      case "set":
      case "expression_list":
        return { k: "seq", items: this.evalItems(node, scope) };
      case "parenthesized_expression": {
        const inner = node.children().find((c) => c.isNamed());
        return inner ? this.eval(inner, scope) : UNKNOWN(node.text());
      }
      case "dictionary":
        return this.evalDict(node, scope);
      case "binary_operator":
        return this.evalBinary(node, scope);
      case "subscript":
        return this.evalSubscript(node, scope);
      case "list_comprehension":
      case "generator_expression":
        return this.evalComprehension(node, scope);
      case "conditional_expression": {
        const [a, cond, b] = node.children().filter((c) => c.isNamed());
        const c = cond ? this.eval(cond, scope) : undefined;
        if (c?.k === "bool") return this.eval(c.v ? a! : b!, scope);
        return UNKNOWN(node.text());
      }
      case "boolean_operator": {
        // `os.getenv("X") or "/api"`: the right side is the default.
        const left = this.eval(node.field("left")!, scope);
        const op = node.field("operator")?.text();
        if (op === "or" && (left.k === "none" || left.k === "unk")) {
          const right = this.eval(node.field("right")!, scope);
          return right.k === "unk" ? UNKNOWN(node.text()) : right;
        }
        return left.k === "unk" ? UNKNOWN(node.text()) : left;
      }
      case "keyword_argument":
        return this.eval(node.field("value")!, scope);
      default:
        return UNKNOWN(node.text());
    }
  }

  private evalItems(node: SgNode, scope: Scope): PyValue[] {
    const out: PyValue[] = [];
    for (const c of node.children()) {
      if (!c.isNamed() || c.kind() === "comment") continue;
      if (c.kind() === "list_splat") {
        const inner = c.children().find((x) => x.isNamed());
        const raw = inner ? this.eval(inner, scope) : undefined;
        const v = raw ? this.iterate(raw) : undefined;
        if (v) out.push(...v);
        else out.push(raw?.k === "x" ? raw : UNKNOWN(c.text()));
      } else out.push(this.eval(c, scope));
    }
    return out;
  }

  private evalDict(node: SgNode, scope: Scope): PyValue {
    const entries: Array<[PyValue, PyValue]> = [];
    for (const c of node.children()) {
      if (c.kind() === "pair") entries.push([this.eval(c.field("key")!, scope), this.eval(c.field("value")!, scope)]);
      else if (c.kind() === "dictionary_splat") {
        const inner = c.children().find((x) => x.isNamed());
        const v = inner ? this.eval(inner, scope) : undefined;
        if (v?.k === "dict") entries.push(...v.entries);
      }
    }
    return { k: "dict", entries };
  }

  private evalString(node: SgNode, scope: Scope): PyValue {
    // Most strings are plain literals: one read of the text instead of a walk over the children.
    const simple = SIMPLE_STRING.exec(node.text());
    if (simple) return { k: "str", v: simple[2]! };
    const children = node.children();
    const start = children[0]?.text() ?? "";
    const raw = /r/i.test(start);
    let out = "";
    for (const c of children) {
      const k = c.kind();
      if (k === "string_content") out += raw ? c.text() : unescape(c.text());
      else if (k === "escape_sequence") out += raw ? c.text() : unescape(c.text());
      else if (k === "interpolation") {
        const expr = c.children().find((x) => x.isNamed() && x.kind() !== "format_specifier" && x.kind() !== "type_conversion");
        const v = expr ? this.eval(expr, scope) : UNKNOWN(c.text());
        if (v.k === "str" || v.k === "num") out += String(v.v);
        else return UNKNOWN(node.text());
      }
    }
    return { k: "str", v: out };
  }

  private evalBinary(node: SgNode, scope: Scope): PyValue {
    const op = node.field("operator")?.text();
    const a = this.eval(node.field("left")!, scope);
    const b = this.eval(node.field("right")!, scope);
    if (op === "+") {
      if (a.k === "str" && b.k === "str") return { k: "str", v: a.v + b.v };
      if (a.k === "seq" && b.k === "seq") return { k: "seq", items: [...a.items, ...b.items] };
    }
    if (op === "%" && a.k === "str") {
      const args = b.k === "seq" ? b.items : [b];
      let i = 0;
      let ok = true;
      const v = a.v.replace(/%[sdr]/g, () => {
        const x = args[i++];
        if (x?.k === "str" || x?.k === "num") return String(x.v);
        ok = false;
        return "";
      });
      if (ok) return { k: "str", v };
    }
    return UNKNOWN(node.text());
  }

  private evalSubscript(node: SgNode, scope: Scope): PyValue {
    const obj = this.eval(node.field("value")!, scope);
    const idxNode = node.field("subscript");
    const idx = idxNode ? this.eval(idxNode, scope) : undefined;
    if (obj.k === "dict" && idx) {
      const hit = obj.entries.find(([key]) => sameKey(key, idx));
      if (hit) return hit[1];
    }
    if (obj.k === "seq" && idx?.k === "num") {
      const v = obj.items[idx.v < 0 ? obj.items.length + idx.v : idx.v];
      if (v) return v;
    }
    return UNKNOWN(node.text());
  }

  private evalComprehension(node: SgNode, scope: Scope): PyValue {
    const body = node.field("body");
    const clauses = node.children().filter((c) => c.kind() === "for_in_clause");
    if (!body || clauses.length !== 1 || node.children().some((c) => c.kind() === "if_clause")) return UNKNOWN(node.text());
    const clause = clauses[0]!;
    const it = this.iterate(this.eval(clause.field("right")!, scope));
    if (!it) return UNKNOWN(node.text());
    const inner: Scope = { vars: new Map(), parent: scope, module: scope.module };
    const out: PyValue[] = [];
    for (const v of it.slice(0, MAX_LOOP)) {
      this.bindTarget(clause.field("left")!, v, inner);
      out.push(this.eval(body, inner));
    }
    return { k: "seq", items: out };
  }

  private buildCall(node: SgNode, scope: Scope, text: string, line: number): PyCall {
    const call: PyCall = { args: [], kw: new Map(), argText: [], kwText: new Map(), file: this.file, line, text };
    for (const a of node.field("arguments")?.children() ?? []) {
      if (!a.isNamed() || a.kind() === "comment") continue;
      if (a.kind() === "keyword_argument") {
        const name = a.field("name")!.text();
        call.kw.set(name, this.eval(a.field("value")!, scope));
        call.kwText.set(name, a.field("value")!.text());
      } else if (a.kind() === "list_splat") {
        const inner = a.children().find((x) => x.isNamed());
        const v = inner ? this.iterate(this.eval(inner, scope)) : undefined;
        for (const x of v ?? [UNKNOWN(a.text())]) {
          call.args.push(x);
          call.argText.push(a.text());
        }
      } else if (a.kind() === "dictionary_splat") {
        const inner = a.children().find((x) => x.isNamed());
        const v = inner ? this.eval(inner, scope) : undefined;
        if (v?.k === "dict") for (const [key, val] of v.entries) if (key.k === "str") call.kw.set(key.v, val);
      } else {
        call.args.push(this.eval(a, scope));
        call.argText.push(a.text());
      }
    }
    return call;
  }

  private evalCall(node: SgNode, scope: Scope): PyValue {
    const line = node.range().start.line + 1;
    const text = node.text();
    const simple = text.length <= MAX_SIMPLE ? parseSimpleCall(text) : undefined;
    if (simple) return this.callSimple(simple, text, line, scope);
    const fnNode = node.field("function")!;
    if (fnNode.kind() === "attribute") {
      const self = this.eval(fnNode.field("object")!, scope);
      const name = fnNode.field("attribute")!.text();
      const call = this.buildCall(node, scope, text, line);
      this.line = line;
      const v = this.callMethod(self, name, call);
      if (v) return v;
      return this.callValue(this.getAttr(self, name, fnNode.text()), call, text);
    }
    const callee = this.eval(fnNode, scope);
    const call = this.buildCall(node, scope, text, line);
    this.line = line;
    return this.callValue(callee, call, text);
  }

  /** The same steps as evalCall, over a call read from its text. */
  private callSimple(sc: SimpleCall, text: string, line: number, scope: Scope): PyValue {
    const parts = sc.callee;
    const self = parts.length > 1 ? this.evalName(parts.slice(0, -1), scope) : undefined;
    const callee = self ? undefined : this.lookup(parts[0]!, scope);
    const call: PyCall = { args: [], kw: new Map(), argText: [], kwText: new Map(), file: this.file, line, text };
    for (const a of sc.args) {
      const v = this.evalAtom(a.value, scope);
      if (a.name) {
        call.kw.set(a.name, v);
        call.kwText.set(a.name, a.text);
      } else {
        call.args.push(v);
        call.argText.push(a.text);
      }
    }
    this.line = line;
    if (!self) return this.callValue(callee!, call, text);
    const name = parts[parts.length - 1]!;
    const v = this.callMethod(self, name, call);
    if (v) return v;
    return this.callValue(this.getAttr(self, name, parts.join(".")), call, text);
  }

  private evalName(parts: string[], scope: Scope): PyValue {
    let v = this.lookup(parts[0]!, scope);
    for (let i = 1; i < parts.length; i++) v = this.getAttr(v, parts[i]!, parts.slice(0, i + 1).join("."));
    return v;
  }

  private evalAtom(a: Atom, scope: Scope): PyValue {
    switch (a.t) {
      case "str":
        return { k: "str", v: a.v };
      case "num":
        return { k: "num", v: a.v };
      case "const":
        return a.v === null ? NONE : { k: "bool", v: a.v };
      case "name":
        return this.evalName(a.parts, scope);
      case "list":
        return { k: "seq", items: a.items.map((x) => this.evalAtom(x, scope)) };
    }
  }

  private callMethod(self: PyValue, name: string, call: PyCall): PyValue | undefined {
    // Django and Flask class-based views: the view keeps its class so methods stay knowable.
    if ((self.k === "cls" || self.k === "ext") && name === "as_view") return { k: "x", tag: "as_view", data: self };
    if (self.k === "x") {
      for (const k of this.opts.knowledge) {
        const v = k.method?.(self, name, call, this);
        if (v) return v;
      }
      return undefined;
    }
    if (self.k === "seq") {
      if (name === "append" && call.args[0]) self.items.push(call.args[0]);
      else if (name === "extend" && call.args[0]) self.items.push(...(this.iterate(call.args[0]) ?? [UNKNOWN(call.argText[0] ?? "")]));
      else if (name === "insert" && call.args[1]) self.items.splice(call.args[0]?.k === "num" ? call.args[0].v : 0, 0, call.args[1]);
      else return undefined;
      return NONE;
    }
    if (self.k === "dict") {
      if (name === "items") return { k: "seq", items: self.entries.map(([a, b]) => ({ k: "seq", items: [a, b] })) };
      if (name === "values") return { k: "seq", items: self.entries.map(([, b]) => b) };
      if (name === "keys") return { k: "seq", items: self.entries.map(([a]) => a) };
      if (name === "get" && call.args[0]) return self.entries.find(([key]) => sameKey(key, call.args[0]!))?.[1] ?? call.args[1] ?? NONE;
      if (name === "update" && call.args[0]?.k === "dict") {
        self.entries.push(...call.args[0].entries);
        return NONE;
      }
      if (name === "__setitem__") return NONE;
      return undefined;
    }
    if (self.k === "str") {
      const a0 = call.args[0]?.k === "str" ? call.args[0].v : undefined;
      switch (name) {
        case "rstrip":
          return { k: "str", v: a0 === undefined ? self.v.trimEnd() : stripChars(self.v, a0, false, true) };
        case "lstrip":
          return { k: "str", v: a0 === undefined ? self.v.trimStart() : stripChars(self.v, a0, true, false) };
        case "strip":
          return { k: "str", v: a0 === undefined ? self.v.trim() : stripChars(self.v, a0, true, true) };
        case "lower":
          return { k: "str", v: self.v.toLowerCase() };
        case "upper":
          return { k: "str", v: self.v.toUpperCase() };
        case "replace":
          return call.args[1]?.k === "str" && a0 !== undefined ? { k: "str", v: self.v.split(a0).join(call.args[1].v) } : undefined;
        case "format": {
          let i = 0;
          let ok = true;
          const v = self.v.replace(/\{([A-Za-z_0-9]*)\}/g, (_, key: string) => {
            const x = key === "" ? call.args[i++] : /^\d+$/.test(key) ? call.args[Number(key)] : call.kw.get(key);
            if (x?.k === "str" || x?.k === "num") return String(x.v);
            ok = false;
            return "";
          });
          return ok ? { k: "str", v } : undefined;
        }
        case "split":
        case "rsplit": {
          const sep = a0 ?? " ";
          return { k: "seq", items: self.v.split(sep).filter((x) => a0 !== undefined || x !== "").map((v) => ({ k: "str", v }) as PyValue) };
        }
        case "join": {
          const parts = call.args[0] ? this.iterate(call.args[0]) : undefined;
          if (parts?.every((p) => p.k === "str")) return { k: "str", v: parts.map((p) => (p as { v: string }).v).join(self.v) };
          return undefined;
        }
      }
    }
    return undefined;
  }

  callValue(callee: PyValue, call: PyCall, text: string): PyValue {
    switch (callee.k) {
      case "fn":
        return this.callFunction(callee, call, text);
      case "cls": {
        // A subclass of a framework class (class Api(APIRouter)) builds what its base builds.
        for (const b of callee.bases) {
          if (b.k === "ext" || b.k === "cls") {
            const v = this.callValue(b, call, text);
            if (v.k !== "unk" && v.k !== "inst") return v;
          }
        }
        return { k: "inst", cls: callee };
      }
      case "ext":
        return this.callExternal(callee.q, call, text);
      case "x":
        for (const k of this.opts.knowledge) {
          const v = k.method?.(callee, "__call__", call, this);
          if (v) return v;
        }
        return UNKNOWN(text);
      default:
        return UNKNOWN(text);
    }
  }

  private callExternal(q: string, call: PyCall, text: string): PyValue {
    for (const k of this.opts.knowledge) {
      const v = k.construct?.(q, call, this);
      if (v) return v;
    }
    const arg0 = call.args[0];
    switch (q) {
      case "builtins.__import__":
      case "importlib.import_module": {
        const name = arg0?.k === "str" ? arg0.v : undefined;
        if (!name) return UNKNOWN(text);
        const mod = this.importModule(name, call.file);
        if (q === "importlib.import_module" || call.kw.has("fromlist") || call.args.length > 3) return mod;
        // __import__("a.b") returns the top package; a.b stays reachable as its attribute.
        return this.importModule(name.split(".")[0]!, call.file);
      }
      case "builtins.getattr":
        if (arg0 && call.args[1]?.k === "str") {
          const v = this.getAttr(arg0, call.args[1].v, text);
          return v.k === "unk" && call.args[2] ? call.args[2] : v;
        }
        return UNKNOWN(text);
      case "builtins.str":
        return arg0?.k === "str" ? arg0 : arg0?.k === "num" ? { k: "str", v: String(arg0.v) } : UNKNOWN(text);
      case "builtins.list":
      case "builtins.tuple": {
        const it = arg0 ? this.iterate(arg0) : [];
        return it ? { k: "seq", items: [...it] } : UNKNOWN(text);
      }
      case "builtins.dict":
        return { k: "dict", entries: [...call.kw].map(([key, v]) => [{ k: "str", v: key }, v]) };
      case "os.getenv":
      case "os.environ.get":
      case "environ.get":
        // Settings defaults: the value the code falls back to without the variable.
        return call.args[1] ?? call.kw.get("default") ?? UNKNOWN(text);
      case "os.path.join":
      case "posixpath.join":
        return UNKNOWN(text);
      default:
        if (q.endsWith(".Field") || q === "pydantic.Field") return call.kw.get("default") ?? call.args[0] ?? UNKNOWN(text);
        return UNKNOWN(text);
    }
  }

  callFunction(fn: Extract<PyValue, { k: "fn" }>, call: PyCall, text: string): PyValue {
    const id = fn.node.id();
    if (this.depth >= MAX_DEPTH || this.active.has(id)) return UNKNOWN(text);
    const scope: Scope = { vars: new Map(), parent: fn.scope, module: fn.scope.module };
    this.bindParams(fn, call, scope);
    this.called.add(id);
    this.depth++;
    this.active.add(id);
    const saved = [this.file, this.line] as const;
    this.file = fn.file;
    try {
      this.execBlock(fn.node.field("body")?.children() ?? [], scope);
      return NONE;
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    } finally {
      [this.file, this.line] = saved;
      this.depth--;
      this.active.delete(id);
    }
  }

  private bindParams(fn: Extract<PyValue, { k: "fn" }>, call: PyCall, scope: Scope): void {
    const params = fn.node.field("parameters")?.children().filter((c) => c.isNamed()) ?? [];
    let i = 0;
    let skipSelf = fn.name.includes(".");
    for (const p of params) {
      const k = p.kind();
      if (k === "list_splat_pattern") {
        const name = p.children().find((c) => c.kind() === "identifier")?.text();
        if (name) scope.vars.set(name, { k: "seq", items: call.args.slice(i) });
        i = call.args.length;
        continue;
      }
      if (k === "dictionary_splat_pattern") {
        const name = p.children().find((c) => c.kind() === "identifier")?.text();
        if (name) scope.vars.set(name, { k: "dict", entries: [...call.kw].map(([key, v]) => [{ k: "str", v: key }, v]) });
        continue;
      }
      if (k === "keyword_separator" || k === "positional_separator") continue;
      const nameNode = k === "identifier" ? p : (p.field("name") ?? p.children().find((c) => c.kind() === "identifier"));
      const name = nameNode?.text();
      if (!name) continue;
      if (skipSelf && (name === "self" || name === "cls")) {
        skipSelf = false;
        continue;
      }
      const dflt = p.field("value");
      const v = call.kw.get(name) ?? call.args[i] ?? (dflt ? this.eval(dflt, fn.scope) : UNKNOWN(name));
      if (!call.kw.has(name) && call.args[i]) i++;
      scope.vars.set(name, v);
    }
  }

  /** Runs a module-level function whose result nothing asked for (an app factory served with --factory). */
  runUncalled(fn: Extract<PyValue, { k: "fn" }>): PyValue {
    return this.callFunction(fn, { args: [], kw: new Map(), argText: [], kwText: new Map(), file: fn.file, line: fn.node.range().start.line + 1, text: fn.name }, `${fn.name}()`);
  }

  describe(v: PyValue): string {
    return describe(v);
  }
}

/** Imports on one line without parentheses, comments or continuations, read from their text. */
const ID = "[A-Za-z_][A-Za-z0-9_]*";
const DOTTED = `${ID}(?:\\.${ID})*`;
const ITEM = (name: string) => `${name}(?:[ \\t]+as[ \\t]+${ID})?`;
const SIMPLE_IMPORT = new RegExp(`^import[ \\t]+(${ITEM(DOTTED)}(?:[ \\t]*,[ \\t]*${ITEM(DOTTED)})*)[ \\t]*$`);
const SIMPLE_FROM_IMPORT = new RegExp(`^from[ \\t]+(\\.*)[ \\t]*(${DOTTED})?[ \\t]+import[ \\t]+(${ITEM(ID)}(?:[ \\t]*,[ \\t]*${ITEM(ID)})*)[ \\t]*$`);

const BUILTINS = new Set(["__import__", "getattr", "str", "list", "tuple", "dict", "len", "print", "isinstance", "super"]);

function lastBlock(node: SgNode): SgNode[] {
  const block = [...node.children()].reverse().find((c) => c.kind() === "block");
  return block?.children() ?? [];
}

function sameKey(a: PyValue, b: PyValue): boolean {
  return (a.k === "str" && b.k === "str" && a.v === b.v) || (a.k === "num" && b.k === "num" && a.v === b.v);
}

function stripChars(s: string, chars: string, start: boolean, end: boolean): string {
  let a = 0;
  let b = s.length;
  while (start && a < b && chars.includes(s[a]!)) a++;
  while (end && b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", "\\": "\\", "'": "'", '"': '"' })[c] ?? `\\${c}`);
}
