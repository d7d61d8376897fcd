import type { SgNode } from "./ast-grep.js";
import { sameKey } from "./builtins.js";
import { MAX_LOOP } from "./interp-base.js";
import { StatementLayer } from "./statements.js";
import { NONE, UNKNOWN, type PyValue, type Scope } from "./values.js";

/** A quoted literal without prefix (f, r, b), escapes or newlines: its value is its text. */
const SIMPLE_STRING = /^(["'])([^"'\\\n]*)\1$/;

/** Expressions: literals, strings and f-strings, containers, operators, subscripts, comprehensions. */
export abstract class ExpressionLayer extends StatementLayer {
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
        const inner = node.namedChildren()[0];
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
        const [a, cond, b] = node.namedChildren();
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
        if (op === "and") {
          // `a and b` is b when a is true: `use_cache and key in CACHE` is as unknown as its right side.
          const truth = left.k === "bool" ? left.v : left.k === "none" ? false : left.k === "str" ? left.v !== "" : undefined;
          if (truth === false) return left;
          if (truth === undefined) return UNKNOWN(node.text());
          return this.eval(node.field("right")!, scope);
        }
        return left.k === "unk" ? UNKNOWN(node.text()) : left;
      }
      case "keyword_argument":
        return this.eval(node.field("value")!, scope);
      case "comparison_operator":
        return this.evalComparison(node, scope);
      case "not_operator": {
        const v = this.eval(node.field("argument")!, scope);
        return v.k === "bool" ? { k: "bool", v: !v.v } : v.k === "none" ? { k: "bool", v: true } : v.k === "str" ? { k: "bool", v: v.v === "" } : UNKNOWN(node.text());
      }
      default:
        return UNKNOWN(node.text());
    }
  }

  /** `a == b`, `a != b`, `a is None` between known constants; anything else is unknown. */
  private evalComparison(node: SgNode, scope: Scope): PyValue {
    const operands = node.namedChildren();
    const op = node.children().filter((c) => !c.isNamed()).map((c) => c.text()).join(" ");
    if (operands.length !== 2) return UNKNOWN(node.text());
    const key = (v: PyValue) => (v.k === "str" || v.k === "num" || v.k === "bool" ? `${v.k}:${v.v}` : v.k === "none" ? "none" : undefined);
    const a = key(this.eval(operands[0]!, scope));
    const b = key(this.eval(operands[1]!, scope));
    if (a === undefined || b === undefined) return UNKNOWN(node.text());
    if (op === "==" || op === "is") return { k: "bool", v: a === b };
    if (op === "!=" || op === "is not") return { k: "bool", v: a !== b };
    return UNKNOWN(node.text());
  }

  private evalItems(node: SgNode, scope: Scope): PyValue[] {
    const out: PyValue[] = [];
    for (const c of node.namedChildren()) {
      if (c.kind() === "comment") continue;
      if (c.kind() === "list_splat") {
        const inner = c.namedChildren()[0];
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
    for (const c of node.namedChildren()) {
      if (c.kind() === "pair") entries.push([this.eval(c.field("key")!, scope), this.eval(c.field("value")!, scope)]);
      else if (c.kind() === "dictionary_splat") {
        const inner = c.namedChildren()[0];
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
        const expr = c.namedChildren().find((x) => x.kind() !== "format_specifier" && x.kind() !== "type_conversion");
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
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", "\\": "\\", "'": "'", '"': '"' })[c] ?? `\\${c}`);
}
