import { BrokenCircuitError, CircuitState, ExponentialBackoff, type CircuitBreakerPolicy, type IBackoff } from "cockatiel";
import type { EndpointAssertion } from "../../config/ping.js";
import type { HttpClient, HttpResult } from "../../io/http.js";
import { evaluate, type Verdict } from "./evaluate.js";
import { newTrace, traceHeaders, type Trace } from "./trace.js";
import type { EndpointResult, Target } from "./types.js";

export interface ProbeContext {
  http: HttpClient;
  timeoutMs: number;
  retries: number;
  /** Of those, how many may follow an attempt that used up its whole deadline. */
  timeoutRetries: number;
  maxBodyBytes: number;
  /** Sent as a bearer token to the health endpoint only. */
  token?: string;
  trace: boolean;
  /** Bounds requests in flight across the whole run. */
  slot: <T>(fn: () => Promise<T>) => Promise<T>;
  backoff: { initialMs: number; maxMs: number };
}

/** An attempt that failed in a way worth retrying; carries what was seen for the report. */
class AttemptFailed extends Error {
  constructor(readonly verdict: Verdict) {
    super(verdict.message);
  }
}

const MAX_REDIRECTS = 5;

/** Failures that took the whole deadline to happen. */
const DEADLINE = new Set<string>(["connect-timeout", "no-response", "headers-timeout", "body-timeout"]);

/** Probes one endpoint with retries, every attempt going through the service's breaker. */
export async function probeEndpoint(
  ctx: ProbeContext,
  target: Target,
  ep: Target["endpoints"][number],
  /** Its opening also ends a retry's backoff wait at once. */
  breaker: CircuitBreakerPolicy,
): Promise<{ result: EndpointResult; traceState?: Trace }> {
  const url = joinUrl(target.baseUrl, ep.path);
  const assertion: EndpointAssertion | undefined = ep.key === "url" ? undefined : target.assertions[ep.key];
  const trace = ctx.trace ? newTrace() : undefined;
  const latencies: number[] = [];
  let attempts = 0;
  let timeouts = 0;
  let httpStatus: number | undefined;
  let last: Verdict | undefined;
  const started = performance.now();

  const attempt = async (): Promise<Verdict> => {
    attempts++;
    const tokenSent = !!ctx.token && ep.key === "health";
    let headers: Record<string, string> | undefined = trace ? traceHeaders(trace) : undefined;
    if (tokenSent) (headers ??= {}).authorization = `Bearer ${ctx.token}`;
    const r = await follow(ctx, url, headers);
    let v: Verdict;
    // A transport failure counts against the breaker even when it is not retried: the breaker is
    // what says a service is unreachable, and its opening cuts its other endpoints' retries short.
    const unreachable = !("verdict" in r) && !r.ok;
    if ("verdict" in r) v = r.verdict;
    else if (!r.ok) {
      let retry = r.error !== "tls" && r.error !== "body-too-large";
      let message = r.message;
      if (DEADLINE.has(r.error) && ++timeouts > ctx.timeoutRetries && attempts <= ctx.retries) {
        retry = false;
        message += " (not retried after a timeout: ping.timeoutRetries / --timeout-retries)";
      }
      v = { status: r.error, level: "fail", message, checks: [], assertions: [], retry };
    } else {
      latencies.push(r.ms);
      httpStatus = r.status;
      v = evaluate(r, { explicit: target.explicit, assertion, trace, tokenSent });
    }
    last = ctx.token ? redact(v, ctx.token) : v;
    if (last.level === "fail" && (last.retry || unreachable)) throw new AttemptFailed(last);
    return last;
  };

  // cockatiel's default generator adds decorrelated jitter to the exponential steps. The loop
  // is ours because the wait between attempts must end the moment the breaker opens.
  let backoff: IBackoff<unknown> | undefined;
  let shortCircuited = false;
  for (let retry = 0; ; retry++) {
    try {
      await breaker.execute(attempt);
      break;
    } catch (e) {
      if (e instanceof BrokenCircuitError) {
        shortCircuited = true;
        break;
      }
      if (!(e instanceof AttemptFailed)) throw e;
      if (!e.verdict.retry) break;
    }
    if (retry >= ctx.retries) break;
    backoff = backoff ? backoff.next(undefined) : new ExponentialBackoff({ initialDelay: ctx.backoff.initialMs, maxDelay: ctx.backoff.maxMs }).next();
    if (!(await pause(backoff.duration, breaker))) {
      shortCircuited = true;
      break;
    }
  }
  const v: Verdict = last ?? { status: "open", level: "fail", message: "not probed: the service's circuit breaker is open", checks: [], assertions: [], retry: false };
  const message = shortCircuited && last ? `${v.message} (breaker open: remaining attempts skipped)` : v.message;
  const result: EndpointResult = {
    service: target.service,
    endpoint: ep.key,
    url,
    status: v.status,
    level: v.level,
    httpStatus,
    message,
    attempts,
    latencies,
    elapsedMs: performance.now() - started,
    checks: v.checks,
    assertions: v.assertions,
    breaker: shortCircuited ? "open" : "closed",
    trace: v.trace,
  };
  return { result, traceState: trace };
}

/** GET with redirects followed by hand, so a loop is a verdict and the token never crosses origins. */
async function follow(ctx: ProbeContext, url: string, headers: Record<string, string> | undefined): Promise<HttpResult | { verdict: Verdict }> {
  const deadline = performance.now() + ctx.timeoutMs;
  const seen = new Set<string>();
  let cur = url;
  let hdrs = headers;
  for (let hop = 0; ; hop++) {
    seen.add(cur);
    const get = { headers: hdrs, timeoutMs: hop ? Math.max(1, deadline - performance.now()) : ctx.timeoutMs, maxBodyBytes: ctx.maxBodyBytes };
    const r = await ctx.slot(() => ctx.http.get(cur, get));
    if (!r.ok || r.status < 300 || r.status >= 400 || r.status === 304 || !r.headers.location) return r;
    const next = new URL(r.headers.location, cur).toString();
    if (seen.has(next) || hop + 1 >= MAX_REDIRECTS) {
      const why = seen.has(next) ? `redirect loop back to ${next}` : `more than ${MAX_REDIRECTS} redirects`;
      return { verdict: { status: "redirect-loop", level: "fail", message: why, checks: [], assertions: [], retry: false } };
    }
    if (hdrs && new URL(next).origin !== new URL(cur).origin) {
      const { authorization: _drop, ...rest } = hdrs;
      hdrs = rest;
    }
    cur = next;
  }
}

/** Resolves false when the breaker opened before or during the wait. */
function pause(ms: number, breaker: CircuitBreakerPolicy): Promise<boolean> {
  if (breaker.state === CircuitState.Open) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(t);
      sub.dispose();
      resolve(ok);
    };
    const t = setTimeout(() => done(true), ms);
    const sub = breaker.onBreak(() => done(false));
  });
}

export function joinUrl(base: string, p: string): string {
  if (/^https?:\/\//.test(p)) return p;
  return base.replace(/\/+$/, "") + (p.startsWith("/") ? p : `/${p}`);
}

/** A service that echoes the Authorization header must not leak the token into CI logs. */
function redact(v: Verdict, token: string): Verdict {
  if (token.length < 4) return v;
  const scrub = (s: string) => s.split(token).join("***");
  return {
    ...v,
    message: scrub(v.message),
    assertions: v.assertions.map(scrub),
    checks: v.checks.map((c) => (c.output ? { ...c, output: scrub(c.output) } : c)),
  };
}
