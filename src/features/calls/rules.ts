import type { CallRuleId, CallsSettings } from "../../config/calls.js";
import type { Finding } from "../../model.js";
import type { CallGraph, OutboundCall } from "./types.js";

/** Every rule of `fks audit calls`, for --help, SARIF rule metadata and the README. */
export const CALL_RULES = [
  { id: "calls/dead-call", description: "the call's path is not served, or its method not accepted, by the target service", matches: "new" },
  { id: "calls/redirect", description: "the call's path differs from the route by a trailing slash: the service answers with a redirect (or not at all)", matches: "new" },
  { id: "calls/no-timeout", description: "the call waits as long as the server does (requests, urllib3, reqwest, axios, fetch defaults; aiohttp's 5 minutes; httpx timeout=None)", matches: "new" },
  { id: "calls/retry-unbounded", description: "retries with no stop (tenacity without stop=, backoff without max_tries/max_time, while True)", matches: "new" },
  { id: "calls/retry-no-backoff", description: "retries without exponential backoff or jitter", matches: "new" },
  { id: "calls/retry-non-idempotent", description: "a POST or PATCH is retried: the callee may apply it twice", matches: "new" },
  { id: "calls/no-breaker", description: "a call to another service with no circuit breaker around it", matches: "new" },
  { id: "calls/trace-not-propagated", description: "a call to another service that does not carry traceparent", matches: "new" },
  { id: "calls/call-cycle", description: "services call each other synchronously in a cycle: a slow one stalls all", matches: "new" },
  { id: "calls/fan-out", description: "a service calls more services than the fan-out threshold", matches: "new" },
  { id: "calls/unresolved-target", description: "the call's target could not be read statically; it is reported, never guessed", matches: "new" },
] as const satisfies ReadonlyArray<{ id: CallRuleId; description: string; matches: string }>;

// Every rule configurable in fks.yaml exists here, and the other way round.
type Missing = Exclude<CallRuleId, (typeof CALL_RULES)[number]["id"]>;
const allConfigurable: Missing extends never ? true : Missing = true;
void allConfigurable;

/** The severities set under `calls.rules` in fks.yaml: "off" drops the rule's findings, a level replaces the rule's own. */
export function applyRuleLevels(findings: Finding[], rules: CallsSettings["rules"]): Finding[] {
  if (!rules) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const lvl = rules[f.rule as CallRuleId];
    if (lvl === "off") continue;
    out.push(lvl ? { ...f, severity: lvl } : f);
  }
  return out;
}

const NON_IDEMPOTENT = new Set(["POST", "PATCH"]);

export interface RuleContext {
  hasUnresolvedRoutes: (service: string) => boolean;
}

