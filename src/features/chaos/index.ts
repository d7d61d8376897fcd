import path from "node:path";
import { chaosDefaults, type ChaosSettings } from "../../config/chaos.js";
import type { FksConfig } from "../../config/schema.js";
import { FksError } from "../../errors.js";
import { dockerHost as dockerHostOf } from "../../io/containers.js";
import type { ContainerInfo } from "../../io/docker.js";
import { existsSync, readText } from "../../io/fs.js";
import { toxiproxy } from "../../io/toxiproxy.js";
import { parseYaml } from "../../lang/yaml/parse.js";
import type { ServiceRecord } from "../../model.js";
import { dependencyEdges } from "./deps.js";
import { experimentFromConfig, parseExperimentFile } from "./experiment.js";
import { resolveFault, rollbackJournal, type RollbackOutcome } from "./faults.js";
import { JournalFile, journalPath, readJournal } from "./journal.js";
import { checkAllowed, proxySpecs, serviceTargets } from "./plan.js";
import type { ChaosRunResult } from "./result.js";
import { describeFault, execute, plannedDuration, type RunHooks, type RunPlan } from "./run.js";
import type { Experiment, ProxySpec } from "./types.js";

export type * from "./types.js";
export type * from "./result.js";
export { parseExperimentFile } from "./experiment.js";
export { dependencyEdges, chainTo } from "./deps.js";

export interface ChaosContext {
  cwd: string;
  config?: FksConfig;
  configDir?: string;
  /** The fks.yaml read, for file:line of experiments written in it. */
  configFile?: string;
  env?: Record<string, string | undefined>;
}

export interface ChaosRunOptions extends ChaosContext, RunHooks {
  /** Add traffic to GET routes without parameters from the audit routes catalog (up to 3 per service). */
  routes?: boolean;
  /** An experiment file, or the name of one under chaos.experiments. */
  experiment: string | Experiment;
  dryRun?: boolean;
  /** Asked with the plan before anything is applied; false stops with nothing applied. */
  confirm?: (plan: string[]) => Promise<boolean>;
}

interface Platform {
  settings: ChaosSettings;
  records: ServiceRecord[];
  containers: ContainerInfo[];
  dockerNote?: string;
}

async function platform(c: ChaosContext): Promise<Platform> {
  const settings = chaosDefaults(c.config?.chaos);
  const { discover } = await import("../discover/index.js");
  const records = (await discover({ cwd: c.cwd, config: c.config, configDir: c.configDir })).services;
  const env = c.env ?? process.env;
  let containers: ContainerInfo[] = [];
  let dockerNote: string | undefined;
  if (env.DOCKER_HOST || existsSync("/var/run/docker.sock")) {
    const { listContainers } = await import("../../io/docker.js");
    const r = await listContainers({ timeoutMs: 3000, inspectHostNetwork: true });
    if (r.ok) containers = r.containers;
    else dockerNote = r.reason;
  } else dockerNote = "no Docker engine (DOCKER_HOST unset, no /var/run/docker.sock): container faults unavailable";
  return { settings, records, containers, dockerNote };
}

/** Reads the experiment: a file path, or a name under chaos.experiments in fks.yaml. */
export async function loadExperiment(c: ChaosContext, ref: string, settings: ChaosSettings, services: ReadonlySet<string>): Promise<Experiment> {
  const inConfig = c.config?.chaos?.experiments?.[ref];
  const file = path.resolve(c.cwd, ref);
  if (!inConfig || existsSync(file)) {
    if (!existsSync(file)) {
      const names = Object.keys(c.config?.chaos?.experiments ?? {});
      throw new FksError(`no experiment file ${ref}${names.length ? " and no such experiment in fks.yaml" : ""}`, { hint: names.length ? `run one of: ${names.join(", ")}, or give a file` : "write an experiment file (see fks chaos run --help)" });
    }
    return parseExperimentFile(await readText(file), path.relative(c.cwd, file) || ref, { settings, services });
  }
  const shown = c.configFile ? path.relative(c.cwd, c.configFile) || "fks.yaml" : "fks.yaml";
  let doc, lineOfNode;
  if (c.configFile) {
    const p = parseYaml(await readText(c.configFile), shown);
    doc = p.docs[0];
    lineOfNode = p.lineOf;
  }
  return experimentFromConfig(ref, inConfig, { settings, services, file: shown, doc, lineOfNode });
}

