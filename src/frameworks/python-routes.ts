/** Helpers shared by the Python frameworks' route knowledge (FastAPI, Starlette, Flask, Django). */
import type { PyCall, Interpreter } from "../lang/python/interp.js";
import { describe, items, type PyValue } from "../lang/python/values.js";
import { newContainer, type Container, type JoinStyle, type PathExpr } from "./route-graph.js";

export const HTTP_METHODS = ["get", "post", "put", "patch", "delete", "options", "head", "trace"];

export function containerValue(c: Container): PyValue {
  return { k: "x", tag: "container", data: c };
}

export function asContainer(v: PyValue | undefined): Container | undefined {
  return v?.k === "x" && v.tag === "container" ? (v.data as Container) : undefined;
}

export function makeContainer(
  framework: string,
  kind: "app" | "router",
  join: JoinStyle,
  call: PyCall,
  prefix: PathExpr = [],
): Container {
  return newContainer({ framework, kind, join, name: call.text.split("(")[0]!, file: call.file, line: call.line, prefix });
}

/** A path argument: its literal value, or its source text marked unresolved. */
export function pathArg(v: PyValue | undefined, text: string | undefined): PathExpr {
  if (!v) return [];
  if (v.k === "str") return [{ s: v.v }];
  return [{ u: text ?? describe(v) }];
}

/** The n-th positional or the named argument, with its source text. */
export function arg(call: PyCall, index: number, name: string): { v?: PyValue; text?: string } {
  if (call.kw.has(name)) return { v: call.kw.get(name), text: call.kwText.get(name) };
  return { v: call.args[index], text: call.argText[index] };
}

/** methods=["GET", "POST"] → upper-case list; undefined when absent; ["?"] pieces when unknown. */
export function methodsArg(v: PyValue | undefined, text?: string): string[] | undefined {
  if (!v || v.k === "none") return undefined;
  const list = items(v);
  if (!list) return [`<${text ?? describe(v)}>`];
  return list.map((m) => (m.k === "str" ? m.v.toUpperCase() : `<${describe(m)}>`));
}

export function handlerName(v: PyValue | undefined, text?: string): string {
  if (!v) return text ?? "?";
  if (v.k === "fn" || v.k === "cls") return v.name;
  if (v.k === "x" && v.tag === "as_view") {
    const view = v.data as PyValue;
    return view.k === "cls" ? view.name : view.k === "ext" ? tail(view.q) : (text ?? "?");
  }
  if (v.k === "x" && v.tag === "view-fn") return (v.data as { fn: { name: string } }).fn.name;
  return text ?? describe(v);
}

/** HTTP methods a class-based view (Starlette endpoint, Flask MethodView, Django View) defines. */
export function classMethods(cx: Interpreter, cls: Extract<PyValue, { k: "cls" }>, known: Record<string, string[]>, seen = new Set<string>()): string[] {
  if (seen.has(cls.name)) return [];
  seen.add(cls.name);
  const out = new Set<string>();
  for (const st of cls.node.field("body")?.children() ?? []) {
    const def = st.kind() === "decorated_definition" ? st.field("definition") : st;
    if (def?.kind() === "function_definition") {
      const n = def.field("name")!.text();
      if (HTTP_METHODS.includes(n) && n !== "options" && n !== "head") out.add(n.toUpperCase());
    }
  }
  for (const b of cls.bases) {
    if (b.k === "cls") for (const m of classMethods(cx, b, known, seen)) out.add(m);
    else if (b.k === "ext") for (const m of known[b.q.split(".").pop()!] ?? []) out.add(m);
  }
  return order([...out]);
}

const ORDER = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "ANY"];
export function order(methods: string[]): string[] {
  return [...methods].sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
}

/** Last segment of a qualified name, for matching `fastapi.APIRouter` and `fastapi.routing.APIRouter` alike. */
export function tail(q: string): string {
  return q.slice(q.lastIndexOf(".") + 1);
}

export function rootOf(q: string): string {
  return q.split(".")[0]!;
}