/** Findings of one call: its own safety, and where it lands in the routes catalog. */
export function callFindings(c: OutboundCall, join: import("./join.js").Join | undefined, ctx: RuleContext, timeoutHint = "set a timeout"): Finding[] {
  const at = { file: c.file, line: c.line, service: c.service };
  const what = `${c.method} ${c.target.service ? `${c.target.service} ${c.target.path}` : c.target.url ?? c.target.expression}`;
  const out: Finding[] = [];
  if (c.target.unresolved) {
    out.push({ rule: "calls/unresolved-target", severity: "note", message: `${c.client} ${c.method} ${c.target.expression}: target not resolved — ${c.target.unresolved}`, ...at, hint: c.target.unresolved.startsWith("$") ? "set the variable in the service's compose environment, Kubernetes env or .env, or give it a default in the code" : "fks reads literals, constants, settings and environment variables; a URL passed in at run time or read from a config file is not followed" });
  }
  if (!c.timeout) out.push({ rule: "calls/no-timeout", severity: "warning", message: `${c.client} ${what} has no timeout`, ...at, hint: timeoutHint });
  if (c.retry) {
    const where = c.retry.line ? ` (line ${c.retry.line})` : "";
    if (!c.retry.bounded) out.push({ rule: "calls/retry-unbounded", severity: "error", message: `${what} is retried by ${c.retry.by}${where} with no limit`, ...at, hint: "stop after a few attempts (tenacity stop=stop_after_attempt(3), backoff max_tries=3) or within a deadline" });
    if (!c.retry.backoff) out.push({ rule: "calls/retry-no-backoff", severity: "warning", message: `${what} is retried by ${c.retry.by}${where} without backoff`, ...at, hint: "wait exponentially with jitter between attempts (tenacity wait_random_exponential, stamina, backoff.expo)" });
    if (c.retry.methods === "all" && NON_IDEMPOTENT.has(c.method)) out.push({ rule: "calls/retry-non-idempotent", severity: "warning", message: `${c.method} is not idempotent but ${c.retry.by}${where} retries it`, ...at, hint: "retry only GET/PUT/DELETE, or send an Idempotency-Key the callee honours" });
  }
  if (c.target.service) {
    if (!c.breaker) out.push({ rule: "calls/no-breaker", severity: "warning", message: `${what}: no circuit breaker — when ${c.target.service} is down every request waits for it`, ...at, hint: "wrap calls to the service in a breaker (purgatory, aiobreaker, pybreaker; failsafe in Rust), or run fks scaffold resilience" });
    if (!c.trace) out.push({ rule: "calls/trace-not-propagated", severity: "warning", message: `${what} does not forward traceparent: the trace stops at ${c.service}`, ...at, hint: "forward the incoming traceparent header, or instrument the client (HTTPXClientInstrumentor, RequestsInstrumentor, reqwest-tracing); fks scaffold tracing" });
    if (join && "route" in join && join.slash) {
      const r = join.route;
      const follow = c.client === "httpx" ? " — httpx does not follow redirects unless follow_redirects=True, so the caller gets the redirect itself" : c.client === "requests" && c.method !== "GET" ? " — requests turns a redirected POST into a GET" : "";
      if (join.slash === "redirect") out.push({ rule: "calls/redirect", severity: "warning", message: `${what}: ${c.target.service} serves ${r.path} (${r.framework}); the call is answered with a redirect${follow}`, ...at, hint: `call ${r.path} exactly as the route spells it` });
      else out.push({ rule: "calls/dead-call", severity: "error", message: `${what}: ${c.target.service} serves ${r.path} (${r.framework}), which does not match ${c.target.path}`, ...at, hint: `call ${r.path} exactly as the route spells it` });
    }
    if (join && "dead" in join) {
      const unsure = ctx.hasUnresolvedRoutes(c.target.service);
      const message =
        join.dead === "path"
          ? `${what}: ${c.target.service} serves no route ${c.target.path}${join.closest ? ` (it serves ${join.closest.method} ${join.closest.path})` : ""}`
          : `${what}: ${c.target.service} serves ${c.target.path} only for ${join.methods.join(", ")}`;
      out.push({ rule: "calls/dead-call", severity: unsure ? "warning" : "error", message: message + (unsure ? "; some of its routes are unresolved" : ""), ...at, hint: "fix the path or method, or add the route: fks audit routes shows what the service serves" });
    }
  }
  return out;
}

/** Findings of the graph: synchronous cycles and fan-out. */
export function graphFindings(g: CallGraph, fanOut: number): Finding[] {
  const out: Finding[] = [];
  for (const cyc of g.cycles) {
    const inCycle = g.edges.filter((e) => cyc.includes(e.from) && cyc.includes(e.to));
    const first = inCycle[0]?.calls.find((c) => !c.background);
    const ring = inCycle.map((e) => `${e.from} → ${e.to}`).join(", ");
    out.push({ rule: "calls/call-cycle", severity: "error", message: `synchronous call cycle: ${ring}`, file: first?.file, line: first?.line, service: cyc[0], hint: "break the cycle with an event or a cache, or make one direction asynchronous: a slow service in it stalls all of them" });
  }
  const byFrom = new Map<string, string[]>();
  for (const e of g.edges) if (e.from !== e.to) byFrom.set(e.from, [...(byFrom.get(e.from) ?? []), e.to]);
  for (const [from, tos] of byFrom) {
    if (tos.length <= fanOut) continue;
    const first = g.edges.find((e) => e.from === from)!.calls[0]!;
    out.push({ rule: "calls/fan-out", severity: "warning", message: `${from} calls ${tos.length} services (${tos.join(", ")}), more than ${fanOut}`, file: first.file, line: first.line, service: from, hint: "each extra downstream multiplies the chance of a failed request: aggregate behind one service or cache, or raise --fan-out" });
  }
  return out;
}
