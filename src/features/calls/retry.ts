import type { RetryFact } from "./types.js";

/** Exponential or jittered waits; a fixed sleep between attempts is not backoff. */
const BACKOFF_WAIT = /wait_(exponential|random_exponential|exponential_jitter|incrementing|random|chain)|backoff\.(expo|fibo)|\bexpo\b|ExponentialBackoff|\bjitter\b/;
const SLEEP_GROWS = /sleep\s*\([^)\n]*(\*\*|\*|<<|backoff|random|jitter|pow\(|attempt)/;

/**
 * A retry decorator or iterator (`@retry(...)`, `@stamina.retry(...)`, `@backoff.on_exception(...)`,
 * `for attempt in Retrying(...)`) as a fact; `fileText` says which library the bare names come from.
 */
export function retryOfDecorator(text: string, fileText: string, line: number): RetryFact | undefined {
  const t = text.replace(/^@/, "");
  if (/\bstamina\b|retry_context\s*\(/.test(t) || (/^retry\b/.test(t) && /from\s+stamina\s+import/.test(fileText))) {
    const unbounded = /attempts\s*=\s*None/.test(t) && /timeout\s*=\s*None/.test(t);
    return { by: "stamina", bounded: !unbounded, backoff: true, methods: "all", line };
  }
  if (/\bon_exception\s*\(|\bon_predicate\s*\(/.test(t) && /\bbackoff\b/.test(fileText)) {
    return { by: "backoff", bounded: /max_tries|max_time/.test(t), backoff: !/\bconstant\b/.test(t) && BACKOFF_WAIT.test(t), methods: "all", line };
  }
  if (/^(tenacity\.)?retry\b|\b(Async)?Retrying\s*\(/.test(t) && /\btenacity\b/.test(fileText)) {
    return { by: "tenacity", bounded: /\bstop\s*=/.test(t), backoff: BACKOFF_WAIT.test(t), methods: "all", line };
  }
  return undefined;
}

/** A hand-written loop around the call (`for _ in range(3)`, `while True`, Rust `loop`) that catches and tries again. */
export function retryOfLoop(loopText: string, kind: "for" | "while" | "loop", line: number): RetryFact {
  const counted = /\b(attempt|tries|retries|retry|n)\w*\s*(>=|>|<|<=|==)/.test(loopText) && /\b(raise|break|return)\b/.test(loopText);
  const bounded = kind === "for" || (kind === "while" && !/while\s+(True|1)\s*:/.test(loopText)) || counted;
  return { by: `${kind} loop`, bounded, backoff: SLEEP_GROWS.test(loopText), methods: "all", line };
}

/** urllib3 `Retry(...)` on a PoolManager or on a requests `HTTPAdapter(max_retries=...)`. */
export function retryOfUrllib3(text: string, line: number): RetryFact | undefined {
  const m = /\bRetry\s*\(([^)]*)\)/.exec(text);
  if (!m) {
    const n = /max_retries\s*=\s*(\d+)/.exec(text);
    return n && Number(n[1]) > 0 ? { by: `max_retries=${n[1]}`, bounded: true, backoff: false, methods: "idempotent", line } : undefined;
  }
  const args = m[1]!;
  const factor = /backoff_factor\s*=\s*([\d.]+)/.exec(args);
  const all = /allowed_methods\s*=\s*(None|False|[^)]*POST)|method_whitelist\s*=\s*(None|False|[^)]*POST)/.test(args);
  return { by: "urllib3 Retry", bounded: !/total\s*=\s*None/.test(args) || /connect\s*=\s*\d/.test(args), backoff: !!factor && Number(factor[1]) > 0, methods: all ? "all" : "idempotent", line };
}
