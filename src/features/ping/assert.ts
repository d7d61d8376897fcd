import type { EndpointAssertion } from "../../config/ping.js";
import { parsePath, valueAt } from "./jsonpath.js";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  json?: unknown;
  ms: number;
}

/** Checks an answer against the assertions from fks.yaml; returns one line per failed one. */
export function checkAssertions(a: EndpointAssertion | undefined, answer: Answer): string[] {
  if (!a) return [];
  const failed: string[] = [];
  if (a.status !== undefined) {
    const want = Array.isArray(a.status) ? a.status : [a.status];
    if (!want.includes(answer.status)) failed.push(`status ${answer.status}, expected ${want.join(" or ")}`);
  }
  for (const [expr, want] of Object.entries(a.json ?? {})) {
    const keys = parsePath(expr);
    if (typeof keys === "string") {
      failed.push(`json ${keys}`);
      continue;
    }
    if (answer.json === undefined) {
      failed.push(`json ${expr}: body is not JSON`);
      continue;
    }
    const got = valueAt(answer.json, keys);
    if (!got.found) failed.push(`json ${expr} is absent, expected ${JSON.stringify(want)}`);
    else if (!sameValue(got.value, want)) failed.push(`json ${expr} is ${JSON.stringify(got.value)}, expected ${JSON.stringify(want)}`);
  }
  for (const [name, want] of Object.entries(a.headers ?? {})) {
    const got = answer.headers[name.toLowerCase()];
    const re = /^\/(.*)\/([a-z]*)$/.exec(want);
    const ok = got !== undefined && (re ? new RegExp(re[1]!, re[2]).test(got) : got === want);
    if (!ok) failed.push(`header ${name} is ${got === undefined ? "absent" : JSON.stringify(got)}, expected ${want}`);
  }
  if (a.maxLatencyMs !== undefined && answer.ms > a.maxLatencyMs) {
    failed.push(`latency ${Math.round(answer.ms)} ms over ${a.maxLatencyMs} ms`);
  }
  return failed;
}

function sameValue(got: unknown, want: unknown): boolean {
  if (got === want) return true;
  // YAML authors write `200` for "200" and the reverse; compare scalars by their text.
  return got !== null && want !== null && typeof got !== "object" && String(got) === String(want);
}
