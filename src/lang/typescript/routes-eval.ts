import path from "node:path";
import { pathToFileURL } from "node:url";
import type { SgNode } from "@ast-grep/napi";
import type { PathPiece } from "../../frameworks/route-graph.js";
import { firstSyntaxError } from "../python/ast-grep.js";
import type { JsParse } from "./routes-parse.js";

/** Values of the small JavaScript/TypeScript evaluator route extraction runs over a service. */
export type JsValue =
  | { k: "str"; v: string }
  | { k: "unk"; text: string; local?: boolean }
  /** `props`: properties set on the function (`plugin.autoPrefix = "/x"`). */
  | { k: "fn"; node: SgNode; scope: Scope; mod: JsModule; calls: number; props?: Map<string, JsValue> }
  | { k: "obj"; props: Map<string, JsValue> }
  | { k: "arr"; items: JsValue[] }
  /** A value from an npm package: `require("express")` is {name: "express", path: []}, `.Router` adds to path. */
  | { k: "pkg"; name: string; path: string[] }
  /** A framework value (an app, a router, a route builder). */
  | { k: "x"; tag: string; data: unknown };

export class Scope {
  readonly vars = new Map<string, JsValue>();
  constructor(readonly parent?: Scope) {}
  get(name: string): JsValue | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }
  assign(name: string, v: JsValue): void {
    if (this.vars.has(name) || !this.parent) this.vars.set(name, v);
    else this.parent.assign(name, v);
  }
}

export interface JsModule {
  file: string;
  scope: Scope;
  exports: Map<string, JsValue>;
  /** `module.exports = X` replaces the whole export object (CommonJS). */
  moduleExports?: JsValue;
  done: boolean;
}

export interface JsCall {
  args: SgNode[];
  scope: Scope;
  mod: JsModule;
  /** 1-based line of the called name (the `get` in `router.route("/x").get(h)`). */
  line: number;
  node: SgNode;
}

/** What a framework teaches the evaluator; undefined means "not mine". */
export interface JsKnowledge {
  /** A call of a package value: `express()`, `express.Router()`, `Fastify({...})`, `fp(plugin)`. */
  pkgCall?(pkg: { name: string; path: string[] }, call: JsCall, ev: JsEvaluator): JsValue | undefined;
  /** A method called on a framework value. */
  method?(recv: JsValue, name: string, call: JsCall, ev: JsEvaluator): JsValue | undefined;
}

const MAX_DEPTH = 24;
const EXTS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

class Return {
  constructor(readonly value: JsValue) {}
}

const unk = (text: string, local?: boolean): JsValue => ({ k: "unk", text: text.length > 80 ? text.slice(0, 77) + "..." : text, ...(local ? { local } : {}) });

/**
 * Follows module imports (ES and CommonJS), variables, string building, object and array
 * literals, and calls of functions defined in the service; frameworks interpret their own
 * calls (src/frameworks/<fw>/routes.ts). Anything else evaluates to "unknown" with its text.
 */
export class JsEvaluator {
  readonly modules = new Map<string, JsModule>();
  readonly diagnostics: Array<{ file: string; line: number; message: string }> = [];
  parsedFiles = 0;
  private depth = 0;
  /** Per running function: values returned by `if` branches, which may not run. */
  private maybeReturns: JsValue[][] = [];

  constructor(
    readonly files: Set<string>,
    readonly read: (f: string) => string,
    readonly parse: JsParse,
    readonly knowledge: JsKnowledge[],
  ) {}

  /** Evaluates a module's top level once; later imports get the same module. */
  load(file: string): JsModule {
    const known = this.modules.get(file);
    if (known) return known;
    const mod: JsModule = { file, scope: new Scope(), exports: new Map(), done: false };
    this.modules.set(file, mod);
    const root = this.parse(file, this.read(file)).root();
    this.parsedFiles++;
    const err = firstSyntaxError(root);
    if (err) this.diagnostics.push({ file, line: err.line, message: `syntax error near "${err.text}"; routes after it may be missing` });
    // Function declarations are hoisted: bind them before running the statements.
    this.hoist(root, mod.scope, mod);
    try {
      this.block(root, mod.scope, mod, true);
    } catch (e) {
      if (!(e instanceof Return)) throw e;
    }
    mod.done = true;
    return mod;
  }