/** Builds the plan: targets, faults resolved to containers and proxies, safety checks. Applies nothing. */
export async function planExperiment(c: ChaosContext & { routes?: boolean }, ref: string | Experiment, p?: Platform): Promise<RunPlan> {
  p ??= await platform(c);
  const names = new Set(p.records.map((r) => r.name));
  const experiment = typeof ref === "string" ? await loadExperiment(c, ref, p.settings, names) : ref;
  const { targets, ping, notes } = serviceTargets(p.records, c.config, p.settings, p.containers);
  if (c.routes) experiment.traffic.push(...(await catalogTraffic(c, p, ping.map((t) => t.service), experiment)));
  if (p.dockerNote) notes.push(p.dockerNote);
  const byName = new Map(targets.map((t) => [t.service, t]));
  const { proxies, notes: proxyNotes } = proxySpecs(p.settings, targets);
  notes.push(...proxyNotes);
  const resolved = experiment.faults.map((f) => resolveFault(f, byName, proxies));
  const missing = resolved.filter((r) => r.unavailable);
  if (missing.length) {
    const r = missing[0]!;
    const where = r.fault.source ? `${r.fault.source.file}${r.fault.source.line ? `:${r.fault.source.line}` : ""}: ` : "";
    throw new FksError(`${where}fault ${r.fault.id}: ${r.unavailable}`, { hint: missing.length > 1 ? `${missing.length - 1} more fault(s) cannot be applied either` : "nothing was applied", file: r.fault.source?.file, line: r.fault.source?.line });
  }
  if (!ping.length) throw new FksError("no service has a URL to probe for the steady state", { hint: "set services.<name>.baseUrl in fks.yaml or label the containers fks.port=<port>" });
  const dockerHost = dockerHostOf(c.env ?? process.env);
  checkAllowed(dockerHost, p.settings, resolved.some((r) => r.fault.type === "container"));
  const plannedMs = plannedDuration(experiment);
  const recovery = experiment.hypothesis.recoveryMs * (experiment.mode === "together" ? 1 : experiment.faults.length);
  if (plannedMs + recovery > p.settings.maxDuration) {
    throw new FksError(`experiment ${experiment.name} may take ${Math.round((plannedMs + recovery) / 1000)} s (faults, baseline and recovery), more than chaos.maxDuration ${p.settings.maxDuration / 1000} s`, { hint: "shorten the faults or raise chaos.maxDuration in fks.yaml" });
  }
  const planLines = [
    `experiment ${experiment.name} (${experiment.mode}, ${experiment.faults.length} fault${experiment.faults.length > 1 ? "s" : ""}, about ${Math.round(plannedMs / 1000)} s plus recovery)`,
    `docker host ${dockerHost}${resolved.some((r) => r.fault.type === "network") ? `; toxiproxy ${p.settings.toxiproxy}` : ""}`,
    `steady state: ${ping.map((t) => `${t.service} ${t.baseUrl}`).join(", ")} every ${experiment.steadyState.intervalMs} ms`,
    ...resolved.map((r, i) => `${i + 1}. ${r.fault.id}: ${describeFault(r)}`),
    ...experiment.traffic.map((t) => `traffic: ${t.method} ${t.service} ${t.path} at ${t.rate}/s, within ${t.maxLatencyMs} ms, error budget ${Math.round(t.errorBudget * 100)}%${t.source?.file === "fks audit routes" ? " (from fks audit routes)" : ""}`),
  ];
  return {
    experiment,
    targets,
    pingTargets: ping,
    edges: dependencyEdges(p.records, p.settings),
    resolved,
    journalFile: journalPath(c.configDir ?? c.cwd, p.settings.journal),
    dockerHost,
    toxiproxyUrl: p.settings.toxiproxy,
    maxDurationMs: p.settings.maxDuration,
    plannedMs,
    planLines,
    notes,
  };
}

