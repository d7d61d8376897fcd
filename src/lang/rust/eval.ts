import type { SgNode } from "../python/ast-grep.js";
import { resolveFn, type RustFn, type RustIndex } from "./items.js";

/** Values of the small Rust evaluator route extraction runs over a crate. */
export type RValue =
  | { k: "str"; v: string }
  | { k: "unk"; text: string }
  | { k: "fnref"; fn: RustFn }
  | { k: "closure"; node: SgNode; env: Env; fn: RustFn }
  /** A framework value (a router, a method router, a scope). */
  | { k: "x"; tag: string; data: unknown };

export type Env = Map<string, RValue>;

export interface RustCall {
  /** The callee path as written, generics stripped: `Router::new`, `web::get`, `orders::router`. */
  name: string;
  args: SgNode[];
  env: Env;
  fn: RustFn;
  line: number;
  text: string;
}

/** What a framework teaches the evaluator; undefined means "not mine". */
export interface RustKnowledge {
  call?(call: RustCall, ev: RustEvaluator): RValue | undefined;
  method?(recv: RValue, name: string, call: RustCall, ev: RustEvaluator): RValue | undefined;
  /** Arguments to run a function nothing in the crate calls with, when it is a framework entry point (`fn config(cfg: &mut ServiceConfig)`). */
  entryArgs?(fn: RustFn): RValue[] | undefined;
}

const MAX_DEPTH = 16;
const MAX_EXPR_NESTING = 1000;

class Return {
  constructor(readonly value: RValue) {}
}

/**
 * Follows builder chains, locals, constants, format!, closures and calls of functions in
 * other modules of the crate; frameworks interpret the calls and methods they own.
 */
export class RustEvaluator {
  readonly evaluated = new Set<number>();
  private depth = 0;
  private active = new Set<number>();
  /** Per running function: values returned from `if` branches (`if args.help { return Ok(()); }`). */
  private maybeReturns: RValue[][] = [];
  private branches = 0;
  private nesting = 0;
  /** The first expression left unknown because it nests deeper than MAX_EXPR_NESTING. */
  tooDeep?: { file: string; line: number };

  constructor(
    readonly index: RustIndex,
    readonly crateDir: string,
    readonly knowledge: RustKnowledge[],
  ) {}

  /** Runs a function with the given arguments (unknown when missing) and returns its value. */
  run(fn: RustFn, args: RValue[] = []): RValue {
    const id = fn.node.id();
    if (this.depth >= MAX_DEPTH || this.active.has(id)) return { k: "unk", text: `${fn.name}()` };
    this.evaluated.add(id);
    const env: Env = new Map();
    const params = fn.node.field("parameters")?.children().filter((c) => c.kind() === "parameter") ?? [];
    params.forEach((p, i) => {
      const name = p.field("pattern")?.text().replace(/^mut\s+/, "");
      if (name) env.set(name, args[i] ?? { k: "unk", text: name });
    });
    this.depth++;
    this.active.add(id);
    const maybe: RValue[] = [];
    this.maybeReturns.push(maybe);
    try {
      const body = fn.node.field("body");
      let value: RValue;
      try {
        value = body ? this.block(body, env, fn) : { k: "unk", text: fn.name };
      } catch (e) {
        if (!(e instanceof Return)) throw e;
        value = e.value;
      }
      return value.k === "x" ? value : (maybe.find((v) => v.k === "x") ?? value);
    } finally {
      this.maybeReturns.pop();
      this.depth--;
      this.active.delete(id);
    }
  }

  /** Calls a closure value (`HttpServer::new(|| App::new()...)`) with unknown arguments. */
  callClosure(c: Extract<RValue, { k: "closure" }>, args: RValue[] = []): RValue {
    const body = c.node.field("body");
    if (!body) return { k: "unk", text: c.node.text() };
    const env: Env = new Map(c.env);
    const params = c.node.field("parameters")?.namedChildren() ?? [];
    params.forEach((p, i) => env.set((p.field("pattern") ?? p).text().replace(/^mut\s+/, "").split(":")[0]!.trim(), args[i] ?? { k: "unk", text: p.text() }));
    try {
      return this.eval(body, env, c.fn);
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    }
  }

