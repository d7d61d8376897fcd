import { chaosDefaults } from "../../config/chaos.js";
import { FksError } from "../../errors.js";
import { chaosPlatform, dryResult, planExperiment, type ChaosContext } from "./index.js";
import { proxySpecs, serviceTargets } from "./plan.js";
import type { ChaosRunResult } from "./result.js";
import { execute, type RunHooks } from "./run.js";
import type { Experiment, Fault } from "./types.js";

export type MatrixFault = "stop" | "latency" | "blackhole";
export const MATRIX_FAULTS: readonly MatrixFault[] = ["stop", "latency", "blackhole"];

export interface MatrixCell {
  /** The faulted service itself, or what another service did meanwhile. */
  level: "faulted" | "pass" | "warn" | "fail" | "hang";
  p99?: number;
  cascade: boolean;
}

export interface MatrixRow {
  fault: string;
  service: string;
  kind: MatrixFault;
  cells: Record<string, MatrixCell>;
  /** ms from rollback until every service passed again; undefined: not within the recovery time. */
  recoveredMs?: number;
}

export interface ChaosMatrixResult extends ChaosRunResult {
  matrix: { services: string[]; rows: MatrixRow[]; skipped: string[] };
}

export interface ChaosMatrixOptions extends ChaosContext, RunHooks {
  services?: string[];
  faults?: MatrixFault[];
  /** How long each fault stays applied (default 5 s). */
  durationMs?: number;
  latencyMs?: number;
  dryRun?: boolean;
  confirm?: (plan: string[]) => Promise<boolean>;
}

/**
 * fks chaos matrix: every service × {stop, latency, blackhole}, one at a time, each rolled back
 * and recovered from before the next; the result says who went unhealthy, slow or hung under
 * which fault and how fast everything recovered.
 */
export async function chaosMatrix(o: ChaosMatrixOptions): Promise<ChaosMatrixResult> {
  const p = await chaosPlatform(o);
  const settings = chaosDefaults(o.config?.chaos);
  const { targets } = serviceTargets(p.records, o.config, settings, p.containers);
  const { proxies } = proxySpecs(settings, targets);
  const known = new Set(targets.map((t) => t.service));
  const unknown = (o.services ?? []).filter((s) => !known.has(s));
  if (unknown.length) throw new FksError(`unknown service${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, { hint: `known services: ${[...known].sort().join(", ")}` });
  const chosen = o.services?.length ? o.services : [...known].sort();
  const kinds = o.faults ?? [...MATRIX_FAULTS];
  const durationMs = o.durationMs ?? 5000;
  const faults: Fault[] = [];
  const skipped: string[] = [];
  for (const service of chosen) {
    const t = targets.find((x) => x.service === service)!;
    const proxied = proxies.some((x) => x.to === service);
    for (const kind of kinds) {
      if (kind === "stop") {
        if (t.container) faults.push({ id: `stop-${service}`, type: "container", action: "stop", service, durationMs });
        else skipped.push(`stop ${service}: no container`);
      } else if (!proxied) skipped.push(`${kind} ${service}: no Toxiproxy proxy into it (chaos.edges)`);
      else if (kind === "latency") faults.push({ id: `latency-${service}`, type: "network", toxic: "latency", service, durationMs, latencyMs: o.latencyMs ?? 2000, jitterMs: 0, stream: "downstream", toxicity: 1 });
      else faults.push({ id: `blackhole-${service}`, type: "network", toxic: "timeout", service, durationMs, timeoutMs: 0, stream: "downstream", toxicity: 1 });
    }
  }
  if (!faults.length) throw new FksError("nothing to put in the matrix: no service has a container or a proxy", { hint: skipped.slice(0, 3).join("; ") || "run the services in Docker or declare chaos.edges" });
  const experiment: Experiment = {
    name: "matrix",
    mode: "sequence",
    faults,
    steadyState: { intervalMs: settings.interval, timeoutMs: settings.timeout, baselineMs: settings.baseline },
    traffic: [],
    hypothesis: { recoveryMs: settings.recovery },
  };
  const plan = await planExperiment(o, experiment, p);
  plan.notes.push(...skipped.map((s) => `skipped ${s}`));
  const run = o.dryRun ? dryResult(plan) : o.confirm && !(await o.confirm(plan.planLines)) ? undefined : await execute(plan, o);
  if (!run) throw new FksError("not confirmed: nothing was applied", { hint: "answer y, or pass --yes in CI" });
  const services = plan.pingTargets.map((t) => t.service);
  const rows: MatrixRow[] = o.dryRun
    ? []
    : faults.flatMap((f) => {
        const phase = run.phases.find((x) => x.kind === "fault" && x.faults.includes(f.id));
        if (!phase) return [];
        const rec = run.phases.find((x) => x.kind === "recovery" && x.faults.includes(f.id));
        const cells: Record<string, MatrixCell> = {};
        for (const s of phase.services) {
          const cascade = run.checks.some((c) => c.phase === phase.name && c.service === s.service && !c.ok && c.kind === "cascade");
          const levels = Object.values(s.endpoints);
          const level: MatrixCell["level"] = s.service === f.service ? "faulted" : s.hangs ? "hang" : levels.includes("fail") ? "fail" : levels.includes("warn") ? "warn" : "pass";
          cells[s.service] = { level, p99: s.p99, cascade };
        }
        const kind: MatrixFault = f.type === "container" ? "stop" : f.toxic === "latency" ? "latency" : "blackhole";
        return [{ fault: f.id, service: f.service, kind, cells, recoveredMs: rec?.recoveredMs }];
      });
  return { ...run, matrix: { services, rows, skipped } };
}