/** Traffic to GET routes without parameters from the static route catalog, health endpoints left out. */
async function catalogTraffic(c: ChaosContext, p: Platform, probed: string[], e: Experiment): Promise<Experiment["traffic"]> {
  const { buildCatalog } = await import("../routes/catalog.js");
  const cat = await buildCatalog({ cwd: c.cwd, config: c.config, configDir: c.configDir, discovered: p.records });
  const out: Experiment["traffic"] = [];
  for (const service of probed) {
    const health = new Set(Object.values({ live: "/live", ready: "/ready", health: "/health", ...c.config?.services?.[service]?.health }));
    const picked = [...new Set(cat.routes.filter((r) => r.service === service && (r.method === "GET" || r.method === "ANY") && !r.path.includes("{") && !health.has(r.path)).map((r) => r.path))].sort().slice(0, 3);
    for (const path of picked) {
      if (e.traffic.some((t) => t.service === service && t.path === path)) continue;
      out.push({ service, method: "GET", path, rate: 2, maxLatencyMs: p.settings.callerTimeout + p.settings.latencyMargin, errorBudget: 0.05, source: { file: "fks audit routes" } });
    }
  }
  return out;
}

/** fks chaos run: plans, asks, runs, always rolls back; never prints. */
export async function chaosRun(o: ChaosRunOptions): Promise<ChaosRunResult> {
  const plan = await planExperiment(o, o.experiment);
  if (o.routes && !plan.experiment.traffic.length) plan.notes.push("--routes: the route catalog has no GET route without parameters on a probed service");
  if (o.dryRun) return dryResult(plan);
  if (o.confirm && !(await o.confirm(plan.planLines))) throw new FksError("not confirmed: nothing was applied", { hint: "answer y, or pass --yes in CI" });
  return execute(plan, o);
}

export function dryResult(plan: RunPlan): ChaosRunResult {
  return { experiment: plan.experiment, dryRun: true, targets: plan.targets, plan: plan.planLines, phases: [], checks: [], faults: [], rollback: { ms: 0, failed: [] }, ok: true, plannedMs: plan.plannedMs, wallMs: 0, notes: plan.notes };
}

export interface ChaosRollbackResult {
  journal?: string;
  experiment?: string;
  outcome: RollbackOutcome;
}

/** fks chaos rollback: undoes what a journal left behind (fks killed mid-fault). */
export async function chaosRollback(c: ChaosContext): Promise<ChaosRollbackResult> {
  const settings = chaosDefaults(c.config?.chaos);
  const file = journalPath(c.configDir ?? c.cwd, settings.journal);
  const j = await readJournal(file);
  if (!j) return { outcome: { undone: [], failed: [] } };
  const jf = new JournalFile(file, j);
  return { journal: file, experiment: j.experiment, outcome: await rollbackJournal(jf, toxiproxy(j.toxiproxy)) };
}

export interface ChaosProxiesResult {
  toxiproxy: string;
  proxies: Array<ProxySpec & { action: "created" | "updated" | "unchanged" | "planned" }>;
  notes: string[];
}

/** fks chaos proxies: one Toxiproxy proxy per edge in chaos.edges (idempotent). */
export async function chaosProxies(c: ChaosContext & { dryRun?: boolean }): Promise<ChaosProxiesResult> {
  const p = await platform(c);
  const { targets } = serviceTargets(p.records, c.config, p.settings, p.containers);
  const { proxies, notes } = proxySpecs(p.settings, targets);
  if (!proxies.length) throw new FksError("no edges to proxy: chaos.edges is empty", { hint: "declare edges in fks.yaml, e.g. chaos: {edges: [{from: api, to: data}]}" });
  if (c.dryRun) return { toxiproxy: p.settings.toxiproxy, proxies: proxies.map((x) => ({ ...x, action: "planned" as const })), notes };
  const tp = toxiproxy(p.settings.toxiproxy);
  let existing;
  try {
    existing = await tp.proxies();
  } catch (e) {
    throw new FksError((e as Error).message, { hint: "start Toxiproxy (toxiproxy-server) or set chaos.toxiproxy in fks.yaml" });
  }
  const out: ChaosProxiesResult["proxies"] = [];
  for (const x of proxies) {
    const have = existing[x.name];
    if (!have) {
      await tp.createProxy({ name: x.name, listen: x.listen, upstream: x.upstream });
      out.push({ ...x, action: "created" });
    } else if (have.upstream !== x.upstream || !sameListen(have.listen, x.listen) || !have.enabled) {
      await tp.updateProxy(x.name, { listen: x.listen, upstream: x.upstream, enabled: true });
      out.push({ ...x, action: "updated" });
    } else out.push({ ...x, action: "unchanged" });
  }
  return { toxiproxy: p.settings.toxiproxy, proxies: out, notes };
}

function sameListen(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^(localhost|\[::\]|0\.0\.0\.0):/, "127.0.0.1:");
  return norm(a) === norm(b);
}

export { platform as chaosPlatform, type Platform };
