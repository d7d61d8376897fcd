import type { Command } from "commander";
import { EXIT_FINDINGS, EXIT_OK, FksError } from "../errors.js";
import type { EndpointResult, PingResult, ServiceResult, Target } from "../features/ping/types.js";
import { act, config, formatOf, globals, warn, write, type GlobalOptions } from "./context.js";

interface PingFlags {
  all?: boolean;
  url?: string[];
  baseUrl?: string;
  timeout?: string;
  retries?: string;
  timeoutRetries?: string;
  threshold?: string;
  failOn?: string;
  wait?: boolean;
  waitTimeout: string;
  trace?: boolean;
  traceDownstream?: string;
  docker: boolean;
  watch?: string | boolean;
}

const EXAMPLES = `
Examples:
  fks ping --all                                  every service in fks.yaml, compose and running containers
  fks ping api data --timeout 1500 --retries 3    two services, a tighter deadline
  fks ping --url http://127.0.0.1:8000/health     one URL, no config needed
  fks ping --all --wait --wait-timeout 120s       in CI after compose up: poll until healthy
  fks ping --all --format junit > ping.xml        one testcase per service and endpoint
  fks ping --all --base-url 'http://{name}.svc:{port}'   Kubernetes services by template
  fks ping api --trace                            pass only if traceparent / X-Request-ID come back
  fks ping --watch 5                              redraw every 5 s until Ctrl-C

Where URLs come from (first that applies): services.<name>.baseUrl in fks.yaml; a port published
in docker-compose.yml (its healthcheck URL's path becomes the health endpoint); the service's running
container — label fks.url=<url> or fks.port=<port>, a published port, or for --network host containers
(which publish nothing) the loopback URL its HEALTHCHECK fetches, else its image's single EXPOSE;
then --base-url. Kubernetes liveness/readiness httpGet paths replace /live and /ready.
--base-url placeholders: {name} the Kubernetes Service selecting the workload (else the service name),
{service} the service name, {port} that Service's port (else the containerPort or known port),
{containerPort} the pod's containerPort — e.g. 'http://127.0.0.1:{port}' behind kubectl port-forward
with matching local ports.

Health token: the health endpoint gets "Authorization: Bearer $FKS_HEALTH_TOKEN" (ping.tokenEnv); it is never printed.
Exit codes: 0 all healthy · 1 unhealthy (or degraded with --fail-on warn) · 2 usage or config error.`;

