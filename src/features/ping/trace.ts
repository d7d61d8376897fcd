import { randomBytes, randomUUID } from "node:crypto";
import type { CapturedRequest } from "../../io/http.js";
import type { TraceOutcome } from "./types.js";

/** One trace per endpoint; each attempt is a new span of it, as W3C Trace Context has retries. */
export interface Trace {
  traceId: string;
  requestId: string;
  /** Parent ids we sent, one per attempt. */
  spans: string[];
}

export function newTrace(): Trace {
  return { traceId: randomBytes(16).toString("hex"), requestId: randomUUID(), spans: [] };
}

export function traceHeaders(t: Trace): Record<string, string> {
  const span = randomBytes(8).toString("hex");
  t.spans.push(span);
  return { traceparent: `00-${t.traceId}-${span}-01`, "x-request-id": t.requestId };
}

/** Did the service hand the ids back — in a header (traceparent, x-request-id, x-trace-id …) or its body? */
export function traceReturned(t: Trace, headers: Record<string, string>, body: string): "header" | "body" | undefined {
  for (const v of Object.values(headers)) {
    if (v.includes(t.traceId) || v.includes(t.requestId)) return "header";
  }
  if (body.includes(t.traceId) || body.includes(t.requestId)) return "body";
  return undefined;
}

/** Downstream calls must keep our trace-id and carry a parent-id of the service's own span. */
export function downstreamVerdict(t: Trace, captured: CapturedRequest[]): NonNullable<TraceOutcome["downstream"]> {
  let sameParent = false;
  for (const r of captured) {
    const m = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}/.exec(r.headers.traceparent ?? "");
    if (!m || m[1] !== t.traceId) continue;
    if (!t.spans.includes(m[2]!)) return "propagated";
    sameParent = true;
  }
  return sameParent ? "same-parent" : "missing";
}
