import { toxiproxy } from "../../io/toxiproxy.js";
import type { Target } from "../ping/types.js";
import { applyFault, rollbackJournal, type ResolvedFault } from "./faults.js";
import { JournalFile } from "./journal.js";
import type { AppliedFault, ChaosRunResult, Check, PhaseSummary } from "./result.js";
import { SteadyState, type Sample } from "./steady.js";
import type { DependencyEdge, Experiment, ServiceTarget } from "./types.js";
import { judgeBaseline, judgeFaultPhase, judgeRecovery, judgeTraffic, summarise, type PhaseWindow } from "./verdict.js";

export interface RunPlan {
  experiment: Experiment;
  targets: ServiceTarget[];
  pingTargets: Target[];
  edges: DependencyEdge[];
  resolved: ResolvedFault[];
  journalFile: string;
  dockerHost: string;
  toxiproxyUrl: string;
  maxDurationMs: number;
  plannedMs: number;
  planLines: string[];
  notes: string[];
}

export interface RunHooks {
  signal?: AbortSignal;
  onPhase?: (name: string, kind: PhaseSummary["kind"]) => void;
  onSample?: (s: Sample) => void;
  onFault?: (f: AppliedFault, event: "applied" | "rolled-back") => void;
}

/** Fault groups in the order they run: one per fault in sequence mode, one for all together. */
export function groupsOf(e: Experiment, resolved: ResolvedFault[]): ResolvedFault[][] {
  return e.mode === "together" ? [resolved] : resolved.map((r) => [r]);
}

export function plannedDuration(e: Experiment): number {
  const faults = e.mode === "together" ? [Math.max(...e.faults.map((f) => f.durationMs))] : e.faults.map((f) => f.durationMs);
  return e.steadyState.baselineMs + faults.reduce((a, b) => a + b, 0);
}

/**
 * Runs a planned experiment: baseline, then per fault group apply (journalled first), hold,
 * roll back, wait for recovery. Whatever happens — a failed apply, an exception, the signal
 * (SIGINT/SIGTERM in the CLI), the maximum duration — everything applied is rolled back
 * before this returns.
 */
