import path from "node:path";
import { astGrep, parseMany, syntaxErrorMessage } from "../../lang/python/ast-grep.js";
import { PythonInterpreter, type PyKnowledge } from "../../lang/python/interp.js";
import type { PyValue } from "../../lang/python/values.js";
import { indexFile, rustSyntaxError, type RustFn, type RustIndex } from "../../lang/rust/items.js";
import { FRAMEWORKS } from "../../frameworks/index.js";
import { RustEvaluator, type RustKnowledge } from "../../lang/rust/eval.js";
import { urlconfOf } from "../../frameworks/django/routes.js";
import { rootUrlconfs } from "../../frameworks/django/settings.js";
import { nodeBuiltins } from "../../lang/typescript/node-builtins.js";
import { JsEvaluator, type JsKnowledge } from "../../lang/typescript/routes-eval.js";
import { jsParser } from "../../lang/typescript/routes-parse.js";
import { collectContainers, entriesOf, flatten, type Container, type FlatRoute } from "../../frameworks/route-graph.js";

export interface ExtractDiagnostic {
  file: string;
  line: number;
  message: string;
}

export interface ExtractResult {
  routes: FlatRoute[];
  diagnostics: ExtractDiagnostic[];
  /** Route declarations of a kind fks does not read: named, so a short catalog is not taken for the whole service. */
  notFollowed?: ExtractDiagnostic[];
  parsed: number;
}