  block(node: SgNode, env: Env, fn: RustFn): RValue {
    let last: RValue = { k: "unk", text: "()" };
    for (const st of node.namedChildren()) {
      const k = String(st.kind());
      if (k === "let_declaration") {
        const pattern = st.field("pattern");
        const name = pattern?.text().replace(/^mut\s+/, "");
        const value = st.field("value");
        if (pattern?.kind() === "tuple_pattern" && value) {
          // `let (router, api) = …`: a framework value that is a tuple binds each name.
          const v = this.eval(value, env, fn);
          const parts = v.k === "x" && v.tag === "tuple" ? (v.data as RValue[]) : [];
          pattern.namedChildren().forEach((p, i) => {
            const id = p.text().replace(/^mut\s+/, "");
            if (/^[A-Za-z_]\w*$/.test(id)) env.set(id, parts[i] ?? { k: "unk", text: id });
          });
        } else if (name && value) env.set(name, this.eval(value, env, fn));
        last = { k: "unk", text: "()" };
      } else if (k === "expression_statement") {
        const inner = st.namedChildren()[0];
        if (inner) this.eval(inner, env, fn);
        last = { k: "unk", text: "()" };
      } else if (k.endsWith("_item") || k === "attribute_item" || k.endsWith("comment")) {
        continue;
      } else {
        last = this.eval(st, env, fn);
      }
    }
    return last;
  }

  eval(node: SgNode, env: Env, fn: RustFn): RValue {
    // Expressions nest one frame per level (a 2,000-call builder chain): past the bound the
    // inner part stays unknown and the file gets a diagnostic, instead of the stack running out.
    if (this.nesting >= MAX_EXPR_NESTING) {
      this.tooDeep ??= { file: fn.file, line: node.range().start.line + 1 };
      return { k: "unk", text: node.text().slice(0, 80) };
    }
    this.nesting++;
    try {
      return this.evalNode(node, env, fn);
    } finally {
      this.nesting--;
    }
  }

