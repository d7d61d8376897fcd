import { resolveRoots } from "../discover/roots.js";
import path from "node:path";
import type { Finding, Route, ServiceRecord } from "../../model.js";
import type { FksConfig } from "../../config/schema.js";
import { isDirectory, isFile, readTextSync } from "../../io/fs.js";
import { moduleTree } from "../../lang/rust/modules.js";
import { walk } from "../../io/walk.js";
import type { FlatRoute } from "../../frameworks/route-graph.js";
import { isJsSource } from "../../lang/typescript/routes-parse.js";
import { tooDeep, tooDeepMessage } from "../../lang/nesting.js";
import { tooManyUrlPatterns, tooManyUrlPatternsMessage } from "../../frameworks/django/bounds.js";
import { extractJs, extractPython, extractRust, type ExtractResult } from "./extract.js";
import { renderPath } from "./normalize.js";
import { isTestCode } from "../../lang/test-code.js";

export interface CatalogOptions {
  cwd: string;
  paths?: string[];
  config?: FksConfig;
  configDir?: string;
  /** Skip service discovery (compose, k8s): each scanned folder is one service. */
  noDiscover?: boolean;
  /** Services a caller has already discovered for the same folders; saves a second discovery. */
  discovered?: ServiceRecord[];
  onProgress?: (event: { phase: string; files?: number }) => void;
  /** File texts already read by a caller scanning the same folders (audit calls); filled as files are read. */
  texts?: Map<string, string>;
}

export interface Catalog {
  roots: string[];
  services: Array<{ name: string; dir: string; framework?: string; port?: number; servedApp?: string; serves?: (app: string) => boolean }>;
  routes: Route[];
  /** Files fks could not read or parse, binary or oversized files: notes and errors, never fatal. */
  diagnostics: Finding[];
  /** What service discovery could not read (malformed compose/k8s/Dockerfile, skipped large files), file:line each. */
  discovery: Finding[];
  /** Typed path parameters per route (`<int:pk>`, `{id:uuid}`, `:id(\\d+)`): what each can match, for the shadowing rule. */
  paramKinds: WeakMap<Route, Record<string, string>>;
  /** `fks-ignore: rule` comments: file → line → rules suppressed on that line. */
  suppressions: Map<string, Map<number, Set<string>>>;
  stats: { files: number; parsed: number };
}

const MAX_BYTES = 1024 * 1024;

