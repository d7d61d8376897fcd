import type { Interpreter, PyKnowledge } from "../../lang/python/interp.js";
import { items, type PyModule, type PyValue } from "../../lang/python/values.js";
import { newContainer, type Container, type Entry, type PathExpr } from "../route-graph.js";
import { arg, asContainer, classMethods, handlerName, methodsArg, order, pathArg, tail } from "../python-routes.js";
import { allowedMethods, drfRouter, drfRoutes, isDrfRouter } from "./drf.js";
import { branchMethods } from "./method-branches.js";
import { regexToPath } from "./regex-path.js";

interface Pattern { route: PathExpr; regex: boolean; view: PyValue | undefined; viewText?: string; file: string; line: number }
interface Include { target: PyValue | undefined; text?: string; file: string; container?: Container }

/** Methods of Django's and DRF's generic views, for class-based views that inherit them. */
const GENERIC_METHODS: Record<string, string[]> = {
  TemplateView: ["GET"], ListView: ["GET"], DetailView: ["GET"], ArchiveIndexView: ["GET"],
  FormView: ["GET", "POST", "PUT"], CreateView: ["GET", "POST", "PUT"], UpdateView: ["GET", "POST", "PUT"], DeleteView: ["GET", "POST", "DELETE"],
  RedirectView: ["ANY"],
  ListAPIView: ["GET"], CreateAPIView: ["POST"], RetrieveAPIView: ["GET"], DestroyAPIView: ["DELETE"], UpdateAPIView: ["PUT", "PATCH"],
  ListCreateAPIView: ["GET", "POST"], RetrieveUpdateAPIView: ["GET", "PUT", "PATCH"], RetrieveDestroyAPIView: ["GET", "DELETE"],
  RetrieveUpdateDestroyAPIView: ["GET", "PUT", "PATCH", "DELETE"],
};

/** Django URL confs (path, re_path, url, include by module name or list) and view methods where knowable. */
export const djangoRoutes: PyKnowledge = {
  packages: ["django", "rest_framework"],
  construct(q, call) {
    if (!q.startsWith("django.") && !q.startsWith("rest_framework.")) return undefined;
    const name = tail(q);
    if (name === "path" || name === "re_path" || name === "url") {
      const r = arg(call, 0, "route");
      const v = arg(call, 1, "view");
      return { k: "x", tag: "dj-pattern", data: { route: pathArg(r.v, r.text), regex: name !== "path", view: v.v, viewText: v.text, file: call.file, line: call.line } satisfies Pattern };
    }
    if (name === "include") {
      let target = call.args[0];
      if (target?.k === "seq" && target.items.length === 2 && target.items[1]?.k === "str") target = target.items[0];
      return { k: "x", tag: "dj-include", data: { target, text: call.argText[0], file: call.file } satisfies Include };
    }
    if (name === "DefaultRouter" || name === "SimpleRouter") return drfRouter(name, call);
    if (name === "api_view" || name === "require_http_methods") {
      const m = arg(call, 0, name === "api_view" ? "http_method_names" : "request_method_list");
      return { k: "x", tag: "dj-methods", data: servedMethods(methodsArg(m.v, m.text) ?? ["GET"]) };
    }
    if (name === "action") return { k: "x", tag: "drf-action", data: call };
    return undefined;
  },
  method(self, name, call) {
    if (isDrfRouter(self) && name === "register") {
      (self.data as { regs: Array<{ prefix: PyValue | undefined; prefixText?: string; viewset: PyValue | undefined; file: string; line: number }> }).regs.push({
        prefix: arg(call, 0, "prefix").v,
        prefixText: call.argText[0],
        viewset: arg(call, 1, "viewset").v,
        file: call.file,
        line: call.line,
      });
      return { k: "none" };
    }
    return undefined;
  },
  attr(self, name) {
    if (isDrfRouter(self) && name === "urls") return { k: "x", tag: "drf-urls", data: self.data };
    return undefined;
  },
  decorate(dec, target) {
    const simple: Record<string, string[]> = { require_GET: ["GET"], require_POST: ["POST"], require_safe: ["GET"] };
    let methods: string[] | undefined;
    if (dec.k === "ext" && dec.q.startsWith("django.")) methods = simple[tail(dec.q)];
    if (dec.k === "x" && dec.tag === "dj-methods") methods = dec.data as string[];
    if (dec.k === "x" && dec.tag === "drf-action") return { k: "x", tag: "drf-action-fn", data: { call: dec.data, target } };
    if (!methods || target.k !== "fn") return undefined;
    return { k: "x", tag: "view-fn", data: { fn: target, methods } };
  },
};