  private evalNode(node: SgNode, env: Env, fn: RustFn): RValue {
    switch (node.kind()) {
      case "string_literal":
      case "raw_string_literal":
        return { k: "str", v: node.children().find((c) => c.kind() === "string_content")?.text() ?? node.text().replace(/^r?#*"|"#*$/g, "") };
      case "reference_expression":
      case "parenthesized_expression":
      case "try_expression":
      case "await_expression": {
        const inner = node.namedChildren().find((c) => c.kind() !== "mutable_specifier");
        return inner ? this.eval(inner, env, fn) : { k: "unk", text: node.text() };
      }
      case "identifier":
      case "scoped_identifier": {
        const v = env.get(node.text());
        if (v) return v;
        const c = this.constant(node.text(), fn);
        if (c) return c;
        const target = resolveFn(this.index, node.text(), fn.module, this.crateDir);
        return target ? { k: "fnref", fn: target } : { k: "unk", text: node.text() };
      }
      case "closure_expression":
        return { k: "closure", node, env, fn };
      case "assignment_expression": {
        const left = node.field("left");
        const right = node.field("right");
        if (left?.kind() === "identifier" && right) env.set(left.text(), this.eval(right, env, fn));
        return { k: "unk", text: "()" };
      }
      case "block":
        return this.block(node, env, fn);
      case "if_expression": {
        // Both branches may add routes; run them in order so neither is lost.
        const cons = node.field("consequence");
        const alt = node.field("alternative");
        const a = cons ? this.branch(() => this.block(cons, env, fn)) : undefined;
        const bNode = alt?.namedChildren()[0];
        const b = bNode ? this.branch(() => this.eval(bNode, env, fn)) : undefined;
        return a?.k === "x" ? a : (b ?? a ?? { k: "unk", text: node.text() });
      }
      case "return_expression": {
        const inner = node.namedChildren()[0];
        throw new Return(inner ? this.eval(inner, env, fn) : { k: "unk", text: "()" });
      }
      case "macro_invocation":
        return this.macro(node, env, fn);
      case "call_expression":
        return this.call(node, env, fn);
      default:
        return { k: "unk", text: node.text() };
    }
  }

  /**
   * One branch of an `if`: a `return` in it is remembered instead of leaving the function, so an
   * early exit (`if args.help { return Ok(()); }`) does not hide the server built after it.
   */
  private branch(run: () => RValue): RValue {
    const frame = this.maybeReturns.at(-1);
    this.branches++;
    try {
      return run();
    } catch (e) {
      if (!frame || !(e instanceof Return)) throw e;
      frame.push(e.value);
      return { k: "unk", text: "return" };
    } finally {
      this.branches--;
    }
  }

  /** True while evaluating a branch of an `if` (conditions are never known statically). */
  get inBranch(): boolean {
    return this.branches > 0;
  }

  /** A string argument: its value, or its source text when it is not known statically. */
  pathArg(node: SgNode | undefined, env: Env, fn: RustFn): { s: string } | { u: string } {
    if (!node) return { u: "?" };
    const v = this.eval(node, env, fn);
    return v.k === "str" ? { s: v.v } : { u: node.text() };
  }

  private constant(name: string, fn: RustFn): RValue | undefined {
    const segs = name.split("::");
    const cands = [[...fn.module, ...segs].join("::"), segs.filter((s) => s !== "crate" && s !== "self").join("::")];
    for (const key of cands) {
      const c = this.index.consts.get(key);
      if (c) return this.eval(c.node, new Map(), { ...fn, module: c.module, file: c.file });
    }
    return undefined;
  }

  private macro(node: SgNode, env: Env, fn: RustFn): RValue {
    const name = node.field("macro")?.text() ?? node.children()[0]?.text();
    const tree = node.children().find((c) => c.kind() === "token_tree");
    if (name !== "format" || !tree) return { k: "unk", text: node.text() };
    const parts = tree.namedChildren();
    const fmt = parts[0] ? this.eval(parts[0], env, fn) : undefined;
    if (fmt?.k !== "str") return { k: "unk", text: node.text() };
    const args = parts.slice(1).map((p) => this.eval(p, env, fn));
    let i = 0;
    let ok = true;
    const v = fmt.v.replace(/\{([A-Za-z_][A-Za-z0-9_]*)?\}/g, (_, named?: string) => {
      const x = named ? (env.get(named) ?? this.constant(named, fn)) : args[i++];
      if (x?.k === "str") return x.v;
      ok = false;
      return "";
    });
    return ok ? { k: "str", v: v.replace(/\{\{/g, "{").replace(/\}\}/g, "}") } : { k: "unk", text: node.text() };
  }

  private call(node: SgNode, env: Env, fn: RustFn): RValue {
    const f = node.field("function")!;
    const args = node.field("arguments")?.namedChildren().filter((c) => !String(c.kind()).endsWith("comment")) ?? [];
    // A builder chain's text grows with every call in it: read it only when a message needs it.
    const lazyText = { get text() { return node.text(); } };
    if (f.kind() === "field_expression") {
      const field = f.field("field")!;
      const name = field.text();
      const recv = this.eval(f.field("value")!, env, fn);
      const call: RustCall = Object.assign(lazyText, { name, args, env, fn, line: field.range().start.line + 1 });
      for (const k of this.knowledge) {
        const v = k.method?.(recv, name, call, this);
        if (v) return v;
      }
      return recv.k === "x" ? recv : { k: "unk", text: node.text() };
    }
    const name = f.text().replace(/::<.*>$/, "");
    const call: RustCall = Object.assign(lazyText, { name, args, env, fn, line: node.range().start.line + 1 });
    for (const k of this.knowledge) {
      const v = k.call?.(call, this);
      if (v) return v;
    }
    const target = resolveFn(this.index, name.replace(/^Self::/, ""), fn.module, this.crateDir);
    if (target) return this.run(target, args.map((a) => this.eval(a, env, fn)));
    return { k: "unk", text: node.text() };
  }
}