export async function execute(plan: RunPlan, hooks: RunHooks = {}): Promise<ChaosRunResult> {
  const e = plan.experiment;
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const services = plan.pingTargets.map((t) => t.service);
  const tp = toxiproxy(plan.toxiproxyUrl);
  const journal = await JournalFile.open(plan.journalFile, { pid: process.pid, experiment: e.name, dockerHost: plan.dockerHost, toxiproxy: plan.toxiproxyUrl });
  const stop = new AbortController();
  let aborted: string | undefined;
  const abort = (why: string) => {
    aborted ??= why;
    stop.abort();
  };
  const onSignal = () => abort("interrupted");
  hooks.signal?.addEventListener("abort", onSignal, { once: true });
  if (hooks.signal?.aborted) abort("interrupted");
  const maxTimer = setTimeout(() => abort(`maximum duration of ${plan.maxDurationMs} ms reached (chaos.maxDuration)`), plan.maxDurationMs);

  const { createHttpClient } = await import("../../io/http.js");
  const http = await createHttpClient({ connectTimeoutMs: e.steadyState.timeoutMs });
  const urls = new Map(plan.pingTargets.map((t) => [t.service, t.baseUrl]));
  const steady = new SteadyState({ http, targets: plan.pingTargets, intervalMs: e.steadyState.intervalMs, timeoutMs: e.steadyState.timeoutMs, traffic: e.traffic, baseUrlOf: (s) => urls.get(s), t0, onSample: hooks.onSample });
  const windows: PhaseWindow[] = [];
  const checks: Check[] = [];
  const faults: AppliedFault[] = [];
  const rollback: ChaosRunResult["rollback"] = { ms: 0, failed: [] };
  let current: PhaseWindow | undefined;
  const enter = (w: Omit<PhaseWindow, "startMs" | "endMs">) => {
    if (current) current.endMs = now();
    current = { ...w, startMs: now(), endMs: now() };
    windows.push(current);
    steady.phase = w.name;
    hooks.onPhase?.(w.name, w.kind);
    return current;
  };
  const doRollback = async () => {
    const t = performance.now();
    const r = await rollbackJournal(journal, tp);
    rollback.ms += performance.now() - t;
    // The latest attempt says what is still left: a later retry may have finished an earlier failure.
    rollback.failed = r.failed.map((f) => ({ id: f.entry.id, error: f.error, command: f.command }));
    if (r.failed.length) abort(`rollback of ${r.failed.map((f) => f.entry.id).join(", ")} failed`);
    for (const u of r.undone) {
      const af = faults.find((x) => x.id === u.entry.id);
      if (af && af.rolledBackAtMs === undefined) {
        af.rolledBackAtMs = Math.round(now());
        hooks.onFault?.(af, "rolled-back");
      }
    }
    return r;
  };

  try {
    steady.start();
    enter({ name: "baseline", kind: "baseline", faults: [], faulted: [] });
    await sleep(e.steadyState.baselineMs, stop.signal);
    // Every service needs at least one answered round before the baseline can be judged.
    await steady.recovered(services, 0, e.steadyState.timeoutMs * 2, stop.signal).catch(() => undefined);
    const base = windows[0]!;
    base.endMs = now();
    const baseSummary = summarise(base, steady.samples, steady.traffic, services);
    const baseChecks = judgeBaseline(baseSummary);
    // Recovery means back to how each service was before any fault: pass, or warn if it was already degraded.
    const allowed = new Map(baseSummary.services.map((s) => [s.service, Object.values(s.endpoints).includes("warn") ? ("warn" as const) : ("pass" as const)]));
    checks.push(...baseChecks);
    if (baseChecks.some((c) => !c.ok)) abort("the steady state did not hold before any fault");

    for (const group of groupsOf(e, plan.resolved)) {
      if (aborted) break;
      const ids = group.map((g) => g.fault.id);
      const w = enter({ name: `fault:${ids.join("+")}`, kind: "fault", faults: ids, faulted: [...new Set(group.map((g) => g.fault.service))] });
      for (const r of group) {
        const af: AppliedFault = { id: r.fault.id, service: r.fault.service, what: describeFault(r), issuedAtMs: Math.round(now()) };
        faults.push(af);
        try {
          await applyFault(r, journal, tp);
          af.appliedAtMs = Math.round(now());
          hooks.onFault?.(af, "applied");
        } catch (err) {
          af.error = (err as Error).message;
          checks.push({ name: `apply ${r.fault.id}`, kind: "apply", ok: false, phase: w.name, service: r.fault.service, message: `could not apply: ${af.error}` });
          abort(`fault ${r.fault.id} could not be applied`);
          break;
        }
      }
      // Detection is timed from the moment the fault was issued: a stop takes effect while the engine is still stopping.
      const applied = faults.filter((f) => ids.includes(f.id) && f.appliedAtMs !== undefined).map((f) => f.issuedAtMs);
      w.appliedAtMs = applied.length ? Math.min(...applied) : undefined;
      if (!aborted) await sleep(Math.max(...group.map((g) => g.fault.durationMs)), stop.signal);
      await doRollback();
      if (aborted) break;
      const rec = enter({ name: `recovery:${ids.join("+")}`, kind: "recovery", faults: ids, faulted: [] });
      rec.recoveredMs = await steady.recovered(services, now(), e.hypothesis.recoveryMs, stop.signal, allowed);
      if (!aborted) checks.push(judgeRecovery(rec, e.hypothesis.recoveryMs));
    }
  } finally {
    clearTimeout(maxTimer);
    hooks.signal?.removeEventListener("abort", onSignal);
    // Roll back first, then wait for probes still in flight: restoring the platform cannot wait on a hung probe.
    if (journal.journal.entries.some((x) => x.state !== "undone")) await doRollback().catch(() => undefined);
    if (current) current.endMs = now();
    await steady.stop();
    await http.close();
  }

  const summaries = windows.map((w) => summarise(w, steady.samples, steady.traffic, services));
  windows.forEach((w, i) => {
    if (w.kind !== "fault") return;
    checks.push(...judgeFaultPhase(w, steady.samples, services, plan.edges), ...judgeTraffic(w, summaries[i]!, e.traffic));
  });
  const ok = !aborted && !rollback.failed.length && checks.every((c) => c.ok);
  return {
    experiment: e,
    dryRun: false,
    targets: plan.targets,
    plan: plan.planLines,
    phases: summaries,
    checks,
    faults,
    rollback: { ms: Math.round(rollback.ms), failed: rollback.failed },
    aborted,
    ok,
    plannedMs: plan.plannedMs,
    wallMs: Math.round(now()),
    notes: plan.notes,
  };
}

export function describeFault(r: ResolvedFault): string {
  const f = r.fault;
  const dur = `${f.durationMs / 1000}s`;
  if (f.type === "container") return `${f.action}${f.signal ? ` (${f.signal})` : ""} container ${r.container ?? "?"} for ${dur}`;
  const what =
    f.toxic === "latency" ? `latency ${f.latencyMs} ms${f.jitterMs ? ` ± ${f.jitterMs} ms` : ""}`
    : f.toxic === "timeout" ? (f.timeoutMs ? `timeout after ${f.timeoutMs} ms` : "blackhole")
    : f.toxic === "bandwidth" ? `bandwidth ${f.rateKBps} KB/s`
    : f.toxic === "down" ? "proxy down"
    : f.toxic;
  return `${what} on ${r.proxies.length ? r.proxies.join(", ") : `edges into ${f.service}`} for ${dur}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
