import { resolveRoots } from "../discover/roots.js";
import path from "node:path";
import type { Finding, Route, ServiceRecord } from "../../model.js";
import { isDirectory, readTextSync } from "../../io/fs.js";
import { walk } from "../../io/walk.js";
import { astGrep, parseMany, type SgNode } from "../../lang/python/ast-grep.js";
import { isTestCode } from "../../lang/test-code.js";
import { isJsSource } from "../../lang/typescript/routes-parse.js";
import { buildCatalog, type CatalogOptions } from "../routes/catalog.js";
import { PY_CALLISH, PY_CLIENTS } from "./clients/index.js";
import { JS_CALLISH, jsCalls, jsTree } from "./clients/fetch-undici-axios.js";
import { reqwestCalls, RS_CALLISH } from "./clients/reqwest.js";
import { hyperCalls } from "./clients/hyper.js";
import { addresses, envOf } from "./env.js";
import { buildGraph } from "./graph.js";
import { joinRoute } from "./join.js";
import { generatedPythonCalls, generatedRustCalls } from "./generated-calls.js";
import { pythonCalls, type RawCall } from "./python.js";
import { applyRuleLevels, CALL_RULES, callFindings, graphFindings } from "./rules.js";
import { toTarget } from "./target.js";
import type { AuditCallsResult, CallGraph, OutboundCall } from "./types.js";

export interface AuditCallsOptions extends CatalogOptions {
  /** More distinct downstream services than this is a fan-out finding (default: calls.fanOut in fks.yaml, else 5). */
  fanOut?: number;
}

