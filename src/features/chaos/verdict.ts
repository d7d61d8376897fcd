import { chainTo, edgeOf } from "./deps.js";
import type { Check, PhaseSummary, RoutePhase, ServicePhase } from "./result.js";
import { HANG, type Sample, type TrafficSample } from "./steady.js";
import type { DependencyEdge, Experiment, TrafficSpec } from "./types.js";

export interface PhaseWindow {
  name: string;
  kind: PhaseSummary["kind"];
  faults: string[];
  /** Services faulted during this phase. */
  faulted: string[];
  startMs: number;
  endMs: number;
  appliedAtMs?: number;
  recoveredMs?: number;
}

export function summarise(w: PhaseWindow, samples: Sample[], traffic: TrafficSample[], services: string[]): PhaseSummary {
  const mine = samples.filter((s) => s.phase === w.name);
  const out: ServicePhase[] = services.map((service) => {
    const ss = mine.filter((s) => s.service === service);
    const lat = ss.map((s) => s.ms).sort((a, b) => a - b);
    const endpoints: ServicePhase["endpoints"] = {};
    for (const s of ss) endpoints[s.endpoint] = worse(endpoints[s.endpoint], s.level);
    return {
      service,
      samples: ss.length,
      pass: ss.filter((s) => s.level === "pass").length,
      warn: ss.filter((s) => s.level === "warn").length,
      fail: ss.filter((s) => s.level === "fail").length,
      hangs: ss.filter((s) => HANG.has(s.status)).length,
      p50: pct(lat, 0.5),
      p99: pct(lat, 0.99),
      endpoints,
    };
  });
  const routes: RoutePhase[] = [];
  for (const t of traffic.filter((x) => x.phase === w.name)) {
    let r = routes.find((x) => x.service === t.service && x.path === t.path);
    if (!r) routes.push((r = { service: t.service, path: t.path, requests: 0, errors: 0, errorRate: 0 }));
    r.requests++;
    if (!t.ok) r.errors++;
  }
  for (const r of routes) {
    const lat = traffic.filter((x) => x.phase === w.name && x.service === r.service && x.path === r.path).map((x) => x.ms).sort((a, b) => a - b);
    r.errorRate = r.requests ? r.errors / r.requests : 0;
    r.p99 = pct(lat, 0.99);
    r.max = lat[lat.length - 1];
  }
  return { name: w.name, kind: w.kind, faults: w.faults, startMs: Math.round(w.startMs), endMs: Math.round(w.endMs), services: out, routes, recoveredMs: w.recoveredMs === undefined ? undefined : Math.round(w.recoveredMs) };
}

/**
 * The hypothesis, judged on a fault phase: the faulted services may fail; every other service's
 * /live stays pass and nothing hangs; /ready (and /health) of a caller may fail only when its edge
 * to the faulted service is critical, and may not fail at all on a service that does not depend
 * on it. A broken /live, a hang or a failure without a dependency is a cascade and names its chain.
 */
export function judgeFaultPhase(w: PhaseWindow, samples: Sample[], services: string[], edges: DependencyEdge[]): Check[] {
  const checks: Check[] = [];
  const mine = samples.filter((s) => s.phase === w.name);
  for (const service of services) {
    if (w.faulted.includes(service)) continue;
    const name = `${service} keeps serving while ${w.faulted.join(", ")} ${w.faulted.length > 1 ? "are" : "is"} faulted (${w.name})`;
    let broke: Check | undefined;
    for (const s of mine.filter((x) => x.service === service).sort((a, b) => a.t - b.t)) {
      if (s.level !== "fail") continue;
      const hang = HANG.has(s.status);
      const { chain, critical } = bestChain(edges, w.faulted, service);
      const after = w.appliedAtMs === undefined ? undefined : Math.max(0, Math.round(s.t + s.ms - w.appliedAtMs));
      const what = `${service} /${s.endpoint} ${hang ? `hung (${s.status} after ${s.ms} ms)` : `failed (${s.status}${s.httpStatus ? ` ${s.httpStatus}` : ""})`}`;
      if (hang || s.endpoint === "live" || !chain) {
        const via = chain ? chain.join(" → ") : `${w.faulted[0]} ⇢ ${service} (${service} does not depend on ${w.faulted.join(", ")})`;
        broke = { name, kind: "cascade", ok: false, phase: w.name, service, chain: chain ?? [w.faulted[0]!, service], how: hang ? "hang" : "fail", message: `cascade ${via}: ${what}`, detectedAfterMs: after };
        break;
      }
      if (!critical && !broke) {
        broke = { name, kind: "readiness", ok: false, phase: w.name, service, chain, message: `${what} although its dependency on ${chain[chain.length - 2]} is not critical — degrade (warn) instead, or mark the edge critical in chaos.edges`, detectedAfterMs: after };
      }
    }
    checks.push(broke ?? { name, kind: "cascade", ok: true, phase: w.name, service, message: "no cascade" });
  }
  return checks;
}

