import type { EndpointAssertion } from "../../config/ping.js";
import type { HttpResponse } from "../../io/http.js";
import { checkAssertions } from "./assert.js";
import { parseHealth } from "./health.js";
import { traceReturned, type Trace } from "./trace.js";
import type { EndpointStatus, HealthCheck, Level, TraceOutcome } from "./types.js";

export interface Verdict {
  status: EndpointStatus;
  level: Level;
  message: string;
  checks: HealthCheck[];
  assertions: string[];
  /** Worth another attempt: the service may still be starting. A 404 or a TLS mismatch is not. */
  retry: boolean;
  trace?: TraceOutcome;
}

/** Judges one HTTP answer: the status code, the health body, assertions and the trace. */
export function evaluate(r: HttpResponse, o: { explicit: boolean; assertion?: EndpointAssertion; trace?: Trace; tokenSent: boolean }): Verdict {
  const parsed = parseHealth(r.body, r.headers["content-type"]);
  const failing = parsed.checks.filter((c) => c.status !== "pass");
  const checkText = failing.length ? `: ${failing.map((c) => `${c.name} ${c.status}${c.output ? ` (${c.output})` : ""}`).join(", ")}` : "";
  const trace = o.trace ? { traceId: o.trace.traceId, requestId: o.trace.requestId, returned: traceReturned(o.trace, r.headers, r.body) } : undefined;
  const base = { checks: parsed.checks, assertions: [] as string[], trace };
  const assertions = checkAssertions(o.assertion, { status: r.status, headers: r.headers, json: parsed.json, ms: r.ms });

  let v: Verdict;
  if (r.status === 404 && !o.assertion?.status) {
    v = { ...base, status: "missing", level: o.explicit ? "fail" : "pass", message: "404: the service does not serve this endpoint", retry: false };
  } else if (parsed.invalid && r.status < 500) {
    v = { ...base, status: "invalid-body", level: "fail", message: parsed.invalid, retry: true };
  } else if (r.status >= 500) {
    const said = parsed.level ? `health ${parsed.level}` : "no health body";
    v = { ...base, status: parsed.level ? "fail" : "http-error", level: "fail", message: `HTTP ${r.status}, ${said}${checkText}`, retry: true };
  } else if (r.status >= 400) {
    const hint = (r.status === 401 || r.status === 403) && !o.tokenSent ? " — set the token variable (ping.tokenEnv, default FKS_HEALTH_TOKEN)" : "";
    v = { ...base, status: "http-error", level: "fail", message: `HTTP ${r.status}${hint}`, retry: r.status === 408 || r.status === 429 };
  } else if (parsed.level === "fail") {
    v = { ...base, status: "fail", level: "fail", message: `HTTP ${r.status} but health fail${checkText}`, retry: true };
  } else if (parsed.level === "warn") {
    v = { ...base, status: "warn", level: "warn", message: `health warn${checkText}`, retry: false };
  } else {
    v = { ...base, status: "pass", level: "pass", message: `HTTP ${r.status}${parsed.level ? ", health pass" : ""}`, retry: false };
  }
  if (assertions.length && v.status !== "missing") {
    v = { ...v, status: "assertion", level: "fail", message: assertions.join("; "), assertions, retry: true };
  }
  if (trace && !trace.returned && v.level !== "fail" && v.status !== "missing") {
    v = { ...v, status: "untraced", level: "fail", message: "traceparent / X-Request-ID not returned in headers or body", retry: false };
  }
  return v;
}
