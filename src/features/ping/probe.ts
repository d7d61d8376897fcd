import { BrokenCircuitError, ExponentialBackoff, type CircuitBreakerPolicy, type IBackoff } from "cockatiel";
import type { EndpointAssertion } from "../../config/ping.js";
import type { HttpClient, HttpResult } from "../../io/http.js";
import { evaluate, type Verdict } from "./evaluate.js";
import { newTrace, traceHeaders, type Trace } from "./trace.js";
import type { EndpointResult, Target } from "./types.js";

export interface ProbeContext {
  http: HttpClient;
  timeoutMs: number;
  retries: number;
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

/** Probes one endpoint with retries, every attempt going through the service's breaker. */
export async function probeEndpoint(
  ctx: ProbeContext,
  target: Target,
  ep: Target["endpoints"][number],
  breaker: CircuitBreakerPolicy,
  /** Aborted when the breaker opens, so retries waiting out their backoff stop at once. */
  broken?: AbortSignal,
): Promise<EndpointResult & { traceState?: Trace }> {
  const url = joinUrl(target.baseUrl, ep.path);
  const assertion: EndpointAssertion | undefined = ep.key === "url" ? undefined : target.assertions[ep.key];
  const trace = ctx.trace ? newTrace() : undefined;
  const latencies: number[] = [];
  let attempts = 0;
  let httpStatus: number | undefined;
  let last: Verdict | undefined;
  const started = performance.now();

  const attempt = async (): Promise<Verdict> => {
    attempts++;
    const headers: Record<string, string> = trace ? traceHeaders(trace) : {};
    const tokenSent = !!ctx.token && ep.key === "health";
    if (tokenSent) headers.authorization = `Bearer ${ctx.token}`;
    const r = await follow(ctx, url, headers);
    let v: Verdict;
    if ("verdict" in r) v = r.verdict;
    else if (!r.ok) v = { status: r.error, level: "fail", message: r.message, checks: [], assertions: [], retry: r.error !== "tls" && r.error !== "body-too-large" };
    else {
      latencies.push(r.ms);
      httpStatus = r.status;
      v = evaluate(r, { explicit: target.explicit, assertion, trace, tokenSent });
    }
    last = redact(v, ctx.token);
    if (last.level === "fail" && last.retry) throw new AttemptFailed(last);
    return last;
  };

  // cockatiel's default generator adds decorrelated jitter to the exponential steps. The loop
  // is ours because the wait between attempts must end the moment the breaker opens.
  const factory = new ExponentialBackoff({ initialDelay: ctx.backoff.initialMs, maxDelay: ctx.backoff.maxMs });
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
    }
    if (retry >= ctx.retries) break;
    backoff = backoff ? backoff.next(undefined) : factory.next();
    if (!(await pause(backoff.duration, broken))) {
      shortCircuited = true;
      break;
    }
  }
  const v: Verdict = last ?? { status: "open", level: "fail", message: "not probed: the service's circuit breaker is open", checks: [], assertions: [], retry: false };
  const message = shortCircuited && last ? `${v.message} (breaker open: remaining attempts skipped)` : v.message;
  return {
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
    traceState: trace,
  };
}

/** GET with redirects followed by hand, so a loop is a verdict and the token never crosses origins. */
async function follow(ctx: ProbeContext, url: string, headers: Record<string, string>): Promise<HttpResult | { verdict: Verdict }> {
  const deadline = performance.now() + ctx.timeoutMs;
  const seen = new Set<string>();
  let cur = url;
  let hdrs = headers;
  for (let hop = 0; ; hop++) {
    seen.add(cur);
    const remaining = Math.max(1, deadline - performance.now());
    const r = await ctx.slot(() => ctx.http.get(cur, { headers: hdrs, timeoutMs: remaining, maxBodyBytes: ctx.maxBodyBytes }));
    if (!r.ok || r.status < 300 || r.status >= 400 || r.status === 304 || !r.headers.location) return r;
    const next = new URL(r.headers.location, cur).toString();
    if (seen.has(next) || hop + 1 >= MAX_REDIRECTS) {
      const why = seen.has(next) ? `redirect loop back to ${next}` : `more than ${MAX_REDIRECTS} redirects`;
      return { verdict: { status: "redirect-loop", level: "fail", message: why, checks: [], assertions: [], retry: false } };
    }
    if (new URL(next).origin !== new URL(cur).origin) {
      const { authorization: _drop, ...rest } = hdrs;
      hdrs = rest;
    }
    cur = next;
  }
}

/** Resolves false when the signal cut the wait short. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(t);
      signal?.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const t = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function joinUrl(base: string, p: string): string {
  if (/^https?:\/\//.test(p)) return p;
  return base.replace(/\/+$/, "") + (p.startsWith("/") ? p : `/${p}`);
}

/** A service that echoes the Authorization header must not leak the token into CI logs. */
function redact(v: Verdict, token: string | undefined): Verdict {
  if (!token || token.length < 4) return v;
  const scrub = (s: string) => s.split(token).join("***");
  return {
    ...v,
    message: scrub(v.message),
    assertions: v.assertions.map(scrub),
    checks: v.checks.map((c) => (c.output ? { ...c, output: scrub(c.output) } : c)),
  };
}
