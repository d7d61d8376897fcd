import type { HttpClient } from "../../io/http.js";
import { runRound } from "../ping/run.js";
import type { Level, Target } from "../ping/types.js";
import type { TrafficSpec } from "./types.js";

/** One probe of one endpoint, stamped with the phase it started in. */
export interface Sample {
  /** ms since the experiment started. */
  t: number;
  phase: string;
  service: string;
  endpoint: string;
  level: Level;
  status: string;
  ms: number;
  httpStatus?: number;
}

export interface TrafficSample {
  t: number;
  phase: string;
  service: string;
  path: string;
  ok: boolean;
  status: string;
  ms: number;
}

/** Failures that used the whole deadline: the service did not answer, it hung. */
export const HANG = new Set(["connect-timeout", "no-response", "headers-timeout", "body-timeout"]);

/**
 * Steady state: the ping engine (one round per service every interval, no retries, a bounded
 * deadline) run on every service until stopped, plus optional traffic at a fixed rate. Each
 * service has its own loop, so a hanging one does not slow the others' sampling.
 */
export class SteadyState {
  phase = "baseline";
  readonly samples: Sample[] = [];
  readonly traffic: TrafficSample[] = [];
  private stopped = false;
  private loops: Array<Promise<void>> = [];
  private wake = new Set<() => void>();
  private roundListeners = new Set<(service: string, startedAt: number, level: Level) => void>();

  constructor(
    private readonly o: {
      http: HttpClient;
      targets: Target[];
      intervalMs: number;
      timeoutMs: number;
      traffic: TrafficSpec[];
      baseUrlOf: (service: string) => string | undefined;
      t0: number;
      onSample?: (s: Sample) => void;
    },
  ) {}

  now(): number {
    return performance.now() - this.o.t0;
  }

  start(): void {
    for (const target of this.o.targets) this.loops.push(this.probeLoop(target));
    for (const spec of this.o.traffic) this.loops.push(this.trafficLoop(spec));
  }

  /**
   * Resolves with the time taken once every service has had a round that started at or after
   * `since` and was no worse than its `allowed` level (pass, or warn for a service already
   * degraded before any fault); undefined after `withinMs` or on abort.
   */
  recovered(services: string[], since: number, withinMs: number, signal?: AbortSignal, allowed: ReadonlyMap<string, Level> = new Map()): Promise<number | undefined> {
    return new Promise((resolve) => {
      const left = new Set(services);
      let last = since;
      const done = (v: number | undefined) => {
        clearTimeout(timer);
        this.roundListeners.delete(listener);
        signal?.removeEventListener("abort", onAbort);
        resolve(v);
      };
      const rank = { pass: 0, warn: 1, fail: 2 };
      const listener = (service: string, startedAt: number, level: Level) => {
        if (startedAt < since || !left.has(service) || rank[level] > rank[allowed.get(service) ?? "pass"]) return;
        left.delete(service);
        last = Math.max(last, this.now());
        if (!left.size) done(last - since);
      };
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), withinMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.roundListeners.add(listener);
      if (!left.size) done(0);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.wake) w();
    await Promise.all(this.loops);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise((r) => {
      const done = () => {
        clearTimeout(t);
        this.wake.delete(done);
        r();
      };
      const t = setTimeout(done, ms);
      this.wake.add(done);
    });
  }

  private async probeLoop(target: Target): Promise<void> {
    while (!this.stopped) {
      const startedAt = this.now();
      const phase = this.phase;
      const [res] = await runRound([target], {
        http: this.o.http,
        timeoutMs: this.o.timeoutMs,
        retries: 0,
        timeoutRetries: 0,
        threshold: 100,
        concurrency: 8,
        maxBodyBytes: 64 * 1024,
        trace: false,
        backoff: { initialMs: 50, maxMs: 100 },
      });
      for (const e of res!.endpoints) {
        // An endpoint the service does not have (404 on a guessed path) says nothing about its health.
        if (e.status === "missing" && e.level === "pass") continue;
        const s: Sample = { t: startedAt, phase, service: target.service, endpoint: e.endpoint, level: e.level, status: e.status, ms: Math.round(e.elapsedMs), httpStatus: e.httpStatus };
        this.samples.push(s);
        this.o.onSample?.(s);
      }
      const levels = res!.endpoints.filter((e) => !(e.status === "missing" && e.level === "pass")).map((e) => e.level);
      const level: Level = levels.includes("fail") || !levels.length ? "fail" : levels.includes("warn") ? "warn" : "pass";
      for (const l of this.roundListeners) l(target.service, startedAt, level);
      await this.sleep(this.o.intervalMs - (this.now() - startedAt));
    }
  }

  private async trafficLoop(spec: TrafficSpec): Promise<void> {
    const base = this.o.baseUrlOf(spec.service);
    if (!base) return;
    const url = base.replace(/\/+$/, "") + spec.path;
    const every = 1000 / spec.rate;
    const inflight = new Set<Promise<void>>();
    let next = this.now();
    while (!this.stopped) {
      const startedAt = this.now();
      const phase = this.phase;
      if (inflight.size < 64) {
        const p = this.o.http.get(url, { timeoutMs: spec.maxLatencyMs + this.o.timeoutMs, maxBodyBytes: 256 * 1024 }).then((r) => {
          const ok = r.ok && r.status < 400;
          this.traffic.push({ t: startedAt, phase, service: spec.service, path: spec.path, ok, status: r.ok ? String(r.status) : r.error, ms: Math.round(r.ms) });
        });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      next += every;
      await this.sleep(next - this.now());
    }
    await Promise.all(inflight);
  }
}