/** Route styles fks does not read yet, by a token that shows them: one note per style and service. */
const NOT_FOLLOWED: Array<{ uses: RegExp; token: RegExp; what: string }> = [
  { uses: /\bflask_appbuilder\b/, token: /^\s*@expose\(/m, what: "Flask-AppBuilder views and APIs (@expose, appbuilder.add_view/add_api) are not read: their routes are missing from the catalog" },
];

function notFollowed(files: string[], read: (f: string) => string): ExtractDiagnostic[] {
  const out: ExtractDiagnostic[] = [];
  for (const { uses, token, what } of NOT_FOLLOWED) {
    if (!files.some((f) => uses.test(read(f)))) continue;
    const file = files.find((f) => token.test(read(f)));
    const m = file ? token.exec(read(file)) : null;
    if (file && m) out.push({ file, line: read(file).slice(0, m.index + m[0].length).split("\n").length, message: what });
  }
  return out;
}

/** Python knowledge of every adapter that has a routes capability for Python. */
async function pythonKnowledge(): Promise<PyKnowledge[]> {
  const out: PyKnowledge[] = [];
  for (const fw of FRAMEWORKS) {
    if (fw.routes?.language === "python") out.push(...((await fw.routes.load()) as PyKnowledge[]));
  }
  return out;
}

/** Tokens without which a Python file cannot declare or mount a route (a cheap pre-filter before parsing). */
const PY_ROUTEISH = /FastAPI|APIRouter|Flask|Blueprint|Starlette|urlpatterns|include_router|register_blueprint|add_api_route|add_url_rule|NinjaAPI|add_router|Litestar|route_handlers|\bController[,)]|add_resource|Namespace\(|Router\(|Mount\(|Route\(|\.route\(/;

const APP_CALL = /\b(FastAPI|Flask|Starlette|Litestar)\(/;

/** Routes of one service's Python files. */
export async function extractPython(files: string[], root: string, read: (f: string) => string): Promise<ExtractResult> {
  const parse = await astGrep();
  const knowledge = await pythonKnowledge();
  const candidates = files.filter((f) => PY_ROUTEISH.test(read(f)));
  const parsedAhead = await parseMany("python", candidates.map(read));
  const trees = new Map(candidates.map((f, i) => [f, parsedAhead[i]!]));
  const interp = new PythonInterpreter({ files: new Set(files), roots: [root], read, parse: (src) => parse("python", src), knowledge, trees });
  const { containers } = collectContainers(() => {
    for (const f of candidates) interp.loadFile(f);
    // App factories nobody calls at import time (served with `uvicorn --factory`). A factory
    // another factory calls (create_app → create_api_app) runs through its caller, where its
    // mount prefix is known; only one nothing calls is run on its own.
    const factories: Array<Extract<PyValue, { k: "fn" }>> = [];
    for (const mod of [...interp.modules.values()]) {
      if (!APP_CALL.test(read(mod.file))) continue;
      for (const b of mod.scope.vars.values()) {
        if (b.k === "fn" && b.file === mod.file && !interp.called.has(b.node.id()) && APP_CALL.test(b.node.text())) factories.push(b);
      }
    }
    const texts = factories.map((f) => f.node.text());
    const calledByAnother = (f: (typeof factories)[number]) => texts.some((t, i) => factories[i] !== f && new RegExp(`\\b${f.name}\\s*\\(`).test(t));
    for (const f of [...factories.filter((f) => !calledByAnother(f)), ...factories.filter(calledByAnother)]) {
      if (!interp.called.has(f.node.id())) interp.runUncalled(f);
    }
    // Django: the ROOT_URLCONF named in settings is the project's root; every urls module is a conf.
    // (A test's override_settings(ROOT_URLCONF=…) mentions it too, but is not a project's settings.)
    for (const conf of rootUrlconfs(root, files, read)) {
      const mod = interp.importModule(conf.module, conf.settingsFile, true);
      if (mod.k === "mod") urlconfOf(mod.mod, interp, true);
    }
    for (const mod of interp.modules.values()) if (mod.scope.vars.has("urlpatterns")) urlconfOf(mod, interp);
    for (const mod of [...interp.modules.values()]) {
      for (const b of mod.scope.vars.values()) if (b.k === "cls" && b.file === mod.file) for (const k of knowledge) k.classDefined?.(b, interp);
    }
  });
  return {
    routes: flattenAll(containers),
    diagnostics: interp.diagnostics,
    notFollowed: notFollowed(files, read),
    parsed: interp.parsedFiles,
  };
}

// `serve(`: the function handing the app to axum::serve marks it as the served root, even when it never names Router.
const RS_ROUTEISH = /Router|\.route\(|\.nest\(|\.merge\(|App::new|HttpServer|#\[(get|post|put|patch|delete|route)\(|web::|\bserve\(/;

async function rustKnowledge(): Promise<RustKnowledge[]> {
  const out: RustKnowledge[] = [];
  for (const fw of FRAMEWORKS) {
    if (fw.routes?.language === "rust") out.push(...((await fw.routes.load()) as RustKnowledge[]));
  }
  return out;
}

/** Routes of one service's Rust files (axum, actix-web). */
export async function extractRust(files: string[], crateDir: string, read: (f: string) => string): Promise<ExtractResult> {
  const knowledge = await rustKnowledge();
  const index: RustIndex = { fns: [], consts: new Map() };
  const diagnostics: ExtractDiagnostic[] = [];
  // Constants may live anywhere, so every file with a route-ish token or a const is indexed.
  const wanted = files.filter((f) => RS_ROUTEISH.test(read(f)) || /\bconst\b/.test(read(f)));
  const trees = await parseMany("rust", wanted.map(read));
  const parsed = wanted.length;
  for (const [i, f] of wanted.entries()) {
    const root = trees[i]!.root();
    const err = rustSyntaxError(root);
    if (err) diagnostics.push({ file: f, line: err.line, message: syntaxErrorMessage(err) });
    indexFile(root, f, index);
  }
  const ev = new RustEvaluator(index, crateDir, knowledge);
  const { containers } = collectContainers(() => {
    const texts = new Map(index.fns.map((fn) => [fn, fn.node.text()]));
    // `main` first: a server function it calls (start_server → HttpServer::new) runs once, through it.
    const mains = index.fns.filter((fn) => fn.name === "main" || /(^|::|\.)serve\(|HttpServer::new/.test(texts.get(fn)!));
    for (const fn of [...mains.filter((f) => f.name === "main"), ...mains.filter((f) => f.name !== "main")]) if (!ev.evaluated.has(fn.node.id())) ev.run(fn);
    // Router builders nobody calls first (entry points of a library crate), then any left over.
    const builders = index.fns.filter((fn) => fn.returnsRouter || /App::new\(/.test(texts.get(fn)!));
    // Every name written as a call, with the functions writing it: one pass instead of one search per builder.
    const callers = new Map<string, Set<RustFn>>();
    for (const [fn, text] of texts) {
      // (`fn routes(` defines a function: several modules each defining `routes` do not call one another.)
      for (const m of text.matchAll(/(?<!\bfn\s+)\b([A-Za-z_]\w*)\s*\(/g)) {
        const set = callers.get(m[1]!) ?? new Set<RustFn>();
        set.add(fn);
        callers.set(m[1]!, set);
      }
    }
    const calledByOthers = (fn: RustFn) =>
      /^[A-Za-z_]\w*$/.test(fn.name)
        ? [...(callers.get(fn.name) ?? [])].some((other) => other !== fn)
        : index.fns.some((other) => other !== fn && new RegExp(`(?<!\\bfn\\s+)\\b${fn.name}\\s*\\(`).test(texts.get(other)!));
    for (const fn of builders) if (!calledByOthers(fn) && !ev.evaluated.has(fn.node.id())) ev.run(fn);
    for (const fn of builders) if (!ev.evaluated.has(fn.node.id())) ev.run(fn);
    // Entry points a library crate hands to its users (actix `pub fn config(cfg: &mut web::ServiceConfig)`).
    for (const fn of index.fns) {
      if (ev.evaluated.has(fn.node.id())) continue;
      for (const k of knowledge) {
        const args = k.entryArgs?.(fn);
        if (args) {
          ev.run(fn, args);
          break;
        }
      }
    }
  });
  if (ev.tooDeep) diagnostics.push({ ...ev.tooDeep, message: "expression nested too deep to follow: routes built inside it may be missing — split the builder chain" });
  return { routes: flattenAll(containers), diagnostics, parsed };
}

/** Tokens without which a JavaScript/TypeScript file neither creates nor mounts a route. */
const JS_ROUTEISH = /express|fastify|Router\(|\.(get|post|put|patch|delete|all|use|route|register)\(/;

const JS_FRAMEWORK_IMPORT = /(?:require\(\s*|from\s+|import\(\s*)["'](?:express|fastify)["']/;

/** Routes of one service's JavaScript and TypeScript files (Express, Fastify). */
export async function extractJs(files: string[], read: (f: string) => string): Promise<ExtractResult> {
  // Front-end bundles and Django static files are JavaScript too: only a service that loads a
  // server framework is evaluated, and only from the files that mention route calls.
  if (!files.some((f) => JS_FRAMEWORK_IMPORT.test(read(f)))) return { routes: [], diagnostics: [], parsed: 0 };
  const parse = await jsParser();
  const knowledge: JsKnowledge[] = [nodeBuiltins];
  for (const fw of FRAMEWORKS) {
    if (fw.routes?.language === "javascript" || fw.routes?.language === "typescript") knowledge.push(...((await fw.routes.load()) as JsKnowledge[]));
  }
  const ev = new JsEvaluator(new Set(files), read, parse, knowledge);
  const { containers } = collectContainers(() => {
    for (const f of files) if (!f.endsWith(".min.js") && JS_ROUTEISH.test(read(f))) ev.load(f);
    ev.runUncalledFactories(/\b(express|fastify|Fastify)\s*\(/);
  });
  return { routes: flattenAll(containers), diagnostics: ev.diagnostics, parsed: ev.parsedFiles };
}

/** How the served apps see a container nothing includes. */
export type RootStatus =
  | { status: "served" }
  /** The service's apps are fully followed and none mounts it: dead API surface. */
  | { status: "not-mounted"; reason: string }
  /** Its paths depend on a mount fks could not follow (an unresolved include, a reusable app). */
  | { status: "unresolved"; reason?: string };

/**
 * Served or not, for every container with routes that nothing includes. Apps (and Django root
 * URL confs) are what a service serves; a router they never mount is not served — unless one
 * of them includes something fks could not resolve, which may be that very router. Kept in one
 * place so the served apps can later come from the entry-point model instead of "every app".
 */
export function classifyRoots(containers: Container[]): Map<Container, RootStatus> {
  const nonEmpty = containers.filter((c) => entriesOf(c).length > 0);
  const apps = nonEmpty.filter((c) => (c.kind === "app" || c.root) && !c.included);
  const out = new Map<Container, RootStatus>();
  for (const a of apps) out.set(a, { status: "served" });
  const orphans = nonEmpty.filter((c) => !c.included && c.kind !== "app" && !c.root);
  // Walked only when there is something to classify: it reads every app's whole include tree.
  const blind = orphans.length ? apps.map((a) => unresolvedIncludeIn(a)).find(Boolean) : undefined;
  for (const o of orphans) {
    const where = `${o.name} (${path.basename(o.file)}:${o.line})`;
    if (!apps.length) {
      out.set(o, { status: "unresolved", reason: o.orphanReason ? `${where} ${o.orphanReason}` : undefined });
    } else if (blind) {
      out.set(o, { status: "unresolved", reason: `${where} ${o.orphanReason ?? "is not included by any app fks could follow"} (it may be what ${blind} mounts)` });
    } else {
      const served = apps.map((a) => `${a.name} (${path.basename(a.file)}:${a.line})`).join(", ");
      out.set(o, { status: "not-mounted", reason: `${where} is never mounted by ${served}` });
    }
  }
  return out;
}

/** The first include under an app that fks could not resolve, as `expression at file:line`. */
function unresolvedIncludeIn(app: Container): string | undefined {
  const seen = new Set<number>();
  const visit = (c: Container): string | undefined => {
    if (seen.has(c.id)) return undefined;
    seen.add(c.id);
    for (const e of entriesOf(c)) {
      if (e.t !== "include") continue;
      if (!e.child && e.external) continue;
      if (!e.child) return `${e.unresolved ?? "?"} at ${path.basename(e.file)}:${e.line}`;
      const hit = visit(e.child);
      if (hit) return hit;
    }
    return undefined;
  };
  return visit(app);
}

function flattenAll(containers: Container[]): FlatRoute[] {
  const out: FlatRoute[] = [];
  for (const [c, s] of classifyRoots(containers)) {
    if (s.status === "served") out.push(...flatten(c));
    else if (s.status === "not-mounted") out.push(...flatten(c).map((r) => ({ ...r, notMounted: s.reason })));
    else out.push(...flatten(c, s.reason));
  }
  return out;
}
