import type { SgNode } from "./ast-grep.js";
import { builtinMethod } from "./builtins.js";
import { ExpressionLayer } from "./expressions.js";
import type { PyCall } from "./interp-api.js";
import { Return } from "./interp-base.js";
import { parseSimpleCall, type Atom, type SimpleCall } from "./simple-call.js";
import { NONE, UNKNOWN, describe, type PyValue, type Scope } from "./values.js";

const MAX_DEPTH = 12;
/** Calls longer than this are walked as a tree: their text would be re-read at every nesting level. */
const MAX_SIMPLE = 400;

/** Calls: arguments, methods of values, outside names (builtins, os, importlib), functions of the scan. */
export abstract class CallLayer extends ExpressionLayer {
  private depth = 0;
  private active = new Set<number>();

  private buildCall(node: SgNode, scope: Scope, text: string, line: number): PyCall {
    const call: PyCall = { args: [], kw: new Map(), argText: [], kwText: new Map(), file: this.file, line, text };
    for (const a of node.field("arguments")?.namedChildren() ?? []) {
      if (a.kind() === "comment") continue;
      if (a.kind() === "keyword_argument") {
        const name = a.field("name")!.text();
        call.kw.set(name, this.eval(a.field("value")!, scope));
        call.kwText.set(name, a.field("value")!.text());
      } else if (a.kind() === "list_splat") {
        const inner = a.namedChildren()[0];
        const v = inner ? this.iterate(this.eval(inner, scope)) : undefined;
        for (const x of v ?? [UNKNOWN(a.text())]) {
          call.args.push(x);
          call.argText.push(a.text());
        }
      } else if (a.kind() === "dictionary_splat") {
        const inner = a.namedChildren()[0];
        const v = inner ? this.eval(inner, scope) : undefined;
        if (v?.k === "dict") for (const [key, val] of v.entries) if (key.k === "str") call.kw.set(key.v, val);
      } else {
        call.args.push(this.eval(a, scope));
        call.argText.push(a.text());
      }
    }
    return call;
  }

  protected evalCall(node: SgNode, scope: Scope): PyValue {
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
  protected callSimple(sc: SimpleCall, text: string, line: number, scope: Scope): PyValue {
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

  protected evalName(parts: string[], scope: Scope): PyValue {
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
    return builtinMethod(self, name, call, (v) => this.iterate(v));
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
            if (v.k !== "unk" && v.k !== "inst") {
              // Its own __init__ may add routes to itself (`self.add_api_route("/health", …)`): run it with self bound.
              const init = v.k === "x" ? this.classAttr(callee, "__init__") : undefined;
              const own = (n: SgNode) => n.range().start.index >= callee.node.range().start.index && n.range().end.index <= callee.node.range().end.index;
              if (init?.k === "fn" && init.file === callee.file && own(init.node)) this.callFunction({ ...init, name: "__init__" }, { ...call, args: [v, ...call.args] }, text);
              return v;
            }
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
    const maybe: PyValue[] = [];
    this.maybeReturns.push(maybe);
    try {
      let value: PyValue = NONE;
      try {
        this.execBlock(fn.node.field("body")?.namedChildren() ?? [], scope);
      } catch (e) {
        if (!(e instanceof Return)) throw e;
        value = e.value;
      }
      // Nothing known at the end: what a conditional branch returned is the best answer.
      if (value.k === "unk" || value.k === "none") value = maybe.find((v) => v.k === "x") ?? maybe.find((v) => v.k !== "unk" && v.k !== "none") ?? value;
      return value;
    } finally {
      this.maybeReturns.pop();
      [this.file, this.line] = saved;
      this.depth--;
      this.active.delete(id);
    }
  }

  private bindParams(fn: Extract<PyValue, { k: "fn" }>, call: PyCall, scope: Scope): void {
    const params = fn.node.field("parameters")?.namedChildren() ?? [];
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
