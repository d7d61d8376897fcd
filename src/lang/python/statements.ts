import type { SgNode } from "./ast-grep.js";
import { MAX_LOOP, Return } from "./interp-base.js";
import { ScopeLayer } from "./scopes.js";
import { parseDecorated } from "./simple-call.js";
import { NONE, UNKNOWN, type PyValue, type Scope } from "./values.js";

/** Statements: assignments, definitions and decorators, if, for, try and with blocks, return. */
export abstract class StatementLayer extends ScopeLayer {
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
        for (const c of st.namedChildren()) this.execExpr(c, scope);
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
          if (k === "block") this.execBlock(c.namedChildren(), scope);
          else if (k === "else_clause" || k === "finally_clause") this.execBlock(c.field("body")?.namedChildren() ?? lastBlock(c), scope);
        }
        return;
      case "with_statement":
        this.execBlock(st.field("body")?.namedChildren() ?? [], scope);
        return;
      case "return_statement": {
        const value = st.namedChildren()[0];
        throw new Return(value ? this.eval(value, scope) : NONE);
      }
      default:
        return;
    }
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
      const expr = d.namedChildren()[0];
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
      const expr = d.namedChildren()[0];
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
    const known = c.k === "bool" ? c.v : c.k === "none" ? false : c.k === "str" ? c.v !== "" : undefined;
    // A setting's default is only what runs when the environment says nothing (`if settings.ENV == "dev":`).
    const truth = known !== undefined && cond && this.readsSettings(cond, scope) ? undefined : known;
    if (truth === true) return this.execBlock(st.field("consequence")?.namedChildren() ?? [], scope);
    // A branch that may not run must not end the function: `if cached: return cache[key]`
    // would otherwise hide every route the rest of an app factory adds.
    const run = truth === undefined ? (b: SgNode[]) => this.execMaybe(b, scope) : (b: SgNode[]) => this.execBlock(b, scope);
    if (truth === undefined) run(st.field("consequence")?.namedChildren() ?? []);
    for (const alt of st.children().filter((x) => x.kind() === "elif_clause" || x.kind() === "else_clause")) {
      if (truth === undefined || alt.kind() === "else_clause") run(alt.field("consequence")?.namedChildren() ?? alt.field("body")?.namedChildren() ?? lastBlock(alt));
    }
  }

  /** Whether an expression reads a field of a pydantic `BaseSettings` object, which the environment can set. */
  private readsSettings(expr: SgNode, scope: Scope): boolean {
    for (const a of [expr, ...expr.findAll({ rule: { kind: "attribute" } })]) {
      if (a.kind() !== "attribute") continue;
      const obj = a.field("object");
      const v = obj ? this.eval(obj, scope) : undefined;
      if (v?.k === "inst" && v.cls.k === "cls" && isSettingsClass(v.cls)) return true;
    }
    return false;
  }

  /** Runs a block that may or may not run; its `return` is remembered instead of leaving the function. */
  private execMaybe(stmts: SgNode[], scope: Scope): void {
    const frame = this.maybeReturns.at(-1);
    if (!frame) return this.execBlock(stmts, scope);
    try {
      this.execBlock(stmts, scope);
    } catch (e) {
      if (!(e instanceof Return)) throw e;
      frame.push(e.value);
    }
  }

  private execFor(st: SgNode, scope: Scope): void {
    const left = st.field("left")!;
    const right = st.field("right")!;
    const body = st.field("body")?.namedChildren() ?? [];
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

  protected bindTarget(target: SgNode, v: PyValue, scope: Scope): void {
    const k = target.kind();
    if (k === "identifier") {
      scope.vars.set(target.text(), v);
    } else if (k === "pattern_list" || k === "tuple_pattern" || k === "list_pattern" || k === "tuple" || k === "list") {
      const parts = target.namedChildren();
      const vals = v.k === "seq" ? v.items : undefined;
      parts.forEach((p, i) => this.bindTarget(p, vals?.[i] ?? UNKNOWN(p.text()), scope));
    } else if (k === "parenthesized_expression") {
      const inner = target.namedChildren()[0];
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
}

function lastBlock(node: SgNode): SgNode[] {
  const block = [...node.children()].reverse().find((c) => c.kind() === "block");
  return block?.namedChildren() ?? [];
}

function isSettingsClass(cls: Extract<PyValue, { k: "cls" }>, depth = 0): boolean {
  return depth < 8 && cls.bases.some((b) => (b.k === "ext" && /(^|\.)BaseSettings$/.test(b.q)) || (b.k === "cls" && isSettingsClass(b, depth + 1)));
}
