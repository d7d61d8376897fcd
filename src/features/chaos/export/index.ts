import path from "node:path";
import { Document } from "yaml";
import { chaosDefaults, type ChaosSettings } from "../../../config/chaos.js";
import { FksError } from "../../../errors.js";
import { existsSync, readText, writeFileAtomic } from "../../../io/fs.js";
import type { ServiceRecord } from "../../../model.js";
import { dependencyEdges } from "../deps.js";
import { loadExperiment, type ChaosContext } from "../index.js";
import { MATRIX_FAULTS, type MatrixFault } from "../matrix.js";
import { proxySpecs } from "../plan.js";
import type { Experiment, Fault, ServiceTarget } from "../types.js";
import { chaosMeshExperiment, dnsName } from "./chaos-mesh.js";
import { chaosToolkitExperiment, type DockerRef, type ToolkitService } from "./chaostoolkit.js";
import { k8sTargets } from "./k8s-targets.js";

export type ExportTarget = "chaos-mesh" | "chaostoolkit";
export const EXPORT_TARGETS: readonly ExportTarget[] = ["chaos-mesh", "chaostoolkit"];

export interface ChaosExportOptions extends ChaosContext {
  to: ExportTarget;
  /** Experiment files or names under chaos.experiments; none and no matrix: every experiment in fks.yaml. */
  experiments: string[];
  /** Also export the matrix: every service × {stop, latency, blackhole}, one after the other. */
  matrix?: boolean;
  matrixFaults?: MatrixFault[];
  /** Matrix: how long each fault stays applied (default 5 s) and the latency of the latency fault (2 s). */
  durationMs?: number;
  latencyMs?: number;
  /** Where the files go (default ./chaos-mesh or ./chaostoolkit). */
  outDir?: string;
  /** Chaos Mesh: the namespace of the objects, and of services whose manifest names none (default "default"). */
  namespace?: string;
  dryRun?: boolean;
}

export interface ExportedFile {
  /** Relative to cwd. */
  file: string;
  experiment: string;
  content: string;
  action: "written" | "unchanged" | "planned";
}

export interface ChaosExportResult {
  to: ExportTarget;
  dryRun: boolean;
  files: ExportedFile[];
  /** What the target engine cannot express exactly, and assumed selectors. */
  notes: string[];
}

/**
 * fks chaos export: the experiments as Chaos Mesh objects or Chaos Toolkit experiments. Every
 * file's content is built (and every problem reported) before the first write; each write is
 * atomic, and a file whose content is already there is left alone. Never prints.
 */
export async function chaosExport(o: ChaosExportOptions): Promise<ChaosExportResult> {
  const settings = chaosDefaults(o.config?.chaos);
  const { discover } = await import("../../discover/index.js");
  const records = (await discover({ cwd: o.cwd, config: o.config, configDir: o.configDir })).services;
  if (!records.length) throw new FksError("no services found to export experiments for", { hint: "run fks services to see what discovery finds, or declare services in fks.yaml" });
  const names = new Set(records.map((r) => r.name));
  const experiments: Experiment[] = [];
  const refs = o.experiments.length || o.matrix ? o.experiments : Object.keys(o.config?.chaos?.experiments ?? {});
  if (!refs.length && !o.matrix) throw new FksError("nothing to export: no experiment given and none under chaos.experiments in fks.yaml", { hint: "fks chaos export <experiment.yaml> --to chaos-mesh, or --matrix" });
  for (const ref of refs) experiments.push(await loadExperiment(o, ref, settings, names));
  const notes: string[] = [];
  const built = o.to === "chaos-mesh" ? chaosMeshFiles(o, experiments, records, settings, notes) : chaosToolkitFiles(o, experiments, records, settings, notes);
  if (o.matrix) built.push(...(o.to === "chaos-mesh" ? chaosMeshFiles(o, [matrixExperiment(o, records, settings, notes, true)], records, settings, notes) : chaosToolkitFiles(o, [matrixExperiment(o, records, settings, notes, false)], records, settings, notes)));
  const seen = new Map<string, string>();
  for (const f of built) {
    const other = seen.get(f.file);
    if (other) throw new FksError(`experiments ${other} and ${f.experiment} would both be written to ${f.file}`, { hint: "give them different names (name: in the experiment file)" });
    seen.set(f.file, f.experiment);
  }
  const files: ExportedFile[] = [];
  for (const f of built) {
    const abs = path.resolve(o.cwd, f.file);
    const same = existsSync(abs) && (await readText(abs)) === f.content;
    files.push({ ...f, action: o.dryRun ? "planned" : same ? "unchanged" : "written" });
  }
  if (!o.dryRun) for (const f of files) if (f.action === "written") await writeFileAtomic(path.resolve(o.cwd, f.file), f.content);
  return { to: o.to, dryRun: !!o.dryRun, files, notes: [...new Set(notes)] };
}

