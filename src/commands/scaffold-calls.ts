import { Option, type Command } from "commander";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FksError } from "../errors.js";
import type { ScaffoldCallsResult } from "../features/resilience/index.js";
import { act, config, formatOf, globals, warn, write } from "./context.js";
import { progress } from "./progress.js";

interface CallsFlags {
  dryRun?: boolean;
  replace?: boolean;
  rewire?: boolean;
  otel?: boolean;
  downstream?: string[];
  timeout?: number;
  connectTimeout?: number;
  retries?: number;
  breakerThreshold?: number;
  breakerReset?: number;
}

/** `fks scaffold resilience <service>` and `fks scaffold tracing <service>`. */
export function registerCalls(scaffold: Command): void {
  scaffold
    .command("resilience")
    .description("add a resilient HTTP client (timeouts, retries with backoff, a circuit breaker per downstream, fallbacks) to a service")
    .argument("<service>", "the service to change (see fks services)")
    .argument("[paths...]", "folders or repositories to scan (default: roots in fks.yaml, else the current folder)")
    .option("--dry-run", "print unified diffs and write nothing")
    .option("--replace", "add fks's client even where the service has its own breaker or client class")
    .option("--no-rewire", "leave the service's direct httpx/requests/reqwest calls as they are (default: move them to the client)")
    .option("--downstream <name=ENV>", "a service it calls and the env var holding its URL (repeatable; compose and k8s are read too)", collect, [])
    .addOption(new Option("--timeout <seconds>", "deadline of one call, retries included (default: 2)").argParser((v) => positive(v, "--timeout")))
    .addOption(new Option("--connect-timeout <seconds>", "connect timeout of one attempt (default: 0.5)").argParser((v) => positive(v, "--connect-timeout")))
    .addOption(new Option("--retries <n>", "retries of idempotent calls (default: 2)").argParser((v) => positive(v, "--retries", true)))
    .addOption(new Option("--breaker-threshold <n>", "consecutive failures that open a breaker (default: 5)").argParser((v) => positive(v, "--breaker-threshold")))
    .addOption(new Option("--breaker-reset <seconds>", "seconds a breaker stays open before a trial call (default: 30)").argParser((v) => positive(v, "--breaker-reset")))
    .addHelpText(
      "after",
      `
Examples:
  fks scaffold resilience api examples/platform --dry-run      the module, its wiring and dependencies as diffs
  fks scaffold resilience api examples/platform                write them (a second run changes nothing)
  fks scaffold resilience web --downstream pricing=PRICING_URL
  fks scaffold resilience api --replace                        even beside the service's own breaker class

FastAPI: httpx.AsyncClient + stamina + purgatory, opened with the app's lifespan, 503 for an unavailable
downstream. Django: httpx.Client + stamina + pybreaker, a middleware answering 503. axum: reqwest +
reqwest-middleware + reqwest-retry + failsafe, in the router's state. Breaker states become checks of
/ready when the service has fks scaffold health. Every number can be changed at run time
(FKS_HTTP_TIMEOUT, FKS_HTTP_RETRIES, FKS_BREAKER_THRESHOLD, FKS_BREAKER_RESET).
Rewiring (unless --no-rewire): the service's direct calls to its downstreams — httpx/requests module
calls, a with-block httpx.Client/AsyncClient, "with urlopen(…) as r" read as JSON, reqwest::get and
Client::new().get(…).send() — become calls through the client, method, path, params, json, headers and
timeout kept (async def → await client.get, plain def in FastAPI → client.get_sync). Each call is listed:
resilience/rewired, or resilience/not-rewired with file:line and why it could not be rewritten exactly.
Exit codes: 0 done · 1 left alone (own client, see --replace) · 2 usage or parse error.`,
    )
    .action(act(async (service: string, paths: string[], f: CallsFlags, cmd: Command) => run("resilience", service, paths, f, cmd)));

  scaffold
    .command("tracing")
    .description("accept or start a W3C traceparent and X-Request-ID on every request, in logs, responses and outbound calls")
    .argument("<service>", "the service to change (see fks services)")
    .argument("[paths...]", "folders or repositories to scan (default: roots in fks.yaml, else the current folder)")
    .option("--dry-run", "print unified diffs and write nothing")
    .option("--otel", "wire OpenTelemetry (instrumentation + OTLP exporter) instead of the plain middleware")
    .addHelpText(
      "after",
      `
Examples:
  fks scaffold tracing api examples/platform --dry-run
  fks scaffold tracing data examples/platform
  fks scaffold tracing api --otel                  for teams with a collector (OTEL_EXPORTER_OTLP_ENDPOINT)

FastAPI/Starlette: a pure ASGI middleware; Django: a middleware first in MIDDLEWARE; axum: a tower layer
(tower-http request id + tracing span). Logs carry trace_id, span_id and request_id; the resilient client
(fks scaffold resilience) sends the same trace id with a new parent id on every call.
Check it end to end: fks ping --url http://127.0.0.1:8001/<route that calls data> --trace-downstream 9100
with the downstream's URL pointed at http://127.0.0.1:9100.`,
    )
    .action(act(async (service: string, paths: string[], f: CallsFlags, cmd: Command) => run("tracing", service, paths, f, cmd)));
}

async function run(part: "resilience" | "tracing", service: string, paths: string[], f: CallsFlags, cmd: Command): Promise<number> {
  const g = globals(cmd);
  const format = formatOf(g, ["table", "json"] as const, "table");
  const loaded = await config(g);
  const feature = await import("../features/resilience/index.js");
  const spin = await progress(g, `planning ${part}`);
  const opts = {
    cwd: g.cwd, paths, config: loaded.config, configDir: loaded.dir, service, dryRun: f.dryRun, replace: f.replace, rewire: f.rewire, otel: f.otel,
    downstreams: (f.downstream ?? []).map(parseDownstream),
    settings: { timeout: f.timeout, connectTimeout: f.connectTimeout, retries: f.retries, breakerThreshold: f.breakerThreshold, breakerReset: f.breakerReset },
    onProgress: (t: string) => spin.update(t),
  };
  const res: ScaffoldCallsResult = await (part === "resilience" ? feature.scaffoldResilience(opts) : feature.scaffoldTracing(opts)).finally(() => spin.stop());
  const report = await import("../report/scaffold.js");
  const findings = await import("../report/findings.js");
  if (format === "json") write(JSON.stringify({ service: res.service, framework: res.framework, downstreams: res.downstreams, edits: res.edits, findings: res.findings, written: res.written }, null, 2) + "\n");
  else if (f.dryRun) write(report.editsDiff(res.edits));
  else warn(res.edits.length ? report.editsSummary(res.edits, false) : `nothing to change: ${part} is in place in ${res.service}\n`);
  if (res.findings.length && format !== "json") warn(findings.findingsTable(res.findings, { color: g.color }));
  if (res.findings.some((x) => x.severity === "error")) return EXIT_USAGE;
  return res.own.length && !f.replace ? EXIT_FINDINGS : EXIT_OK;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function parseDownstream(v: string): { name: string; env: string } {
  const m = /^([A-Za-z0-9][\w.-]*)=([A-Za-z_][A-Za-z0-9_]*)$/.exec(v);
  if (!m) throw new FksError(`--downstream ${v}: expected name=ENV_VAR`, { hint: "e.g. --downstream data=DATA_URL" });
  return { name: m[1]!, env: m[2]! };
}

function positive(v: string, flag: string, zero = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zero)) throw new FksError(`${flag} must be a ${zero ? "non-negative" : "positive"} number (got "${v}")`, { hint: `e.g. ${flag} 2` });
  return n;
}