const MAX_BYTES = 1024 * 1024;
const IGNORE = /(?:#|\/\/)\s*fks-ignore:\s*([\w/,\s-]+)/;

/** `fks audit calls`: every outbound HTTP call, its target service and route, its safety, the call graph. */
export async function auditCalls(opts: AuditCallsOptions): Promise<AuditCallsResult> {
  const roots = resolveRoots(opts);
  const rel = (f: string) => path.relative(opts.cwd, f) || ".";
  const { discover } = await import("../discover/index.js");
  const accept = (n: string) => n.endsWith(".py") || n.endsWith(".rs") || isJsSource(n);
  const [disc, walked] = await Promise.all([
    opts.discovered ? Promise.resolve({ services: opts.discovered }) : discover({ paths: roots, cwd: opts.cwd, config: opts.config, configDir: opts.configDir }),
    walk(roots, { accept, maxBytes: MAX_BYTES }),
  ]);
  const records: ServiceRecord[] = disc.services;
  // The routes catalog parses on the thread pool while the calls are read here.

  const owners = records
    .filter((s) => s.path && isDirectory(path.resolve(opts.cwd, s.path)))
    .map((s) => ({ rec: s as ServiceRecord | undefined, name: s.name, dir: path.resolve(opts.cwd, s.path!) }))
    .sort((a, b) => b.dir.length - a.dir.length);
  // One read of each file serves both the calls scan and the routes catalog.
  const texts = new Map<string, string>();
  const read = (f: string) => {
    let t = texts.get(f);
    if (t === undefined) {
      try {
        t = readTextSync(f);
        texts.set(f, t);
      } catch {
        return "";
      }
    }
    return t.slice(0, 8000).includes("\0") ? "" : t;
  };
  // The routes catalog parses on the thread pool while the calls are read here.
  const catalogP = buildCatalog({ ...opts, paths: roots.map((r) => path.relative(opts.cwd, r) || "."), discovered: records, texts });
  const groups = new Map<string, { name: string; dir: string; rec?: ServiceRecord; py: string[]; rs: string[]; js: string[] }>();
  for (const f of walked.files) {
    const o = owners.find((s) => f.startsWith(s.dir + path.sep));
    const root = o?.dir ?? roots.find((r) => f.startsWith(r + path.sep)) ?? path.dirname(f);
    if (isTestCode(path.relative(root, f))) continue;
    const key = o?.dir ?? root;
    const g = groups.get(key) ?? { name: o?.name ?? path.basename(root), dir: key, rec: o?.rec, py: [], rs: [], js: [] };
    (f.endsWith(".py") ? g.py : f.endsWith(".rs") ? g.rs : g.js).push(f);
    groups.set(key, g);
  }

  const parse = await astGrep();
  const addrs = addresses(records);
  const raw: Array<RawCall & { service: string }> = [];
  let parsed = 0;
  let files = 0;
  for (const g of groups.values()) {
    files += g.py.length + g.rs.length + g.js.length;
    const env = envOf(g.rec, g.dir, rel, opts.cwd, read);
    const trees = new Map<string, SgNode>();
    const tree = (f: string) => {
      let t = trees.get(f);
      if (!t) {
        t = parse(f.endsWith(".rs") ? "rust" : "python", read(f)).root();
        parsed++;
        trees.set(f, t);
      }
      return t;
    };
    const pyC = g.py.filter((f) => PY_CALLISH.test(read(f)));
    if (pyC.length) {
      const ahead = await parseMany("python", pyC.map(read));
      pyC.forEach((f, i) => trees.set(f, ahead[i]!.root()));
      parsed += pyC.length;
      const runText = [g.rec?.dockerfile?.cmd, g.rec?.dockerfile?.entrypoint].filter(Boolean).join(" ");
      for (const c of pythonCalls({ files: pyC, trees, runText, ctx: { files: g.py, read, tree, env, rel } })) raw.push({ ...c, service: g.name });
      for (const c of generatedPythonCalls(g.py, { files: g.py, read, tree, env, rel })) raw.push({ ...c, service: g.name });
    }
    const rsC = g.rs.filter((f) => RS_CALLISH.test(read(f)));
    if (rsC.length) {
      const ahead = await parseMany("rust", rsC.map(read));
      rsC.forEach((f, i) => trees.set(f, ahead[i]!.root()));
      parsed += rsC.length;
      for (const c of reqwestCalls({ files: rsC, all: g.rs, tree, read, env, rel })) raw.push({ ...c, service: g.name });
      for (const c of hyperCalls({ files: rsC, all: g.rs, tree, read, env, rel })) raw.push({ ...c, service: g.name });
      for (const c of generatedRustCalls({ files: rsC, all: g.rs, tree, read, env, rel })) raw.push({ ...c, service: g.name });
    }
    const jsC = g.js.filter((f) => !f.endsWith(".min.js") && JS_CALLISH.test(read(f)));
    if (jsC.length) {
      const parseJs = await jsTree();
      for (const f of jsC) {
        parsed++;
        for (const c of jsCalls(f, parseJs(read(f)), env)) raw.push({ ...c, service: g.name });
      }
    }
  }

  const cat = await catalogP;
  const routesBy = new Map<string, Route[]>();
  for (const r of cat.routes) {
    const list = routesBy.get(r.service);
    if (list) list.push(r);
    else routesBy.set(r.service, [r]);
  }
  const findings: Finding[] = [];
  const calls: OutboundCall[] = [];
  for (const r of raw.sort((a, b) => a.service.localeCompare(b.service) || a.file.localeCompare(b.file) || a.line - b.line)) {
    const target = toTarget(r.resolved, r.expression, addrs, r.service);
    const call: OutboundCall = {
      service: r.service,
      file: rel(r.file),
      line: r.line,
      client: r.client,
      method: r.method,
      ...(r.function ? { function: r.function } : {}),
      background: r.background,
      target,
      ...(r.timeout ? { timeout: r.timeout } : {}),
      ...(r.retry ? { retry: r.retry } : {}),
      ...(r.breaker ? { breaker: r.breaker } : {}),
      ...(r.trace ? { trace: r.trace } : {}),
    };
    const join = target.service && target.path ? joinRoute(routesBy.get(target.service) ?? [], call.method, target.path) : undefined;
    if (join && "route" in join) call.route = { method: join.route.method, path: join.route.path, handler: join.route.handler, file: join.route.file, line: join.route.line };
    calls.push(call);
    const ignored = suppressed(read(r.file), r.line);
    const hasUnresolvedRoutes = (s: string) => (routesBy.get(s) ?? []).some((x) => x.unresolved);
    findings.push(...callFindings(call, join, { hasUnresolvedRoutes }, r.noTimeoutHint).filter((f) => !ignored.has(f.rule) && !ignored.has("all")));
  }
  const graph = buildGraph(
    [...groups.values()].map((g) => g.name),
    calls,
  );
  findings.push(...graphFindings(graph, opts.fanOut ?? opts.config?.calls?.fanOut ?? 5));
  return { roots, graph, calls, findings: applyRuleLevels(findings, opts.config?.calls?.rules), routes: cat.routes, stats: { files, parsed, calls: calls.length } };
}

/** The call graph alone — services, edges with their calls, routes and safety facts — for `fks chaos` and `fks split-plan`. */
export async function buildCallGraph(opts: AuditCallsOptions): Promise<CallGraph> {
  return (await auditCalls(opts)).graph;
}

function suppressed(text: string, line: number): Set<string> {
  const lines = text.split("\n");
  const out = new Set<string>();
  for (const l of [lines[line - 1], lines[line - 2]]) {
    const m = IGNORE.exec(l ?? "");
    if (m) for (const r of m[1]!.split(/[,\s]+/).filter(Boolean)) out.add(r);
  }
  return out;
}

export { CALL_RULES, PY_CLIENTS };
export type * from "./types.js";