type Built = Omit<ExportedFile, "action">;

function outDir(o: ChaosExportOptions): string {
  return path.relative(o.cwd, path.resolve(o.cwd, o.outDir ?? o.to)) || ".";
}

function chaosMeshFiles(o: ChaosExportOptions, experiments: Experiment[], records: ServiceRecord[], settings: ChaosSettings, notes: string[]): Built[] {
  const namespace = o.namespace ?? "default";
  const targets = k8sTargets(records, o.cwd, namespace);
  for (const t of targets) if (t.guessed) notes.push(`${t.service}: ${t.labelsFrom}`);
  const byName = new Map(targets.map((t) => [t.service, t]));
  const edges = dependencyEdges(records, settings);
  const dir = outDir(o);
  return experiments.flatMap((e) => {
    const m = chaosMeshExperiment(e, { targets: byName, edges, namespace });
    notes.push(...m.notes);
    const from = e.source ? `${e.source.file}${e.source.line && e.source.line > 1 ? `:${e.source.line}` : ""}` : "fks chaos matrix";
    const selectors = targets.map((t) => `${t.service}: ${Object.entries(t.labels).map(([k, v]) => `${k}=${v}`).join(",")} in ${t.namespace} (${t.labelsFrom})`);
    const base = dnsName(e.name);
    const header = [
      ` fks chaos export --to chaos-mesh: experiment ${e.name} (${e.mode}) from ${from}`,
      ` kubectl apply -f ${base}.workflow.yaml runs the faults with status checks of every service's /live and /ready.`,
      ...selectors.map((s) => ` selector ${s}`),
      ...m.notes.map((n) => ` note: ${n}`),
    ];
    const out: Built[] = [{ file: path.join(dir, `${base}.workflow.yaml`), experiment: e.name, content: yamlDocs([m.workflow], header) }];
    if (m.faults.length) {
      out.push({
        file: path.join(dir, `${base}.faults.yaml`),
        experiment: e.name,
        content: yamlDocs(m.faults, [` fks chaos export: the faults of experiment ${e.name}, each alone with its duration, to apply one at a time.`, ` Not together with ${base}.workflow.yaml, which injects the same faults.`]),
      });
    }
    return out;
  });
}

function yamlDocs(objects: object[], header: string[]): string {
  return objects
    .map((obj, i) => {
      const doc = new Document(obj);
      if (i === 0) doc.commentBefore = header.join("\n");
      return doc.toString({ lineWidth: 0 });
    })
    .join("---\n");
}