/** Every route of every service under the given folders, extracted statically. */
export async function buildCatalog(opts: CatalogOptions): Promise<Catalog> {
  const roots = resolveRoots(opts);
  // Thousands of routes share a few hundred files: each file's relative path is computed once.
  const relCache = new Map<string, string>();
  const rel = (f: string) => {
    let r = relCache.get(f);
    if (r === undefined) relCache.set(f, (r = path.relative(opts.cwd, f) || "."));
    return r;
  };
  opts.onProgress?.({ phase: "walk" });
  // Discovery and the source walk both wait on the disk: run them side by side.
  const accept = (n: string) => n.endsWith(".py") || n.endsWith(".rs") || isJsSource(n);
  const [{ services, diagnostics: discovery }, walked] = await Promise.all([findServices(opts, roots), walk(roots, { accept, maxBytes: MAX_BYTES })]);
  const outside = services.map((s) => s.dir).filter((d) => !roots.some((r) => d === r || d.startsWith(r + path.sep)));
  const more = outside.length ? await walk(outside, { accept, maxBytes: MAX_BYTES }) : { files: [], skipped: [] };
  const files = [...walked.files, ...more.files];
  const skipped = [...walked.skipped, ...more.skipped];
  const diagnostics: Finding[] = skipped.map((s) => ({ rule: "routes/skipped", severity: "note", message: `skipped: ${s.reason}`, file: rel(s.file), line: 1, hint: "move generated or vendored files out of the service folder" }));
  const texts = new Map<string, string>();
  const readable: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = opts.texts?.get(f) ?? readTextSync(f);
      opts.texts?.set(f, text);
    } catch (e) {
      diagnostics.push({ rule: "routes/skipped", severity: "note", message: `skipped: unreadable (${(e as NodeJS.ErrnoException).code ?? e})`, file: rel(f) });
      continue;
    }
    if (text.slice(0, 8000).includes("\0")) {
      diagnostics.push({ rule: "routes/skipped", severity: "note", message: "skipped: binary file", file: rel(f) });
      continue;
    }
    const deep = tooDeep(text);
    if (deep) {
      diagnostics.push({ rule: "routes/parse-error", severity: "warning", message: tooDeepMessage(deep), file: rel(f), line: deep.line });
      continue;
    }
    const many = f.endsWith(".py") ? tooManyUrlPatterns(text) : undefined;
    if (many) {
      diagnostics.push({ rule: "routes/parse-error", severity: "warning", message: tooManyUrlPatternsMessage(many), file: rel(f), line: many.line });
      continue;
    }
    texts.set(f, text);
    readable.push(f);
  }
  const read = (f: string) => texts.get(f) ?? "";
  opts.onProgress?.({ phase: "parse", files: readable.length });

  // The deepest service folder owns a file; files outside every service belong to their scan root.
  const owners = [...services].sort((a, b) => b.dir.length - a.dir.length);
  const groups = new Map<string, { svc: Catalog["services"][number]; py: string[]; rs: string[]; js: string[] }>();
  const tests = new Map<string, number>();
  for (const f of readable) {
    let svc = owners.find((s) => f === s.dir || f.startsWith(s.dir + path.sep));
    const root = svc?.dir ?? roots.find((r) => f.startsWith(r + path.sep)) ?? path.dirname(f);
    if (isTestCode(path.relative(root, f))) {
      tests.set(root, (tests.get(root) ?? 0) + 1);
      continue;
    }
    if (!svc) {
      svc = { name: path.basename(root), dir: root };
      if (!services.some((s) => s.dir === root)) services.push(svc);
    }
    const g = groups.get(svc.dir) ?? { svc, py: [], rs: [], js: [] };
    (f.endsWith(".py") ? g.py : f.endsWith(".rs") ? g.rs : g.js).push(f);
    groups.set(svc.dir, g);
  }

  for (const [dir, n] of tests) {
    diagnostics.push({ rule: "routes/test-code", severity: "note", message: `${n} test file${n === 1 ? "" : "s"} not read for routes (tests/, test_*.py, *.test.ts, benches/, Rust examples/)`, file: rel(dir) });
  }

  // Every extraction starts at once, smallest first: while one interprets on this thread, the
  // others' files parse on the thread pool. Results are read back in group order, so output stays stable.
  type Job = { size: number; run: () => Promise<ExtractResult> };
  const empty: Job = { size: 0, run: async () => ({ routes: [], diagnostics: [], parsed: 0 }) };
  const jobs = [...groups.values()].map((g) => ({
    g,
    parts: [
      g.py.length ? { size: g.py.length, run: () => extractPython(g.py, g.svc.dir, read) } : empty,
      g.rs.length ? { size: g.rs.length, run: () => extractRust(g.rs, crateDirOf(g.rs[0]!, g.svc.dir), read) } : empty,
      g.js.length ? { size: g.js.length, run: () => extractJs(g.js, read) } : empty,
    ],
  }));
  const started = new Map<Job, Promise<ExtractResult>>();
  for (const job of jobs.flatMap((j) => j.parts).sort((a, b) => a.size - b.size)) if (!started.has(job)) started.set(job, job.run());
  const done = await Promise.all(jobs.map((j) => Promise.all(j.parts.map((p) => started.get(p)!))));
  const routes: Route[] = [];
  const paramKinds = new WeakMap<Route, Record<string, string>>();
  // A helper called N times with a path fks cannot read (`serveFile(app, base, file)`) yields N copies of one unresolved route.
  const unresolvedSeen = new Set<string>();
  const keep = (r: Route) => {
    if (!r.unresolved) return true;
    const key = [r.service, r.app, r.method, r.path, r.file, r.line, r.expression].join("\0");
    if (unresolvedSeen.has(key)) return false;
    unresolvedSeen.add(key);
    return true;
  };
  let parsed = 0;
  for (const [i, { g }] of jobs.entries()) {
    const before = routes.length;
    for (const res of done[i]!) {
      parsed += res.parsed;
      for (const d of res.diagnostics) diagnostics.push({ rule: "routes/parse-error", severity: "warning", message: d.message, file: rel(d.file), line: d.line, service: g.svc.name });
      for (const d of res.notFollowed ?? []) diagnostics.push({ rule: "routes/not-followed", severity: "note", message: d.message, file: rel(d.file), line: d.line, service: g.svc.name });
      for (const r of res.routes) {
        const kinds = typedParams(r.path);
        for (const route of toRoutes(r, g.svc.name, rel).filter(keep)) {
          if (kinds) paramKinds.set(route, kinds);
          routes.push(route);
        }
      }
    }
    markNotServed(routes.slice(before), services.filter((s) => s.dir === g.svc.dir), diagnostics);
    if (routes.length === before && (g.svc.framework === "express" || g.svc.framework === "fastify")) {
      diagnostics.push({
        rule: "routes/none-found",
        severity: "note",
        message: `${g.svc.name} looks like ${g.svc.framework === "express" ? "an Express" : "a Fastify"} service but fks found no routes in it`,
        file: rel(g.svc.dir),
        service: g.svc.name,
        hint: "routes registered dynamically (autoload, loops over files, decorators) are not followed; check that the app's entry file is under this folder",
      });
    }
  }
  // A source file both walks skipped is said once, by the route catalog.
  const said = new Set(diagnostics.map((d) => `${d.file}\0${d.message}`));
  return {
    roots,
    services: services.filter((s) => groups.has(s.dir)),
    routes,
    diagnostics,
    discovery: discovery.filter((d) => !said.has(`${d.file}\0${d.message}`)),
    paramKinds,
    suppressions: collectSuppressions(routes, texts, opts.cwd),
    stats: { files: readable.length, parsed },
  };
}

