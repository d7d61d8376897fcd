import type { Interpreter, PyCall } from "../../lang/python/interp.js";
import { items, type PyValue } from "../../lang/python/values.js";
import type { Entry } from "../route-graph.js";
import { arg, pathArg } from "../python-routes.js";
import { regexText } from "./regex-path.js";

interface Registration { prefix: PyValue | undefined; prefixText?: string; viewset: PyValue | undefined; file: string; line: number }
interface DrfRouter { regs: Registration[]; root: boolean; slash: string; file: string; line: number }

const MIXIN_ACTIONS: Record<string, string[]> = {
  ModelViewSet: ["list", "create", "retrieve", "update", "partial_update", "destroy"],
  ReadOnlyModelViewSet: ["list", "retrieve"],
  ListModelMixin: ["list"],
  CreateModelMixin: ["create"],
  RetrieveModelMixin: ["retrieve"],
  UpdateModelMixin: ["update", "partial_update"],
  DestroyModelMixin: ["destroy"],
};
const LIST: Array<[string, string]> = [["list", "GET"], ["create", "POST"]];
const DETAIL: Array<[string, string]> = [["retrieve", "GET"], ["update", "PUT"], ["partial_update", "PATCH"], ["destroy", "DELETE"]];

export function drfRouter(kind: string, call: PyCall): PyValue {
  const ts = arg(call, 99, "trailing_slash").v;
  const slash = ts?.k === "bool" && !ts.v ? "" : ts?.k === "str" ? ts.v : "/";
  return { k: "x", tag: "drf-router", data: { regs: [], root: kind === "DefaultRouter", slash, file: call.file, line: call.line } satisfies DrfRouter };
}

export function isDrfRouter(v: PyValue): v is Extract<PyValue, { k: "x" }> {
  return v.k === "x" && v.tag === "drf-router";
}

/** The list and detail routes a router generates, in DRF's order, plus @action routes. */
export function drfRoutes(data: unknown, cx: Interpreter): Entry[] {
  const r = data as DrfRouter;
  const out: Entry[] = [];
  if (r.root) out.push({ t: "route", methods: ["GET"], path: [{ s: "" }], handler: "api-root", file: r.file, line: r.line });
  for (const reg of r.regs) {
    const prefix = pathArg(reg.prefix, reg.prefixText);
    const vs = reg.viewset;
    const name = vs?.k === "cls" ? vs.name : (reg.prefixText ?? "?");
    const { actions, extra, lookup } = vs?.k === "cls" ? inspect(vs, cx) : { actions: new Set<string>(), extra: [], lookup: "pk" };
    // An @action route is declared on the viewset, in its file; the generated ones where the viewset is registered.
    const allowed = vs?.k === "cls" ? allowedMethods(vs, cx) : undefined;
    const at = (path: PathExpr, all: string[], handler: string, line = reg.line, file = reg.file) => {
      const methods = allowed ? all.filter((m) => allowed.has(m)) : all;
      if (methods.length) out.push({ t: "route", methods, path, handler, file, line });
    };
    // One route per action, so each method names the viewset method that serves it.
    const each = (path: PathExpr, table: Array<[string, string]>) => {
      for (const [action, method] of table) if (actions.has(action)) at(path, [method], `${name}.${action}`);
    };
    if (vs?.k !== "cls") {
      at([...prefix, { s: r.slash }], ["ANY"], name);
      at([...prefix, { s: `/{${lookup}}${r.slash}` }], ["ANY"], name);
      continue;
    }
    each([...prefix, { s: r.slash }], LIST);
    for (const e of extra.filter((x) => !x.detail)) at([...prefix, { s: `/${e.urlPath}${r.slash}` }], e.methods, `${name}.${e.name}`, e.line, e.file);
    each([...prefix, { s: `/{${lookup}}${r.slash}` }], DETAIL);
    for (const e of extra.filter((x) => x.detail)) at([...prefix, { s: `/{${lookup}}/${e.urlPath}${r.slash}` }], e.methods, `${name}.${e.name}`, e.line, e.file);
  }
  return out;
}

