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
  const trace = o.trace ? { traceId: o.trace.traceId, requestId: o.trace.requestId, returned: traceReturned(o.trace, r.headers, r.body) } : undefined;
  // One object shape for every verdict, built once: this runs for every probe.
  const v: Verdict = { status: "pass", level: "pass", message: "", checks: parsed.checks, assertions: [], retry: false, trace };
  const set = (status: EndpointStatus, level: Level, message: string, retry: boolean) => {
    v.status = status;
    v.level = level;
    v.message = message;
    v.retry = retry;
  };
  const checkText = () => {
    const failing = parsed.checks.filter((c) => c.status !== "pass");
    return failing.length ? `: ${failing.map((c) => `${c.name} ${c.status}${c.output ? ` (${c.output})` : ""}`).join(", ")}` : "";
  };
  const status = r.status;
  if (status === 404 && !o.assertion?.status) {
    set("missing", o.explicit ? "fail" : "pass", "404: the service does not serve this endpoint", false);
  } else if (parsed.invalid && status < 500) {
    set("invalid-body", "fail", parsed.invalid, true);
  } else if (status >= 500) {
    const said = parsed.level ? `health ${parsed.level}` : "no health body";
    set(parsed.level ? "fail" : "http-error", "fail", `HTTP ${status}, ${said}${checkText()}`, true);
  } else if (status >= 400) {
    const hint = (status === 401 || status === 403) && !o.tokenSent ? " — set the token variable (ping.tokenEnv, default FKS_HEALTH_TOKEN)" : "";
    set("http-error", "fail", `HTTP ${status}${hint}`, status === 408 || status === 429);
  } else if (parsed.level === "fail") {
    set("fail", "fail", `HTTP ${status} but health fail${checkText()}`, true);
  } else if (parsed.level === "warn") {
    set("warn", "warn", `health warn${checkText()}`, false);
  } else {
    set("pass", "pass", parsed.level ? `HTTP ${status}, health pass` : `HTTP ${status}`, false);
  }
  if (o.assertion && v.status !== "missing") {
    const failed = checkAssertions(o.assertion, { status, headers: r.headers, json: parsed.json, ms: r.ms });
    if (failed.length) {
      set("assertion", "fail", failed.join("; "), true);
      v.assertions = failed;
    }
  }
  if (trace && !trace.returned && v.level !== "fail" && v.status !== "missing") {
    set("untraced", "fail", "traceparent / X-Request-ID not returned in headers or body", false);
  }
  return v;
}