/**
 * Routes of apps other than the ones the services' start commands serve are not served: each such
 * app gets one note, and its routes `served: false`. Services built from one folder (compose's
 * api and payment from the repository root) each own the routes of the app they serve.
 */
function markNotServed(routes: Route[], siblings: Catalog["services"], diagnostics: Finding[]): void {
  const serves = (s: Catalog["services"][number], app: string | undefined) => !!app && (s.serves ? s.serves(app) : s.servedApp === app);
  const servers = siblings.filter((s) => s.servedApp && routes.some((r) => serves(s, r.app)));
  if (!servers.length) return;
  const others = new Map<string, number>();
  for (const r of routes) {
    const owner = servers.find((s) => serves(s, r.app));
    if (owner) {
      r.service = owner.name;
      continue;
    }
    if (!r.app) continue;
    r.served = false;
    others.set(r.app, (others.get(r.app) ?? 0) + 1);
  }
  const names = servers.map((s) => s.name).join(", ");
  const apps = servers.map((s) => s.servedApp).join(", ");
  for (const [app, n] of others) {
    const at = app.lastIndexOf(":");
    diagnostics.push({ rule: "routes/not-served", severity: "note", service: servers[0]!.name, file: app.slice(0, at), line: Number(app.slice(at + 1)), message: `${n} route${n === 1 ? "" : "s"} of the app here ${n === 1 ? "is" : "are"} not served by ${names}: ${servers.length === 1 ? "its start command serves" : "their start commands serve"} ${apps}`, hint: "remove the app if it is dead code, or give it a service of its own" });
  }
}

async function findServices(opts: CatalogOptions, roots: string[]): Promise<{ services: Catalog["services"]; diagnostics: Finding[] }> {
  if (opts.noDiscover) return { services: [], diagnostics: [] };
  let records = opts.discovered;
  let diagnostics: Finding[] = [];
  if (!records) {
    const { discover } = await import("../discover/index.js");
    const found = await discover({ paths: roots, cwd: opts.cwd, config: opts.config, configDir: opts.configDir });
    records = found.services;
    diagnostics = found.diagnostics;
  }
  const services = records
    .filter((s: ServiceRecord) => !!s.path && isDirectory(path.resolve(opts.cwd, s.path)))
    .map((s: ServiceRecord) => ({ name: s.name, dir: path.resolve(opts.cwd, s.path!), framework: s.framework, port: s.port, servedApp: servedAppOf(s), serves: rustServes(s, opts.cwd) }));
  return { services, diagnostics };
}

/**
 * A Rust service started as one binary serves the routers built in that binary's module tree
 * and in the library crate beside it; a router served from another bin (src/bin/seed.rs) is not
 * what the container runs.
 */
function rustServes(s: ServiceRecord, cwd: string): ((app: string) => boolean) | undefined {
  const e = s.entry;
  if (e?.confidence !== "command" || !e.app?.startsWith("bin:") || !e.appFile || !s.path) return undefined;
  const main = path.resolve(cwd, e.appFile);
  const lib = path.join(path.resolve(cwd, s.path), "src", "lib.rs");
  const files = new Set([...moduleTree(main, isFile, readTextSync), ...moduleTree(lib, isFile, readTextSync)].map((f) => path.relative(cwd, f)));
  return (app) => files.has(app.slice(0, app.lastIndexOf(":")));
}

