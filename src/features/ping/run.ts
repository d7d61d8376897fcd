import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";
import type { ContainerInfo } from "../../io/docker.js";
import type { CaptureServer, HttpClient } from "../../io/http.js";
import { atLeast, worst } from "./health.js";
import { probeEndpoint, type ProbeContext } from "./probe.js";
import { downstreamVerdict } from "./trace.js";
import type { DockerState, EndpointResult, Level, ServiceResult, ServiceStatus, Target } from "./types.js";

export interface RoundOptions {
  http: HttpClient;
  timeoutMs: number;
  retries: number;
  timeoutRetries: number;
  threshold: number;
  concurrency: number;
  maxBodyBytes: number;
  token?: string;
  trace: boolean;
  capture?: CaptureServer;
  backoff: { initialMs: number; maxMs: number };
  containers?: ContainerInfo[];
  onEndpoint?: (r: EndpointResult) => void;
  onService?: (r: ServiceResult) => void;
}

/**
 * One pass over every target. All endpoints of all services start at once (bounded by
 * concurrency), so a dead service costs one deadline: its endpoints fail together, its
 * breaker opens, and the retries that follow are short-circuited instead of waiting again.
 */
export async function runRound(targets: Target[], o: RoundOptions): Promise<ServiceResult[]> {
  const ctx: ProbeContext = {
    http: o.http,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    timeoutRetries: o.timeoutRetries,
    maxBodyBytes: o.maxBodyBytes,
    token: o.token,
    trace: o.trace,
    slot: limiter(o.concurrency),
    backoff: o.backoff,
  };
  return Promise.all(
    targets.map(async (t) => {
      // Open for the rest of the round: a dead service is not worth a second look until the next one.
      const breaker = circuitBreaker(handleAll, { halfOpenAfter: 24 * 3600_000, breaker: new ConsecutiveBreaker(o.threshold) });
      const probed = await Promise.all(
        shareRequests(t).map(async ({ ep, also }) => {
          const { result: r, traceState } = await probeEndpoint(ctx, t, ep, breaker);
          if (traceState && o.capture && r.trace) {
            r.trace.downstream = downstreamVerdict(traceState, o.capture.requests);
            if (r.trace.downstream !== "propagated" && r.level !== "fail" && r.status !== "missing") {
              r.status = "untraced";
              r.level = "fail";
              r.message = r.trace.downstream === "missing" ? "no downstream call carried the trace-id" : "downstream call kept the caller's parent-id (no new span)";
            }
          }
          const all = [r, ...also.map((endpoint) => ({ ...r, endpoint }))];
          for (const x of all) o.onEndpoint?.(x);
          return all;
        }),
      );
      const order = t.endpoints.map((e) => e.key);
      const endpoints = probed.flat().sort((a, b) => order.indexOf(a.endpoint) - order.indexOf(b.endpoint));
      const res = serviceResult(t, endpoints, o.containers, breaker.state === CircuitState.Open);
      o.onService?.(res);
      return res;
    }),
  );
}

/**
 * Endpoints on one path without assertions of their own share one request: Kubernetes manifests
 * often point liveness and readiness at the same /healthz. The health key makes the request when
 * it is among them, since it alone carries the token.
 */
function shareRequests(t: Target): Array<{ ep: Target["endpoints"][number]; also: Array<Target["endpoints"][number]["key"]> }> {
  const out: Array<{ ep: Target["endpoints"][number]; also: Array<Target["endpoints"][number]["key"]> }> = [];
  const byPath = new Map<string, (typeof out)[number]>();
  for (const ep of t.endpoints) {
    const own = ep.key !== "url" && !!t.assertions[ep.key];
    const g = own ? undefined : byPath.get(ep.path);
    if (!g) {
      const n = { ep, also: [] };
      out.push(n);
      if (!own) byPath.set(ep.path, n);
    } else if (ep.key === "health") {
      g.also.push(g.ep.key);
      g.ep = ep;
    } else g.also.push(ep.key);
  }
  return out;
}

export function serviceResult(t: Target, endpoints: EndpointResult[], containers?: ContainerInfo[], open = false): ServiceResult {
  // Endpoints that shared a request share its latencies array: count each request once.
  const lat = [...new Set(endpoints.map((e) => e.latencies))].flat().sort((a, b) => a - b);
  const answered = endpoints.filter((e) => !(e.status === "missing" && e.level === "pass"));
  let level: Level = worst(answered.map((e) => e.level)) ?? "fail";
  const docker = dockerState(t.container, containers);
  // A container Docker itself calls unhealthy is at least degraded, whatever HTTP said.
  if (docker && level === "pass" && (docker.health === "unhealthy" || docker.state !== "running")) level = "warn";
  const status: ServiceStatus = level === "pass" ? "healthy" : level === "warn" ? "degraded" : "unhealthy";
  return {
    service: t.service,
    baseUrl: t.baseUrl,
    origin: t.origin,
    status,
    endpoints,
    latency: lat.length ? { p50: lat[Math.floor((lat.length - 1) / 2)], max: lat[lat.length - 1] } : {},
    breaker: open || endpoints.some((e) => e.breaker === "open") ? "open" : "closed",
    docker,
  };
}

function dockerState(name: string | undefined, containers: ContainerInfo[] | undefined): DockerState | undefined {
  if (!name || !containers) return undefined;
  const c = containers.find((x) => x.name === name || x.id.startsWith(name));
  if (!c) return { container: name, state: "absent", health: "none", status: "no such container" };
  return { container: c.name, state: c.state, health: c.health, status: c.status };
}

export function failing(s: ServiceResult, failOn: Level): boolean {
  const level: Level = s.status === "healthy" ? "pass" : s.status === "degraded" ? "warn" : "fail";
  return atLeast(level, failOn) && level !== "pass";
}

function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
