import type { EndpointAssertion, EndpointKey } from "../../config/ping.js";
import type { DockerHealth } from "../../io/docker.js";
import type { TransportError } from "../../io/http.js";

export type { EndpointKey };
export type Level = "pass" | "warn" | "fail";

/**
 * What one endpoint came to. Besides pass/warn/fail from the service itself, each
 * way an exchange can go wrong has its own status, so a CI log says which it was.
 */
export type EndpointStatus =
  | "pass"
  | "warn"
  | "fail"
  | "missing"
  | "http-error"
  | "invalid-body"
  | "assertion"
  | "redirect-loop"
  | "untraced"
  | "open"
  | TransportError;

export interface Target {
  service: string;
  baseUrl: string;
  /** Endpoint key → path (or a full URL for ad-hoc targets). */
  endpoints: Array<{ key: EndpointKey | "url"; path: string }>;
  /** Where the URL came from: fks.yaml, compose, k8s template, container, --url. */
  origin: string;
  /** 404 on an endpoint the user asked for is a failure; on a guessed one it is only "missing". */
  explicit: boolean;
  container?: string;
  assertions: Partial<Record<EndpointKey, EndpointAssertion>>;
}

export interface HealthCheck {
  name: string;
  status: Level;
  output?: string;
  observedValue?: unknown;
  observedUnit?: string;
}

export interface TraceOutcome {
  traceId: string;
  requestId: string;
  /** Where the service returned the ids: "header", "body", or undefined when it did not. */
  returned?: "header" | "body";
  /** --trace-downstream: a downstream call carried the trace-id with a new parent-id. */
  downstream?: "propagated" | "same-parent" | "missing";
}

export interface EndpointResult {
  service: string;
  endpoint: EndpointKey | "url";
  url: string;
  status: EndpointStatus;
  level: Level;
  /** HTTP status of the last answer, if any. */
  httpStatus?: number;
  /** One line for humans: what the status means here. */
  message: string;
  attempts: number;
  /** Latency of each attempt that got an answer, in ms. */
  latencies: number[];
  /** Wall time from the first attempt to the verdict. */
  elapsedMs: number;
  checks: HealthCheck[];
  /** Failed assertions, one line each. */
  assertions: string[];
  breaker: "closed" | "open";
  trace?: TraceOutcome;
}

export interface DockerState {
  container: string;
  state: string;
  health: DockerHealth;
  status: string;
}

export type ServiceStatus = "healthy" | "degraded" | "unhealthy";

export interface ServiceResult {
  service: string;
  baseUrl: string;
  origin: string;
  status: ServiceStatus;
  endpoints: EndpointResult[];
  latency: { p50?: number; max?: number };
  breaker: "closed" | "open";
  docker?: DockerState;
}

export interface PingResult {
  services: ServiceResult[];
  /** Rounds polled with --wait (1 without). */
  rounds: number;
  elapsedMs: number;
  ok: boolean;
  failOn: Level;
  /** Things the user should know that are not probe results: Docker unavailable, skipped services. */
  notes: string[];
}
