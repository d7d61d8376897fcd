import type { Finding, Route } from "../../model.js";
import type { RouteRulesConfig } from "../../config/routes.js";
import { applyBaseline, type Baseline } from "./baseline.js";
import { buildCatalog, type Catalog, type CatalogOptions } from "./catalog.js";
import { changeFindings, diffRoutes, type RouteChange } from "./diff.js";
import { checkRoutes, ROUTE_RULES } from "./rules.js";

export interface AuditRoutesOptions extends CatalogOptions {
  /** Rule severities and options; default: config.rules. */
  rules?: RouteRulesConfig;
  /** Findings accepted earlier; they are left out of the result. */
  baseline?: Baseline;
  /** Routes of an earlier run (`--format json` output) to classify changes against. */
  previous?: Route[];
}

export interface AuditRoutesResult {
  roots: string[];
  services: Catalog["services"];
  routes: Route[];
  /** Rule findings, change findings and extraction diagnostics, after suppressions. */
  findings: Finding[];
  diff?: RouteChange[];
  /** What service discovery could not read (malformed compose/k8s/Dockerfile, skipped files): shown, never fatal. */
  diagnostics: Finding[];
  suppressed: { inline: number; baseline: number };
  stats: Catalog["stats"];
}

/** `fks audit routes`: the static catalog, the rule findings and, given an old catalog, the changes. */
export async function auditRoutes(opts: AuditRoutesOptions): Promise<AuditRoutesResult> {
  const cat = await buildCatalog(opts);
  const rules = opts.rules ?? opts.config?.rules;
  const health = (svc: string) => ({ live: "/live", ready: "/ready", health: "/health", ...opts.config?.services?.[svc]?.health });
  let findings = checkRoutes(cat.routes, rules, { health, paramKinds: (r) => cat.paramKinds.get(r) });
  let inline = 0;
  findings = findings.filter((f) => {
    const set = f.file && f.line ? cat.suppressions.get(f.file)?.get(f.line) : undefined;
    const hit = !!set && (set.has(f.rule) || set.has("all"));
    if (hit) inline++;
    return !hit;
  });
  const diff = opts.previous ? diffRoutes(opts.previous, cat.routes) : undefined;
  if (diff) findings.push(...changeFindings(diff));
  findings.push(...cat.diagnostics);
  let baseline = 0;
  if (opts.baseline) {
    const res = applyBaseline(findings, opts.baseline);
    findings = res.kept;
    baseline = res.suppressed;
  }
  return { roots: cat.roots, services: cat.services, routes: cat.routes, findings, diff, diagnostics: cat.discovery, suppressed: { inline, baseline }, stats: cat.stats };
}

export { ROUTE_RULES, diffRoutes, type RouteChange };
export { makeBaseline, parseBaseline, type Baseline } from "./baseline.js";
