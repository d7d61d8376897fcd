import type { FksConfig } from "../../config/schema.js";
import { pingDefaults, type PingSettings } from "../../config/ping.js";
import { FksError } from "../../errors.js";
import { existsSync } from "../../io/fs.js";
import type { Level, PingResult, ServiceResult, EndpointResult, Target } from "./types.js";
import { planTargets } from "./targets.js";
import { failing, runRound } from "./run.js";

export type * from "./types.js";
export { parseHealth, levelOf } from "./health.js";

export interface PingOptions {
  cwd: string;
  config?: FksConfig;
  configDir?: string;
  /** Service names to probe; empty means the services in fks.yaml. */
  services?: string[];
  /** Every service fks knows of: fks.yaml, discovery, running containers. */
  all?: boolean;
  urls?: string[];
  /** Folders to discover services in (default: roots in fks.yaml). */
  paths?: string[];
  baseUrlTemplate?: string;
  /** Flags and callers override fks.yaml's ping section. */
  settings?: Partial<PingSettings>;
  trace?: boolean;
  /** Port on 127.0.0.1 for the capturing server that services call downstream. */
  traceDownstreamPort?: number;
  /** "auto": ask the engine if one seems to be there; false: never. */
  docker?: "auto" | boolean;
  /** Poll until every service is healthy or this many ms pass. */
  waitMs?: number;
  waitIntervalMs?: number;
  env?: Record<string, string | undefined>;
  backoff?: { initialMs: number; maxMs: number };
  onEndpoint?: (r: EndpointResult) => void;
  onService?: (r: ServiceResult) => void;
  /** Called with the targets before probing, so a renderer can lay out the table. */
  onPlan?: (targets: Target[]) => void;
  onRound?: (r: PingResult) => void;
  signal?: AbortSignal;
}

/** Probes the health endpoints of services and returns one result per service; never prints. */
export async function ping(opts: PingOptions): Promise<PingResult> {
  const started = performance.now();
  // Loading undici takes 100-200 ms cold: start now, overlapping discovery and the Docker query.
  const httpModule = import("../../io/http.js").then(async (m) => ({ ...m, undici: await m.preload() }));
  httpModule.catch(() => undefined);
  const s = pingDefaults({ ...opts.config?.ping, ...stripUndefined(opts.settings ?? {}) });
  const env = opts.env ?? process.env;
  const names = opts.services ?? [];
  const urls = opts.urls ?? [];
  const notes: string[] = [];
  const needsDiscovery =
    opts.all || names.some((n) => !opts.config?.services?.[n]?.baseUrl) || (!names.length && !urls.length && !Object.keys(opts.config?.services ?? {}).length);
  let discovered;
  if (needsDiscovery && (opts.all || names.length || !urls.length)) {
    const { discover } = await import("../discover/index.js");
    discovered = (await discover({ paths: opts.paths, cwd: opts.cwd, config: opts.config, configDir: opts.configDir })).services;
  }
  // Addresses of host-network containers cost one inspect each: only when a URL may come from them.
  const docker = await containers(opts.docker ?? "auto", env, needsDiscovery);
  if (docker.note) notes.push(docker.note);
  const plan = planTargets({ config: opts.config, discovered, containers: docker.list, names, all: !!opts.all, urls, baseUrlTemplate: opts.baseUrlTemplate ?? s.baseUrl });
  notes.push(...plan.notes);
  if (!plan.targets.length) {
    throw new FksError(notes.length ? `nothing to ping: ${notes.join("; ")}` : "nothing to ping", {
      hint: "name services (fks ping api data), use --all, or give a URL with --url http://127.0.0.1:8000/health",
    });
  }
  opts.onPlan?.(plan.targets);

  const { createHttpClient, startCaptureServer } = await httpModule;
  const http = await createHttpClient({ connectTimeoutMs: s.timeout });
  const capture = opts.traceDownstreamPort !== undefined ? await startCaptureServer(opts.traceDownstreamPort).catch((e: Error) => {
    throw new FksError(`cannot listen on 127.0.0.1:${opts.traceDownstreamPort} for --trace-downstream: ${e.message}`, { hint: "pick a free port and point the service at it" });
  }) : undefined;
  const token = env[s.tokenEnv] || undefined;
  const failOn: Level = s.failOn;
  const waitUntil = opts.waitMs !== undefined ? started + opts.waitMs : undefined;
  let rounds = 0;
  let result: PingResult;
  try {
    for (;;) {
      rounds++;
      let containerList = docker.list;
      if (rounds > 1 && docker.list) containerList = (await containers(true, env)).list ?? docker.list;
      if (capture) capture.requests.length = 0;
      const services = await runRound(plan.targets, {
        http,
        timeoutMs: s.timeout,
        retries: s.retries,
        timeoutRetries: s.timeoutRetries,
        threshold: s.threshold,
        concurrency: s.concurrency,
        maxBodyBytes: s.maxBodyBytes,
        token,
        trace: !!opts.trace || !!capture,
        capture,
        backoff: opts.backoff ?? { initialMs: 100, maxMs: 2000 },
        containers: containerList,
        onEndpoint: opts.onEndpoint,
        onService: opts.onService,
      });
      const ok = !services.some((x) => failing(x, failOn));
      result = { services, rounds, elapsedMs: performance.now() - started, ok, failOn, notes };
      if (ok || waitUntil === undefined || opts.signal?.aborted) break;
      opts.onRound?.(result);
      const pause = Math.min(opts.waitIntervalMs ?? 1000, waitUntil - performance.now());
      if (pause <= 0) break;
      await sleep(pause, opts.signal);
    }
  } finally {
    await http.close();
    await capture?.close();
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

async function containers(mode: "auto" | boolean, env: Record<string, string | undefined>, inspectHostNetwork = false): Promise<{ list?: import("../../io/docker.js").ContainerInfo[]; note?: string }> {
  if (mode === false) return {};
  if (mode === "auto" && !env.DOCKER_HOST && !existsSync("/var/run/docker.sock")) return {};
  const { listContainers } = await import("../../io/docker.js");
  const r = await listContainers({ timeoutMs: 2000, inspectHostNetwork });
  return r.ok ? { list: r.containers } : { note: `Docker state not shown: ${r.reason}` };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