function chaosToolkitFiles(o: ChaosExportOptions, experiments: Experiment[], records: ServiceRecord[], settings: ChaosSettings, notes: string[]): Built[] {
  const services = new Map<string, ToolkitService>();
  for (const r of records) {
    const pinned = settings.targets[r.name]?.container ?? o.config?.services?.[r.name]?.ping?.container;
    const docker: DockerRef = pinned ? { container: pinned } : r.compose ? { composeService: r.compose.service } : { container: r.name };
    if (!pinned && !r.compose) notes.push(`${r.name}: no container name known (chaos.targets.${r.name}.container, compose): "${r.name}" assumed`);
    const hostPort = r.compose?.ports.find((p) => p.host)?.host;
    const baseUrl = r.baseUrl ?? o.config?.services?.[r.name]?.baseUrl ?? (hostPort ? `http://127.0.0.1:${hostPort}` : r.port ? `http://127.0.0.1:${r.port}` : undefined);
    services.set(r.name, { service: r.name, baseUrl, docker });
  }
  const targets: ServiceTarget[] = [...services.values()].map((s) => ({ service: s.service, baseUrl: s.baseUrl }));
  const { proxies, notes: proxyNotes } = proxySpecs(settings, targets);
  notes.push(...proxyNotes);
  if (![...services.values()].some((s) => s.baseUrl)) throw new FksError("no service has a URL for the steady-state probes", { hint: "set services.<name>.baseUrl in fks.yaml" });
  const dir = outDir(o);
  return experiments.map((e) => {
    for (const f of e.faults) {
      if (f.type !== "network" || proxies.some((p) => p.to === f.service && (!f.from || p.from === f.from))) continue;
      const where = f.source ? `${f.source.file}${f.source.line ? `:${f.source.line}` : ""}: ` : "";
      throw new FksError(`${where}fault ${f.id}: no Toxiproxy proxy into ${f.service}${f.from ? ` from ${f.from}` : ""} for Chaos Toolkit to poison`, { file: f.source?.file, line: f.source?.line, hint: `declare the edge in chaos.edges (e.g. {from: api, to: ${f.service}}); nothing was written` });
    }
    const t = chaosToolkitExperiment(e, { services, proxies, toxiproxyUrl: settings.toxiproxy });
    notes.push(...t.notes);
    return { file: path.join(dir, `${dnsName(e.name)}.json`), experiment: e.name, content: JSON.stringify(t.json, null, 2) + "\n" };
  });
}

/**
 * The matrix as one sequence experiment. Kubernetes needs no proxy for network faults; Chaos
 * Toolkit goes through Toxiproxy, so there a service without a proxy into it gets no network faults.
 */
function matrixExperiment(o: ChaosExportOptions, records: ServiceRecord[], settings: ChaosSettings, notes: string[], k8s: boolean): Experiment {
  const kinds = o.matrixFaults ?? [...MATRIX_FAULTS];
  const durationMs = o.durationMs ?? 5000;
  const { proxies } = proxySpecs(settings, records.map((r) => ({ service: r.name, baseUrl: r.baseUrl ?? o.config?.services?.[r.name]?.baseUrl })));
  const faults: Fault[] = [];
  for (const service of records.map((r) => r.name).sort()) {
    for (const kind of kinds) {
      if (kind === "stop") faults.push({ id: `stop-${service}`, type: "container", action: "stop", service, durationMs });
      else if (!k8s && !proxies.some((p) => p.to === service)) notes.push(`matrix: ${kind} ${service} left out: no Toxiproxy proxy into it (chaos.edges)`);
      else if (kind === "latency") faults.push({ id: `latency-${service}`, type: "network", toxic: "latency", service, durationMs, latencyMs: o.latencyMs ?? 2000, jitterMs: 0, stream: "downstream", toxicity: 1 });
      else faults.push({ id: `blackhole-${service}`, type: "network", toxic: "timeout", service, durationMs, timeoutMs: 0, stream: "downstream", toxicity: 1 });
    }
  }
  return {
    name: "matrix",
    description: `Every service × {${kinds.join(", ")}}, one at a time, each rolled back and recovered from before the next.`,
    mode: "sequence",
    faults,
    steadyState: { intervalMs: settings.interval, timeoutMs: settings.timeout, baselineMs: settings.baseline },
    traffic: [],
    hypothesis: { recoveryMs: settings.recovery },
  };
}