type PathExpr = import("../route-graph.js").PathExpr;

interface Extra { name: string; detail: boolean; methods: string[]; urlPath: string; file: string; line: number }

function inspect(cls: Extract<PyValue, { k: "cls" }>, cx: Interpreter, seen = new Set<string>()): { actions: Set<string>; extra: Extra[]; lookup: string } {
  const actions = new Set<string>();
  const extra: Extra[] = [];
  let lookup: string | undefined;
  const mappings: Array<[string, string]> = [];
  if (seen.has(cls.name)) return { actions, extra, lookup: "pk" };
  seen.add(cls.name);
  for (const b of cls.bases) {
    if (b.k === "ext") for (const a of MIXIN_ACTIONS[b.q.split(".").pop()!] ?? []) actions.add(a);
    if (b.k === "cls") {
      const inner = inspect(b, cx, seen);
      inner.actions.forEach((a) => actions.add(a));
      extra.push(...inner.extra);
      lookup ??= inner.lookup === "pk" ? undefined : inner.lookup;
    }
  }
  for (const st of cls.node.field("body")?.children() ?? []) {
    if (st.kind() === "function_definition") {
      const n = st.field("name")!.text();
      if ([...LIST, ...DETAIL].some(([a]) => a === n)) actions.add(n);
    }
    if (st.kind() === "decorated_definition") {
      const def = st.field("definition");
      const fname = def?.field("name")?.text() ?? "?";
      for (const d of st.children().filter((c) => c.kind() === "decorator")) {
        // @avatar.mapping.delete: one more method on an @action declared above.
        const mapped = /^@\s*(\w+)\.mapping\.(\w+)$/.exec(d.text().trim());
        if (mapped) mappings.push([mapped[1]!, mapped[2]!.toUpperCase()]);
        const call = d.children().find((c) => c.kind() === "call");
        if (!call || !/(^|\.)action$/.test(call.field("function")?.text() ?? "")) continue;
        const kw = new Map<string, string>();
        for (const a of call.field("arguments")?.children() ?? []) if (a.kind() === "keyword_argument") kw.set(a.field("name")!.text(), a.field("value")!.text());
        const methodsText = kw.get("methods");
        const methodsVal = methodsText ? cx.eval(call.field("arguments")!.children().find((a) => a.kind() === "keyword_argument" && a.field("name")!.text() === "methods")!.field("value")!, cls.scope) : undefined;
        const methods = (items(methodsVal) ?? [{ k: "str", v: "get" } as PyValue]).map((m) => (m.k === "str" ? m.v.toUpperCase() : `<${methodsText}>`));
        const urlPathNode = call.field("arguments")!.children().find((a) => a.kind() === "keyword_argument" && a.field("name")!.text() === "url_path");
        const urlPathVal = urlPathNode ? cx.eval(urlPathNode.field("value")!, cls.scope) : undefined;
        extra.push({
          name: fname,
          detail: kw.get("detail") === "True",
          methods,
          // The router builds a regex: an url_path may hold named groups of its own.
          urlPath: urlPathVal?.k === "str" ? regexText(urlPathVal.v) : fname,
          file: cls.file,
          line: d.range().start.line + 1,
        });
      }
    }
  }
  for (const [name, method] of mappings) extra.find((e) => e.name === name)?.methods.push(method);
  const lk = cx.classAttr(cls, "lookup_url_kwarg") ?? cx.classAttr(cls, "lookup_field");
  if (lk?.k === "str") lookup = lk.v;
  return { actions, extra, lookup: lookup ?? "pk" };
}

/** A view class's `http_method_names`, upper-case, when it narrows what dispatch() accepts. */
export function allowedMethods(cls: Extract<PyValue, { k: "cls" }>, cx: Interpreter): Set<string> | undefined {
  const list = items(cx.classAttr(cls, "http_method_names"));
  if (!list || !list.every((m) => m.k === "str")) return undefined;
  return new Set(list.map((m) => (m as { v: string }).v.toUpperCase()));
}
