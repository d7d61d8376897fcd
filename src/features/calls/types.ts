import type { Finding, Route } from "../../model.js";

/** Where a target URL came from, step by step (a literal, a settings default, a compose variable …). */
export interface TargetSource {
  kind: "literal" | "constant" | "env" | "env-default" | "settings" | "base-url";
  detail: string;
  file?: string;
  line?: number;
}

/** The resolved or unresolved destination of one call. */
export interface CallTarget {
  /** The URL as far as it resolved; runtime parts spelled `{name}`. */
  url?: string;
  /** The service the host names (compose service, Kubernetes Service, localhost port). */
  service?: string;
  /** The path part, normalised like routes: `{name}` parameters, no query. */
  path?: string;
  /** The expression as written, always kept. */
  expression: string;
  /** When the target cannot be read statically: why. */
  unresolved?: string;
  /** An external host (not one of the platform's services). */
  external?: boolean;
  sources: TargetSource[];
}

export interface RetryFact {
  by: string;
  bounded: boolean;
  backoff: boolean;
  /** Retries also cover POST/PATCH (non-idempotent) requests. */
  methods?: "idempotent" | "all";
  line?: number;
}

/** One outbound HTTP call found in the code, with its safety facts. */
export interface OutboundCall {
  service: string;
  file: string;
  line: number;
  /** Client library: httpx, requests, aiohttp, urllib3, urllib, reqwest, fetch, undici, axios. */
  client: string;
  /** Upper-case method, or `<expr>` when the code chooses it at run time. */
  method: string;
  /** The enclosing function (handler) of the call. */
  function?: string;
  /** Handed to a background task (asyncio.create_task, BackgroundTasks, tokio::spawn): not part of a synchronous chain. */
  background: boolean;
  target: CallTarget;
  /** Timeout as written (`5`, `httpx.Timeout(2.0)`), `default` (the library's own), or undefined when none applies. */
  timeout?: string;
  retry?: RetryFact;
  /** What guards the call: `pybreaker`, `purgatory`, `class DataBreaker`, …. */
  breaker?: string;
  /** How trace context reaches the callee: `traceparent header`, `HTTPXClientInstrumentor`, …. */
  trace?: string;
  /** The route of the target service the call reaches. */
  route?: { method: string; path: string; handler: string; file: string; line: number };
}

/** A service-to-service edge of the call graph: every call from one service to another. */
export interface CallEdge {
  from: string;
  to: string;
  calls: OutboundCall[];
  /** Safety summary: true when every call of the edge has it. */
  safety: { timeout: boolean; retry: boolean; breaker: boolean; trace: boolean };
}

export interface CallGraph {
  services: string[];
  edges: CallEdge[];
  /** Calls whose target is another host or could not be resolved. */
  external: OutboundCall[];
  unresolved: OutboundCall[];
  /** Synchronous cycles between services, each as the list of services around it. */
  cycles: string[][];
}

export interface AuditCallsResult {
  roots: string[];
  graph: CallGraph;
  calls: OutboundCall[];
  findings: Finding[];
  routes: Route[];
  stats: { files: number; parsed: number; calls: number };
}