export function register(program: Command): void {
  program
    .command("ping")
    .description("probe /live, /ready and /health of services with retries, a circuit breaker per service and trace checks")
    .argument("[services...]", "service names (default: the services in fks.yaml)")
    .option("-a, --all", "every service fks knows of: fks.yaml, discovery, running containers")
    .option("-u, --url <url...>", "probe these URLs too (a bare origin probes /live /ready /health)")
    .option("--base-url <template>", "URL template for services without one: {name} {service} {port} {containerPort}, e.g. http://{name}.svc:{port}")
    .option("-t, --timeout <ms>", "deadline of one attempt (ms, or 2s)")
    .option("-r, --retries <n>", "extra attempts after a failure")
    .option("--timeout-retries <n>", "of those, how many may follow an attempt that timed out (default 0: one deadline per dead endpoint)")
    .option("--threshold <n>", "consecutive failures that make a service unhealthy and open its breaker")
    .option("--fail-on <level>", "exit 1 on warn (degraded) or only on fail (unhealthy)")
    .option("-w, --wait", "poll until every service is healthy or --wait-timeout passes")
    .option("--wait-timeout <duration>", "how long --wait polls (ms, or 90s, 2m)", "60s")
    .option("--trace", "send W3C traceparent and X-Request-ID; pass only if the service returns them")
    .option("--trace-downstream <port>", "listen on 127.0.0.1:<port> and pass only if the service calls it with the trace-id and a new parent-id")
    .option("--no-docker", "do not ask the Docker engine for container health")
    .option("--watch [seconds]", "probe again every few seconds until interrupted")
    .addHelpText("after", EXAMPLES)
    .action(act(async (names: string[], f: PingFlags, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json", "junit", "github"] as const, "table");
      const settings = {
        timeout: f.timeout !== undefined ? duration(f.timeout, "--timeout", "ms") : undefined,
        retries: f.retries !== undefined ? int(f.retries, "--retries", 0) : undefined,
        timeoutRetries: f.timeoutRetries !== undefined ? int(f.timeoutRetries, "--timeout-retries", 0, 20) : undefined,
        threshold: f.threshold !== undefined ? int(f.threshold, "--threshold", 1) : undefined,
        failOn: f.failOn !== undefined ? level(f.failOn) : undefined,
      };
      const watchSeconds = f.watch === undefined || f.watch === false ? undefined : f.watch === true ? 5 : duration(f.watch, "--watch", "s") / 1000;
      const traceDownstreamPort = f.traceDownstream !== undefined ? int(f.traceDownstream, "--trace-downstream", 1, 65535) : undefined;
      const waitMs = f.wait ? duration(f.waitTimeout, "--wait-timeout", "ms") : undefined;
      const loaded = await config(g);
      const { ping } = await import("../features/ping/index.js");
      const report = await import("../report/ping.js");
      const live = format === "table" && process.stdout.isTTY === true && !process.env.CI ? liveTable(g, report) : undefined;

      // --watch keeps the last table on screen while the next round runs; only the first draws progress.
      const once = async (signal?: AbortSignal, showProgress = true): Promise<PingResult> => {
        const progress = showProgress ? live : undefined;
        return ping({
          cwd: g.cwd,
          config: loaded.config,
          configDir: loaded.dir,
          services: names,
          all: f.all,
          urls: f.url,
          baseUrlTemplate: f.baseUrl,
          settings,
          trace: f.trace,
          traceDownstreamPort,
          docker: f.docker === false ? false : "auto",
          waitMs,
          env: process.env,
          signal,
          onPlan: progress?.plan,
          onEndpoint: progress?.endpoint,
          onService: progress?.service,
          onRound: progress?.reset,
        });
      };

      if (watchSeconds === undefined) {
        const result = await once();
        live?.clear();
        write(report.renderPing(result, format, g));
        return result.ok ? EXIT_OK : EXIT_FINDINGS;
      }
      const stop = new AbortController();
      const onSig = () => stop.abort();
      process.once("SIGINT", onSig);
      let last: PingResult | undefined;
      try {
        while (!stop.signal.aborted) {
          last = await once(stop.signal, !last);
          live?.clear();
          if (format === "table" && process.stdout.isTTY) write("\x1b[2J\x1b[H");
          write(report.renderPing(last, format, g));
          if (format === "table") warn(`watching every ${watchSeconds}s — Ctrl-C to stop`);
          await new Promise<void>((r) => {
            const t = setTimeout(r, watchSeconds * 1000);
            stop.signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
          });
        }
      } finally {
        process.off("SIGINT", onSig);
      }
      return last?.ok === false ? EXIT_FINDINGS : EXIT_OK;
    }));
}

/** Redraws the table in place on stdout as results arrive; the library only reports them. */
function liveTable(g: GlobalOptions, report: typeof import("../report/ping.js")) {
  let rows: import("../report/ping.js").LiveRow[] = [];
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    timer = undefined;
    const text = report.pingLiveTable(rows, g);
    process.stdout.write((drawn ? `\x1b[${drawn}F\x1b[0J` : "") + text);
    drawn = text.split("\n").length - 1;
  };
  const soon = () => (timer ??= setTimeout(draw, 40));
  return {
    plan(targets: Target[]) {
      rows = targets.map((target) => ({ target, endpoints: [] }));
      draw();
    },
    endpoint(e: EndpointResult) {
      rows.find((r) => r.target.service === e.service)?.endpoints.push(e);
      soon();
    },
    service(s: ServiceResult) {
      const row = rows.find((r) => r.target.service === s.service);
      if (row) row.done = s;
      soon();
    },
    reset() {
      for (const r of rows) {
        r.endpoints = [];
        r.done = undefined;
      }
      soon();
    },
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (drawn) process.stdout.write(`\x1b[${drawn}F\x1b[0J`);
      drawn = 0;
    },
  };
}

function int(v: string, flag: string, min: number, max = 1_000_000): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new FksError(`${flag} must be a whole number from ${min} to ${max} (got "${v}")`, { hint: `e.g. ${flag} ${Math.max(min, 3)}` });
  return n;
}

/** "1500", "1500ms", "2s", "1m"; a bare number is in the flag's unit. */
function duration(v: string, flag: string, unit: "ms" | "s"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(v);
  if (!m) throw new FksError(`${flag} must be a duration like 1500, 2s or 1m (got "${v}")`, { hint: `a bare number means ${unit === "ms" ? "milliseconds" : "seconds"}` });
  const n = Number(m[1]);
  const ms = m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : m[2] === "ms" ? n : unit === "s" ? n * 1000 : n;
  if (ms < 1) throw new FksError(`${flag} must be positive (got "${v}")`);
  return Math.round(ms);
}

function level(v: string): "warn" | "fail" {
  if (v !== "warn" && v !== "fail") throw new FksError(`--fail-on must be warn or fail (got "${v}")`, { hint: "--fail-on warn also fails on degraded services" });
  return v;
}