/** The container for a module's `urlpatterns`, built once per module and read late so `+=` after use counts. */
export function urlconfOf(mod: PyModule, cx: Interpreter, root = false): Container {
  const key = "django-urlconf";
  let c = mod.memo.get(key) as Container | undefined;
  if (!c) {
    const made = newContainer({
      framework: "django",
      kind: root ? "app" : "router",
      join: "concat",
      name: mod.name,
      file: mod.file,
      line: 1,
      prefix: [],
      // A test suite's override_settings(ROOT_URLCONF=…) or a reusable app's urls: listed, never dropped.
      orphanReason: "is not included by any ROOT_URLCONF fks could follow",
    });
    made.lateEntries = () => {
      const b = mod.scope.vars.get("urlpatterns");
      const list = b && b.k !== "lazy" ? b : cx.lookup("urlpatterns", mod.scope);
      return entriesFromPatterns(list, cx);
    };
    mod.memo.set(key, made);
    c = made;
  }
  if (root) {
    c.kind = "app";
    c.root = true;
  }
  return c;
}

export function entriesFromPatterns(list: PyValue | undefined, cx: Interpreter): Entry[] {
  const out: Entry[] = [];
  for (const item of items(list) ?? []) {
    if (item.k !== "x") continue;
    if (item.tag === "drf-urls") {
      const child = drfContainer(item, cx);
      out.push({ t: "include", child, prefix: [], file: child.file, line: child.line });
    } else if (item.tag === "dj-pattern") out.push(...patternEntries(item.data as Pattern, cx));
  }
  return out;
}

function patternEntries(p: Pattern, cx: Interpreter): Entry[] {
  const route = p.regex ? regexToPath(p.route) : p.route;
  const v = p.view;
  if (v?.k === "x" && v.tag === "dj-include") {
    const inc = v.data as Include;
    const child = includeTarget(inc, cx);
    if (child) child.included = true;
    // include("allauth.urls"): a module outside the scanned code, which cannot be one of the project's URL confs.
    const external = !child && (inc.target?.k === "ext" || (inc.target?.k === "str" && cx.importModule(inc.target.v, inc.file, true).k !== "mod"));
    return [{ t: "include", child, unresolved: child ? undefined : (inc.text ?? "include(?)"), external, prefix: route, file: p.file, line: p.line }];
  }
  if (v?.k === "ext" && /admin\.site\.urls$/.test(v.q)) {
    return [{ t: "route", methods: ["ANY"], path: route, handler: "admin.site.urls", file: p.file, line: p.line }];
  }
  return [{ t: "route", methods: viewMethods(v, cx), path: route, handler: handlerName(v, p.viewText), file: p.file, line: p.line }];
}

function includeTarget(inc: Include, cx: Interpreter): Container | undefined {
  const t = inc.target;
  if (t?.k === "str") {
    // A URL conf named by string is data even inside Django (django.contrib.admindocs.urls).
    const mod = cx.importModule(t.v, inc.file, true);
    return mod.k === "mod" ? urlconfOf(mod.mod, cx) : undefined;
  }
  if (t?.k === "mod") return urlconfOf(t.mod, cx);
  if (t?.k === "x" && t.tag === "drf-urls") return drfContainer(t, cx);
  if (t?.k === "seq") {
    // One container per include([...]): its entries are read each time the parent's are, and a
    // fresh container per read would multiply with every level of nesting.
    if (inc.container) return inc.container;
    const c = newContainer({ framework: "django", kind: "router", join: "concat", name: "include([...])", file: inc.file, line: cx.line, prefix: [] });
    c.lateEntries = () => entriesFromPatterns(t, cx);
    inc.container = c;
    return c;
  }
  return asContainer(t);
}

function drfContainer(v: Extract<PyValue, { k: "x" }>, cx: Interpreter): Container {
  const data = v.data as { container?: Container };
  if (!data.container) {
    const c = newContainer({ framework: "django", kind: "router", join: "concat", name: "router.urls", file: cx.file, line: cx.line, prefix: [] });
    c.lateEntries = () => drfRoutes(v.data, cx);
    data.container = c;
  }
  data.container.included = true;
  return data.container;
}

function viewMethods(v: PyValue | undefined, cx: Interpreter): string[] {
  if (v?.k === "x" && v.tag === "view-fn") return (v.data as { methods: string[] }).methods;
  if (v?.k === "fn") {
    // One view serves many patterns: its body is read once per module.
    const memo = v.scope.module.memo;
    const key = `django-branches:${v.node.id()}`;
    if (!memo.has(key)) memo.set(key, branchMethods(v.node) ?? ["ANY"]);
    return memo.get(key) as string[];
  }
  if (v?.k === "x" && v.tag === "as_view") {
    const view = v.data as PyValue;
    if (view.k === "ext") return GENERIC_METHODS[tail(view.q)] ?? ["ANY"];
    if (view.k !== "cls") return ["ANY"];
    const m = classMethods(cx, view, GENERIC_METHODS);
    if (m.length === 0 || m.includes("ANY")) return ["ANY"];
    const allowed = allowedMethods(view, cx);
    return order(allowed ? m.filter((x) => allowed.has(x)) : m);
  }
  return ["ANY"];
}


/** Django answers HEAD through GET and OPTIONS by itself: a list naming them adds no route. */
function servedMethods(methods: string[]): string[] {
  const rest = methods.filter((m) => m !== "HEAD" && m !== "OPTIONS");
  return rest.length ? rest : methods;
}