/** The served app as the catalog names apps (file:line), when a start command says which it is. */
function servedAppOf(s: ServiceRecord): string | undefined {
  const e = s.entry;
  if (e?.confidence === "command" && e.app?.startsWith("bin:") && s.language === "rust") return e.app;
  return e?.confidence === "command" && e.appFile && e.appLine && s.language === "python" ? `${e.appFile}:${e.appLine}` : undefined;
}

function crateDirOf(file: string, fallback: string): string {
  const parts = file.split(path.sep);
  const src = parts.lastIndexOf("src");
  return src > 0 ? parts.slice(0, src).join(path.sep) : fallback;
}

/** `<int:pk>` (Django, Flask), `{id:uuid}` (Starlette), `:id(\\d+)` (Express): parameters that only match some text. */
function typedParams(p: FlatRoute["path"]): Record<string, string> | undefined {
  const raw = p.map((x) => ("s" in x ? x.s : "")).join("");
  if (!/[<{:]/.test(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(/<(int|float|uuid):(\w+)>|\{(\w+):(int|float|uuid)\}|:(\w+)\((?:\\d|\[0-9\])\+\)/g)) {
    if (m[1]) out[m[2]!] = m[1];
    else if (m[3]) out[m[3]] = m[4]!;
    else if (m[5]) out[m[5]] = "int";
  }
  return Object.keys(out).length ? out : undefined;
}

function toRoutes(r: FlatRoute, service: string, rel: (f: string) => string): Route[] {
  const { path: p, unresolved, raw } = renderPath(r.path);
  const expression = [unresolved, r.orphanOf].filter(Boolean).join("; ") || undefined;
  const file = rel(r.file);
  const via = r.via.map((v) => ({ prefix: renderPath(v.prefix).path, file: rel(v.file), line: v.line }));
  const app = r.app ? rel(r.app.slice(0, r.app.lastIndexOf(":"))) + r.app.slice(r.app.lastIndexOf(":")) : undefined;
  return r.methods.map((method) => {
    const route: Route = {
      service,
      framework: r.framework,
      // An unresolved method stays as written: `<process.env.METHOD>` names a variable, not a verb.
      method: method.startsWith("<") ? method : method.toUpperCase(),
      path: p,
      handler: r.handler.includes("\n") ? r.handler.replace(/\s+/g, " ") : r.handler,
      file,
      line: r.line,
      via: via.map((v) => ({ ...v })),
    };
    if (r.app) route.app = app;
    if (raw !== p) route.rawPath = raw;
    if (expression || method.startsWith("<")) {
      route.unresolved = true;
      route.expression = expression ?? method;
      route.status = "unresolved";
    } else if (r.notMounted) {
      route.status = "not-mounted";
      route.expression = r.notMounted;
    } else route.status = "served";
    return route;
  });
}

const IGNORE = /(?:#|\/\/)\s*fks-ignore:\s*([\w/,\s-]+)/;

/** `# fks-ignore: rule-a, rule-b` on a route's line (or the line above it) silences those rules there. */
function collectSuppressions(routes: Route[], texts: Map<string, string>, cwd: string): Catalog["suppressions"] {
  const out: Catalog["suppressions"] = new Map();
  const lines = new Map<string, string[]>();
  const absCache = new Map<string, string>();
  for (const r of routes) {
    let abs = absCache.get(r.file);
    if (abs === undefined) absCache.set(r.file, (abs = path.resolve(cwd, r.file)));
    let ls = lines.get(abs);
    if (!ls) {
      ls = (texts.get(abs) ?? "").split("\n");
      lines.set(abs, ls);
    }
    for (const ln of [r.line, r.line - 1]) {
      const m = IGNORE.exec(ls[ln - 1] ?? "");
      if (!m) continue;
      const rules = m[1]!.split(/[,\s]+/).filter(Boolean);
      const byLine = out.get(r.file) ?? new Map<number, Set<string>>();
      const set = byLine.get(r.line) ?? new Set<string>();
      rules.forEach((x) => set.add(x));
      byLine.set(r.line, set);
      out.set(r.file, byLine);
    }
  }
  return out;
}