  /**
   * App factories nobody calls in the scanned code (`export function build()`, `createApp`, served
   * by a test harness or a separate entry point) run once, so their routes are found.
   */
  runUncalledFactories(creates: RegExp): void {
    type Fn = Extract<JsValue, { k: "fn" }>;
    // Every function of every module by the name it is called with (declarations, exports, object methods).
    const named: Array<{ name: string; fn: Fn; text: string }> = [];
    const seen = new Set<Fn>();
    for (const mod of [...this.modules.values()]) {
      const top: Array<[string, JsValue]> = [...mod.scope.vars, ...mod.exports, ...(mod.moduleExports ? [["exports", mod.moduleExports] as [string, JsValue]] : [])];
      const all = [...top, ...top.flatMap(([, v]) => (v.k === "obj" ? [...v.props] : []))];
      for (const [name, v] of all) {
        if (v.k !== "fn" || v.mod !== mod || seen.has(v)) continue;
        seen.add(v);
        named.push({ name, fn: v, text: v.node.text() });
      }
    }
    // Factories create an app, or call a function that does (`adminApp = util.createExpressApp(settings)` in an init()).
    const factories = new Set(named.filter((n) => creates.test(n.text)));
    for (let grew = true; grew; ) {
      grew = false;
      const names = [...new Set([...factories].map((f) => f.name).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)))];
      if (!names.length) break;
      const callsOne = new RegExp(`(?:^|[^\\w$])(?:${names.map((n) => n.replace(/\$/g, "\\$")).join("|")})\\s*\\(`);
      for (const n of named) {
        if (!factories.has(n) && callsOne.test(n.text)) {
          factories.add(n);
          grew = true;
        }
      }
    }
    // Outermost first: a factory another factory calls runs through it, with the mount that places it.
    const list = [...factories];
    const calledBy = (f: (typeof list)[number]) => list.some((o) => o !== f && new RegExp(`(?:^|[^\\w$])${f.name.replace(/\$/g, "\\$")}\\s*\\(`).test(o.text));
    // A `module.exports = (…) => …` function is called by its importers under another name: it goes last.
    const outer = (f: (typeof list)[number]) => f.name !== "exports" && !calledBy(f);
    for (const f of [...list.filter(outer), ...list.filter((f) => !outer(f))]) if (f.fn.calls === 0) this.callFn(f.fn, []);
  }

  /** The value a module hands to `require()` or `import x from`. */
  moduleValue(mod: JsModule, as: "require" | "default" | "namespace"): JsValue {
    if (as === "require") return mod.moduleExports ?? { k: "obj", props: mod.exports };
    if (as === "default") return mod.exports.get("default") ?? mod.moduleExports ?? unk(`default export of ${path.basename(mod.file)}`, true);
    return { k: "obj", props: new Map([...mod.exports, ...(mod.moduleExports ? [["default", mod.moduleExports] as const] : [])]) };
  }

  /** A relative module specifier as a file of this service, or undefined. */
  resolve(spec: string, from: string): string | undefined {
    if (!spec.startsWith(".")) return undefined;
    const base = path.resolve(path.dirname(from), spec);
    const stem = base.replace(/\.(m|c)?js$/, "");
    for (const c of [base, ...EXTS.map((e) => stem + e), ...EXTS.map((e) => path.join(base, "index" + e))]) if (this.files.has(c)) return c;
    return undefined;
  }

  /** `require(spec)` / `import(spec)`: a local module, an npm package, or unknown. */
  importValue(spec: string, from: string, as: "require" | "default" | "namespace"): JsValue {
    if (!spec.startsWith(".")) return { k: "pkg", name: packageName(spec), path: as === "namespace" ? ["*"] : [] };
    const file = this.resolve(spec, from);
    if (!file) return unk(`${spec} (not found next to ${path.basename(from)})`, true);
    return this.moduleValue(this.load(file), as);
  }

  /** Calls a function value with evaluated arguments and returns what it returns. */
  callFn(fn: Extract<JsValue, { k: "fn" }>, args: JsValue[]): JsValue {
    if (this.depth >= MAX_DEPTH) return unk(fn.node.text());
    fn.calls++;
    const scope = new Scope(fn.scope);
    const params = fn.node.field("parameters") ?? fn.node.field("parameter");
    const list = params ? (params.kind() === "formal_parameters" ? params.children().filter((c) => c.isNamed() && c.kind() !== "comment") : [params]) : [];
    list.forEach((p, i) => this.bindPattern(p, args[i] ?? unk(p.text()), scope, fn.mod));
    const body = fn.node.field("body");
    if (!body) return unk(fn.node.text());
    this.depth++;
    const maybe: JsValue[] = [];
    this.maybeReturns.push(maybe);
    try {
      if (body.kind() !== "statement_block") return this.eval(body, scope, fn.mod);
      this.hoist(body, scope, fn.mod);
      let value: JsValue = unk("undefined");
      try {
        this.block(body, scope, fn.mod, false);
      } catch (e) {
        if (!(e instanceof Return)) throw e;
        value = e.value;
      }
      // Nothing known at the end: what a conditional branch returned is the best answer.
      return value.k === "unk" ? (maybe.find((v) => v.k === "x") ?? maybe.find((v) => v.k !== "unk") ?? value) : value;
    } finally {
      this.maybeReturns.pop();
      this.depth--;
    }
  }

  /** `a === "x"` / `a !== "x"` between known strings; anything else is unknown (both branches run). */
  private knownCondition(cond: SgNode | null, scope: Scope, mod: JsModule): boolean | undefined {
    let n: SgNode | null = cond;
    while (n && n.kind() === "parenthesized_expression") n = n.namedChildren()[0] ?? null;
    if (!n || n.kind() !== "binary_expression") return undefined;
    const op = n.field("operator")?.text();
    if (!op || !["===", "!==", "==", "!="].includes(op)) return undefined;
    const a = this.eval(n.field("left")!, scope, mod);
    const b = this.eval(n.field("right")!, scope, mod);
    if (a.k !== "str" || b.k !== "str") return undefined;
    return op.startsWith("=") ? a.v === b.v : a.v !== b.v;
  }

  /** A string-valued argument as a path piece: literal text, or the expression when unknown. */
  pathPiece(node: SgNode | undefined, scope: Scope, mod: JsModule): PathPiece {
    if (!node) return { u: "?" };
    const v = this.eval(node, scope, mod);
    return v.k === "str" ? { s: v.v } : { u: node.text() };
  }

  prop(v: JsValue, name: string): JsValue | undefined {
    if (v.k === "obj") return v.props.get(name);
    if (v.k === "fn") return v.props?.get(name);
    if (v.k === "pkg") return { k: "pkg", name: v.name, path: [...v.path, name] };
    return undefined;
  }

  private hoist(block: SgNode, scope: Scope, mod: JsModule): void {
    for (const st of block.children()) {
      // `export function f` has a declaration field; `export default function f` a plain child.
      const decl = st.kind() === "export_statement" ? (st.field("declaration") ?? st.children().find((c) => c.kind() === "function_declaration")) : st;
      if (decl?.kind() === "function_declaration" || decl?.kind() === "generator_function_declaration") {
        const name = decl.field("name")?.text();
        if (name) scope.vars.set(name, { k: "fn", node: decl, scope, mod, calls: 0 });
      }
    }
  }

  private block(block: SgNode, scope: Scope, mod: JsModule, top: boolean): void {
    for (const st of block.children()) this.statement(st, scope, mod, top);
  }

  private statement(st: SgNode, scope: Scope, mod: JsModule, top: boolean): void {
    switch (st.kind()) {
      case "import_statement":
        return this.importStatement(st, scope, mod);
      case "export_statement":
        return this.exportStatement(st, scope, mod);
      case "lexical_declaration":
      case "variable_declaration":
        for (const d of st.children().filter((c) => c.kind() === "variable_declarator")) {
          const name = d.field("name");
          const value = d.field("value");
          if (name) this.bindPattern(name, value ? this.eval(value, scope, mod) : unk(name.text()), scope, mod);
        }
        return;
      case "expression_statement":
        for (const c of st.children()) if (c.isNamed()) this.eval(c, scope, mod);
        return;
      case "return_statement": {
        const e = st.children().find((c) => c.isNamed() && c.kind() !== "comment");
        if (!top) throw new Return(e ? this.eval(e, scope, mod) : unk("undefined"));
        return;
      }
      case "statement_block": {
        const inner = new Scope(scope);
        this.hoist(st, inner, mod);
        return this.block(st, inner, mod, top);
      }
      case "if_statement": {
        // Both branches: `if (require.main === module) app.listen()` or per-environment routes. A
        // branch's `return` (`if (key === "$schema") return;`) is remembered, not the end of the function.
        const known = this.knownCondition(st.field("condition"), scope, mod);
        for (const f of ["consequence", "alternative"]) {
          const b = st.field(f);
          if (!b || (known !== undefined && known !== (f === "consequence"))) continue;
          const frame = this.maybeReturns.at(-1);
          try {
            this.statement(b.kind() === "else_clause" ? b.children().find((c) => c.isNamed())! : b, scope, mod, top);
          } catch (e) {
            if (!(e instanceof Return) || !frame || known !== undefined) throw e;
            frame.push(e.value);
          }
        }
        return;
      }
      case "try_statement":
        for (const f of ["body", "finalizer"]) {
          const b = st.field(f);
          if (b) this.statement(b.kind() === "finally_clause" ? b.field("body") ?? b : b, scope, mod, top);
        }
        return;
      case "for_in_statement":
        return this.forOf(st, scope, mod, top);
      case "class_declaration": {
        const name = st.field("name")?.text();
        if (name) scope.vars.set(name, unk(name, true));
        return;
      }
      default:
        return;
    }
  }

  /** `for (const r of [a, b]) app.use(r.prefix, r.router)`: the body runs once per known element. */
  private forOf(st: SgNode, scope: Scope, mod: JsModule, top: boolean): void {
    const right = st.field("right");
    const left = st.field("left");
    const body = st.field("body");
    if (!right || !left || !body) return;
    const list = this.eval(right, scope, mod);
    const of = st.children().some((c) => c.kind() === "of");
    const items = list.k === "arr" ? list.items : list.k === "obj" ? [...list.props.entries()].map(([k, v]) => (of ? v : { k: "str" as const, v: k })) : [];
    for (const item of items) {
      const inner = new Scope(scope);
      this.bindPattern(left, item, inner, mod);
      this.statement(body, inner, mod, top);
    }
  }

  private importStatement(st: SgNode, scope: Scope, mod: JsModule): void {
    const spec = stringOf(st.field("source"));
    const clause = st.children().find((c) => c.kind() === "import_clause");
    if (spec === undefined || !clause || /^import\s+type\b/.test(st.text())) return;
    const local = spec.startsWith(".") ? this.resolve(spec, mod.file) : undefined;
    const target = local ? this.load(local) : undefined;
    const named = (name: string): JsValue => {
      if (target) {
        const v = target.exports.get(name) ?? (target.moduleExports ? this.prop(target.moduleExports, name) : undefined);
        return v ?? unk(`${name} from ${spec}`, true);
      }
      return spec.startsWith(".") ? unk(`${name} from ${spec}`, true) : { k: "pkg", name: packageName(spec), path: [name] };
    };
    for (const c of clause.children()) {
      if (c.kind() === "identifier") scope.vars.set(c.text(), target ? this.moduleValue(target, "default") : named("default").k === "pkg" ? { k: "pkg", name: packageName(spec), path: [] } : unk(`${c.text()} from ${spec}`, true));
      else if (c.kind() === "namespace_import") {
        const id = c.children().find((x) => x.kind() === "identifier");
        if (id) scope.vars.set(id.text(), target ? this.moduleValue(target, "namespace") : this.importValue(spec, mod.file, "namespace"));
      } else if (c.kind() === "named_imports") {
        for (const s of c.children().filter((x) => x.kind() === "import_specifier")) {
          const name = s.field("name")?.text() ?? s.text();
          const alias = s.field("alias")?.text() ?? name;
          scope.vars.set(alias, named(name));
        }
      }
    }
  }

  private exportStatement(st: SgNode, scope: Scope, mod: JsModule): void {
    const decl = st.field("declaration");
    if (decl) {
      this.statement(decl, scope, mod, true);
      const names = decl.kind() === "function_declaration" || decl.kind() === "class_declaration" ? [decl.field("name")?.text()] : decl.children().filter((d) => d.kind() === "variable_declarator").map((d) => d.field("name")?.text());
      const isDefault = st.children().some((c) => c.kind() === "default");
      for (const n of names) if (n) mod.exports.set(isDefault ? "default" : n, scope.get(n) ?? unk(n, true));
      if (isDefault && !names[0] && decl.kind() === "function_declaration") mod.exports.set("default", { k: "fn", node: decl, scope, mod, calls: 0 });
      return;
    }
    const value = st.field("value");
    if (st.children().some((c) => c.kind() === "default")) {
      // `export default function routes(app) {}` is a declaration child, not a value.
      const fn = st.children().find((c) => c.kind() === "function_declaration" || c.kind() === "class_declaration");
      if (fn) {
        const name = fn.field("name")?.text();
        mod.exports.set("default", name ? (scope.get(name) ?? unk(name, true)) : { k: "fn", node: fn, scope, mod, calls: 0 });
      } else if (value) mod.exports.set("default", this.eval(value, scope, mod));
      return;
    }
    const source = stringOf(st.field("source"));
    const from = source !== undefined ? this.importValue(source, mod.file, "namespace") : undefined;
    const clause = st.children().find((c) => c.kind() === "export_clause");
    if (clause) {
      for (const s of clause.children().filter((x) => x.kind() === "export_specifier")) {
        const name = s.field("name")?.text() ?? s.text();
        const alias = s.field("alias")?.text() ?? name;
        mod.exports.set(alias, (from ? this.prop(from, name) : scope.get(name)) ?? unk(name, true));
      }
    } else if (from?.k === "obj") {
      const ns = st.children().find((c) => c.kind() === "namespace_export");
      const id = ns?.children().find((c) => c.kind() === "identifier");
      if (id) mod.exports.set(id.text(), from);
      else for (const [k, v] of from.props) if (k !== "default") mod.exports.set(k, v);
    }
  }

  /** Binds `x`, `{ a, b: c }`, `[a, b]` and defaults to a value. */
  bindPattern(p: SgNode, v: JsValue, scope: Scope, mod: JsModule): void {
    switch (p.kind()) {
      case "identifier":
      case "shorthand_property_identifier_pattern":
        scope.vars.set(p.text(), v);
        return;
      case "required_parameter":
      case "optional_parameter": {
        const pat = p.field("pattern");
        const dflt = p.field("value");
        if (pat) this.bindPattern(pat, v.k === "unk" && dflt ? this.eval(dflt, scope, mod) : v, scope, mod);
        return;
      }
      case "assignment_pattern":
      case "object_assignment_pattern": {
        const left = p.field("left");
        const right = p.field("right");
        if (left) this.bindPattern(left, (v.k === "unk" || (v.k === "str" && false)) && right ? this.eval(right, scope, mod) : v, scope, mod);
        return;
      }
      case "object_pattern":
        for (const c of p.children()) {
          if (c.kind() === "shorthand_property_identifier_pattern") scope.vars.set(c.text(), this.prop(v, c.text()) ?? unk(c.text()));
          else if (c.kind() === "pair_pattern") {
            const key = c.field("key")?.text().replace(/^["']|["']$/g, "");
            const val = c.field("value");
            if (key && val) this.bindPattern(val, this.prop(v, key) ?? unk(key), scope, mod);
          } else if (c.kind() === "object_assignment_pattern") {
            const left = c.field("left");
            const right = c.field("right");
            const got = left ? this.prop(v, left.text()) : undefined;
            if (left) scope.vars.set(left.text(), got ?? (right ? this.eval(right, scope, mod) : unk(left.text())));
          }
        }
        return;
      case "array_pattern":
        p.children()
          .filter((c) => c.isNamed())
          .forEach((c, i) => this.bindPattern(c, v.k === "arr" ? (v.items[i] ?? unk(c.text())) : unk(c.text()), scope, mod));
        return;
      default:
        return;
    }
  }

  eval(node: SgNode, scope: Scope, mod: JsModule): JsValue {
    switch (node.kind()) {
      case "string":
        return { k: "str", v: stringOf(node) ?? "" };
      case "template_string": {
        let out = "";
        for (const c of node.children()) {
          if (c.kind() === "string_fragment" || c.kind() === "escape_sequence") out += c.text();
          else if (c.kind() === "template_substitution") {
            const inner = c.children().find((x) => x.isNamed());
            const v = inner ? this.eval(inner, scope, mod) : undefined;
            if (v?.k !== "str") return unk(node.text());
            out += v.v;
          }
        }
        return { k: "str", v: out };
      }
      case "number":
        return { k: "str", v: node.text() };
      case "identifier": {
        const name = node.text();
        const v = scope.get(name);
        if (v) return v;
        // CommonJS module locals: the folder and file of the module itself.
        if (name === "__dirname") return { k: "str", v: path.dirname(mod.file) };
        if (name === "__filename") return { k: "str", v: mod.file };
        return name === "undefined" ? unk("undefined") : unk(name);
      }
      case "regex":
        return { k: "x", tag: "regex", data: { pattern: node.field("pattern")?.text() ?? "", flags: node.field("flags")?.text() ?? "" } };
      case "true":
      case "false":
        return { k: "x", tag: "bool", data: node.kind() === "true" };
      case "parenthesized_expression":
      case "as_expression":
      case "satisfies_expression":
      case "non_null_expression":
      case "await_expression":
      case "type_assertion": {
        const inner = node.children().find((c) => c.isNamed() && !/type|predefined/.test(String(c.kind())));
        return inner ? this.eval(inner, scope, mod) : unk(node.text());
      }
      case "binary_expression":
        return this.binary(node, scope, mod);
      case "ternary_expression":
        return unk(node.text());
      case "member_expression":
      case "subscript_expression": {
        const obj = node.field("object");
        const propNode = node.field("property") ?? node.field("index");
        if (!obj || !propNode) return unk(node.text());
        if (obj.text() === "process" || /^process\.env\b/.test(obj.text())) return unk(node.text());
        if (obj.kind() === "meta_property") {
          const p = propNode.text();
          if (p === "url") return { k: "str", v: pathToFileURL(mod.file).href };
          if (p === "dirname") return { k: "str", v: path.dirname(mod.file) };
          if (p === "filename") return { k: "str", v: mod.file };
        }
        const o = this.eval(obj, scope, mod);
        const key = node.kind() === "member_expression" ? propNode.text() : this.eval(propNode, scope, mod);
        const name = typeof key === "string" ? key : key.k === "str" ? key.v : undefined;
        if (name === undefined) return unk(node.text());
        if (o.k === "arr" && /^\d+$/.test(name)) return o.items[Number(name)] ?? unk(node.text());
        return this.prop(o, name) ?? unk(node.text(), o.k === "unk" ? o.local : undefined);
      }
      case "object": {
        const props = new Map<string, JsValue>();
        for (const c of node.children()) {
          if (c.kind() === "pair") {
            const k = c.field("key");
            const v = c.field("value");
            const key = k?.kind() === "computed_property_name" ? undefined : k?.text().replace(/^["'`]|["'`]$/g, "");
            if (key !== undefined && v) props.set(key, this.eval(v, scope, mod));
          } else if (c.kind() === "shorthand_property_identifier") props.set(c.text(), scope.get(c.text()) ?? unk(c.text()));
          else if (c.kind() === "method_definition") {
            const name = c.field("name")?.text();
            if (name) props.set(name, { k: "fn", node: c, scope, mod, calls: 0 });
          } else if (c.kind() === "spread_element") {
            const inner = c.children().find((x) => x.isNamed());
            const v = inner ? this.eval(inner, scope, mod) : undefined;
            if (v?.k === "obj") for (const [kk, vv] of v.props) props.set(kk, vv);
          }
        }
        return { k: "obj", props };
      }
      case "array":
        return { k: "arr", items: node.children().filter((c) => c.isNamed() && c.kind() !== "comment").map((c) => this.eval(c, scope, mod)) };
      case "arrow_function":
      case "function_expression":
      case "function":
        return { k: "fn", node, scope, mod, calls: 0 };
      case "assignment_expression":
        return this.assign(node, scope, mod);
      case "call_expression":
        return this.call(node, scope, mod);
      case "new_expression": {
        // `new express.Router()` is the same router as `express.Router()`.
        const ctor = node.field("constructor");
        const args = node.field("arguments")?.children().filter((x) => x.isNamed() && x.kind() !== "comment") ?? [];
        if (ctor?.text() === "URL" && !scope.get("URL") && args[0]) {
          const [spec, base] = args.map((a) => this.eval(a, scope, mod));
          const href = spec?.k === "str" && (!base || base.k === "str") ? urlOf(spec.v, base?.k === "str" ? base.v : undefined) : undefined;
          return href ? { k: "str", v: href } : unk(node.text());
        }
        const c = ctor ? this.eval(ctor, scope, mod) : undefined;
        if (c?.k !== "pkg") return unk(node.text());
        return this.pkgCall(c, { args, scope, mod, line: ctor!.range().end.line + 1, node }, node);
      }
      default:
        return unk(node.text());
    }
  }

  private binary(node: SgNode, scope: Scope, mod: JsModule): JsValue {
    const op = node.field("operator")?.text();
    const l = node.field("left");
    const r = node.field("right");
    if (!l || !r) return unk(node.text());
    const lv = this.eval(l, scope, mod);
    if (op === "+") {
      const rv = this.eval(r, scope, mod);
      return lv.k === "str" && rv.k === "str" ? { k: "str", v: lv.v + rv.v } : unk(node.text());
    }
    // `process.env.PREFIX || "/api"` stays unknown: the default is not what runs everywhere.
    if (op === "||" || op === "??") {
      if (lv.k === "x" && lv.tag === "bool") return op === "??" || lv.data ? lv : this.eval(r, scope, mod);
      return lv.k === "unk" ? unk(node.text()) : lv;
    }
    return unk(node.text());
  }

  private assign(node: SgNode, scope: Scope, mod: JsModule): JsValue {
    const left = node.field("left");
    const right = node.field("right");
    if (!left || !right) return unk(node.text());
    const v = this.eval(right, scope, mod);
    const lt = left.text().replace(/\s+/g, "");
    if (lt === "module.exports") mod.moduleExports = v;
    else if (/^(module\.)?exports\.[\w$]+$/.test(lt)) {
      const name = lt.split(".").pop()!;
      mod.exports.set(name, v);
      if (mod.moduleExports?.k === "obj") mod.moduleExports.props.set(name, v);
      else if (mod.moduleExports?.k === "fn") (mod.moduleExports.props ??= new Map()).set(name, v);
    } else if (left.kind() === "identifier") scope.assign(lt, v);
    else if (left.kind() === "member_expression") {
      const o = left.field("object");
      const p = left.field("property")?.text();
      const target = o ? this.eval(o, scope, mod) : undefined;
      if (target?.k === "obj" && p) target.props.set(p, v);
      else if (target?.k === "fn" && p) (target.props ??= new Map()).set(p, v);
    }
    return v;
  }

  private call(node: SgNode, scope: Scope, mod: JsModule): JsValue {
    const callee = node.field("function");
    const argsNode = node.field("arguments");
    if (!callee) return unk(node.text());
    const args = argsNode ? argsNode.children().filter((c) => c.isNamed() && c.kind() !== "comment") : [];
    const ctext = callee.text();
    if (ctext === "require" || callee.kind() === "import") {
      const spec = args[0] ? this.eval(args[0], scope, mod) : undefined;
      if (spec?.k !== "str") return unk(node.text());
      return this.importValue(spec.v, mod.file, ctext === "require" ? "require" : "namespace");
    }
    if (callee.kind() === "member_expression") {
      const obj = callee.field("object");
      const prop = callee.field("property");
      if (obj && prop) {
        const recv = this.eval(obj, scope, mod);
        const name = prop.text();
        const call: JsCall = { args, scope, mod, line: prop.range().start.line + 1, node };
        if (recv.k === "x") {
          for (const k of this.knowledge) {
            const v = k.method?.(recv, name, call, this);
            if (v) return v;
          }
          return unk(node.text());
        }
        if (recv.k === "pkg") return this.pkgCall({ name: recv.name, path: [...recv.path, name] }, call, node);
        if (recv.k === "arr" && name === "forEach") {
          const cb = args[0] ? this.eval(args[0], scope, mod) : undefined;
          if (cb?.k === "fn") recv.items.forEach((item, i) => this.callFn(cb, [item, { k: "str", v: String(i) }]));
          return unk("undefined");
        }
        const member = this.prop(recv, name);
        if (member?.k === "fn") return this.callFn(member, args.map((a) => this.eval(a, scope, mod)));
        // Unknown receivers still get their function arguments run: `server.register(...)`, `wrap(() => ...)`.
        this.runCallbacks(args, scope, mod);
        return unk(node.text());
      }
    }
    const f = this.eval(callee, scope, mod);
    const call: JsCall = { args, scope, mod, line: callee.range().end.line + 1, node };
    if (f.k === "fn") return this.callFn(f, args.map((a) => this.eval(a, scope, mod)));
    if (f.k === "pkg") return this.pkgCall(f, call, node);
    this.runCallbacks(args, scope, mod);
    return unk(node.text());
  }

  private pkgCall(pkg: { name: string; path: string[] }, call: JsCall, node: SgNode): JsValue {
    for (const k of this.knowledge) {
      const v = k.pkgCall?.(pkg, call, this);
      if (v) return v;
    }
    return unk(node.text());
  }

  /** Function arguments of calls nobody knows (`main().catch()`, `start(async () => {...})`) still run once. */
  private runCallbacks(args: SgNode[], scope: Scope, mod: JsModule): void {
    for (const a of args) {
      if (a.kind() !== "arrow_function" && a.kind() !== "function_expression" && a.kind() !== "function") continue;
      const fn = this.eval(a, scope, mod);
      if (fn.k === "fn") this.callFn(fn, []);
    }
  }
}

/** `new URL("./routes/", import.meta.url)` as the URL's text, when both are known. */
function urlOf(spec: string, base: string | undefined): string | undefined {
  try {
    return new URL(spec, base).href;
  } catch {
    return undefined;
  }
}

function stringOf(node: SgNode | null | undefined): string | undefined {
  if (!node || node.kind() !== "string") return undefined;
  return node
    .children()
    .filter((c) => c.kind() === "string_fragment" || c.kind() === "escape_sequence")
    .map((c) => c.text())
    .join("");
}

/** `@fastify/cors/plugin` → `@fastify/cors`, `express/lib/router` → `express`. */
function packageName(spec: string): string {
  const parts = spec.replace(/^node:/, "").split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}
