import type { SgNode } from "./ast-grep.js";
import { ModuleLayer } from "./modules.js";
import { UNKNOWN, type Binding, type PyValue, type Scope } from "./values.js";

/** Names and attributes: scope lookup with lazy imports, module, class and framework attributes. */
export abstract class ScopeLayer extends ModuleLayer {
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
    for (const st of cls.node.field("body")?.namedChildren() ?? []) {
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
}

const BUILTINS = new Set(["__import__", "getattr", "str", "list", "tuple", "dict", "len", "print", "isinstance", "super"]);
