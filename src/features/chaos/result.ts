import type { Experiment, ServiceTarget } from "./types.js";

/** What one service did in one phase, from its probe samples. */
export interface ServicePhase {
  service: string;
  samples: number;
  pass: number;
  warn: number;
  fail: number;
  /** Probes that used their whole deadline. */
  hangs: number;
  p50?: number;
  p99?: number;
  /** The worst level seen per endpoint. */
  endpoints: Record<string, "pass" | "warn" | "fail">;
}

export interface RoutePhase {
  service: string;
  path: string;
  requests: number;
  errors: number;
  errorRate: number;
  p99?: number;
  max?: number;
}

export interface PhaseSummary {
  name: string;
  kind: "baseline" | "fault" | "recovery";
  /** Fault ids applied in this phase (fault) or rolled back before it (recovery). */
  faults: string[];
  startMs: number;
  endMs: number;
  services: ServicePhase[];
  routes: RoutePhase[];
  /** recovery: time from rollback until every service passed again; undefined when it did not. */
  recoveredMs?: number;
}

export type CheckKind = "baseline" | "cascade" | "readiness" | "errors" | "latency" | "recovery" | "apply";

/** One hypothesis check; failed checks say why, cascades name the chain. */
export interface Check {
  name: string;
  kind: CheckKind;
  ok: boolean;
  phase: string;
  service?: string;
  message: string;
  /** Cascades: the faulted service first, the victim last ("data", "api"). */
  chain?: string[];
  /** Cascades: how the victim failed. */
  how?: "hang" | "fail";
  /** ms from the fault being applied to the first sample that broke the check. */
  detectedAfterMs?: number;
}

export interface AppliedFault {
  id: string;
  service: string;
  what: string;
  /** ms since start: when the fault was issued (journalled, command sent) and when the engine confirmed it. */
  issuedAtMs: number;
  appliedAtMs?: number;
  rolledBackAtMs?: number;
  error?: string;
}

export interface ChaosRunResult {
  experiment: Experiment;
  dryRun: boolean;
  targets: ServiceTarget[];
  /** One line per step of the plan, as printed before anything is applied. */
  plan: string[];
  phases: PhaseSummary[];
  checks: Check[];
  faults: AppliedFault[];
  rollback: { ms: number; failed: Array<{ id: string; error: string; command: string }> };
  /** The run ended early: a signal, the maximum duration, or a fault that could not be applied. */
  aborted?: string;
  ok: boolean;
  plannedMs: number;
  wallMs: number;
  notes: string[];
}