export function judgeTraffic(w: PhaseWindow, summary: PhaseSummary, traffic: TrafficSpec[]): Check[] {
  const out: Check[] = [];
  for (const spec of traffic) {
    if (w.faulted.includes(spec.service)) continue;
    const r = summary.routes.find((x) => x.service === spec.service && x.path === spec.path);
    const label = `${spec.method} ${spec.service}${spec.path}`;
    if (!r || !r.requests) continue;
    const errOk = r.errorRate <= spec.errorBudget;
    out.push({ name: `${label} within its error budget (${w.name})`, kind: "errors", ok: errOk, phase: w.name, service: spec.service, message: errOk ? `${r.errors}/${r.requests} failed` : `${r.errors} of ${r.requests} requests failed (${pctText(r.errorRate)} > budget ${pctText(spec.errorBudget)})` });
    const latOk = (r.p99 ?? 0) <= spec.maxLatencyMs;
    out.push({ name: `${label} within ${spec.maxLatencyMs} ms (${w.name})`, kind: "latency", ok: latOk, phase: w.name, service: spec.service, message: latOk ? `p99 ${r.p99} ms` : `p99 ${r.p99} ms > ${spec.maxLatencyMs} ms (the caller's timeout plus margin)` });
  }
  return out;
}

export function judgeBaseline(summary: PhaseSummary): Check[] {
  return summary.services.map((s) => {
    const bad = Object.entries(s.endpoints).filter(([, l]) => l === "fail");
    const ok = s.samples > 0 && !bad.length;
    return {
      name: `${s.service} healthy before any fault`,
      kind: "baseline" as const,
      ok,
      phase: summary.name,
      service: s.service,
      message: ok ? "steady state holds" : s.samples ? `${bad.map(([e]) => `/${e}`).join(", ")} failing before any fault — fix that first; the experiment was not run` : "no probe answered before any fault",
    };
  });
}

export function judgeRecovery(w: PhaseWindow, recoveryMs: number): Check {
  const ok = w.recoveredMs !== undefined;
  return {
    name: `everything back to its steady state within ${recoveryMs} ms after rollback of ${w.faults.join(", ")}`,
    kind: "recovery",
    ok,
    phase: w.name,
    message: ok ? `recovered in ${Math.round(w.recoveredMs!)} ms` : `not every service was back to its steady state (as before any fault) within ${recoveryMs} ms after rollback`,
  };
}

/** The chain from a faulted service to the victim, and whether the victim's own edge on it is critical. */
function bestChain(edges: DependencyEdge[], faulted: string[], victim: string): { chain?: string[]; critical: boolean } {
  let best: string[] | undefined;
  for (const f of faulted) {
    const c = chainTo(edges, f, victim);
    if (c && (!best || c.length < best.length)) best = c;
  }
  if (!best) return { critical: false };
  // Every hop critical: a caller may be unready when what it critically needs is unready.
  let critical = true;
  for (let i = 1; i < best.length; i++) critical &&= !!edgeOf(edges, best[i]!, best[i - 1]!)?.critical;
  return { chain: best, critical };
}

function worse(a: "pass" | "warn" | "fail" | undefined, b: "pass" | "warn" | "fail"): "pass" | "warn" | "fail" {
  const rank = { pass: 0, warn: 1, fail: 2 };
  return !a || rank[b] > rank[a] ? b : a;
}

function pct(sorted: number[], q: number): number | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function pctText(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export type { Experiment };
