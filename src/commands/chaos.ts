import type { Command } from "commander";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FksError } from "../errors.js";
import type { ChaosRunResult } from "../features/chaos/result.js";
import { act, config, formatOf, globals, warn, write, type GlobalOptions } from "./context.js";

const RUN_EXAMPLES = `
Examples:
  fks chaos run experiments/data-down.yaml --dry-run     the plan, nothing applied
  fks chaos run experiments/data-down.yaml --yes         in CI: no question asked
  fks chaos run data-down --format junit > chaos.xml     an experiment under chaos.experiments in fks.yaml
  fks chaos run data-down --format markdown > chaos.md

An experiment file:
  name: data-down
  mode: sequence                  # or together: all faults at once
  faults:
    - service: data
      action: stop                # stop | kill (signal: SIGTERM) | pause | restart
      duration: 10s
    - service: data
      from: api                   # only the api → data edge (default: every edge into data)
      toxic: latency              # latency (latency, jitter) | timeout (timeout: 0 = blackhole)
      latency: 2s                 # | bandwidth (rate KB/s) | reset_peer | slicer | down
      duration: 10s
  steadyState: { interval: 250ms, timeout: 1s, baseline: 1s }
  traffic:
    - { service: api, path: /quote/AAPL, rate: 5, maxLatency: 1500ms, errorBudget: 0.05 }
  hypothesis: { recovery: 15s }

The hypothesis: the faulted service may fail; every other service's /live stays pass and nothing
hangs; /ready of a caller may fail only when its edge is critical (chaos.edges[].critical); routes
stay within their latency bound and error budget; every service is back to its steady state within the recovery time
after rollback. A failing /live, a hang, or a failure of a service that does not depend on the
faulted one is a cascade, named with its chain (data → api → web).

Safety: faults go only to Docker hosts listed in chaos.allow; the plan is printed before anything is
applied and confirmed (or --yes); chaos.maxDuration bounds the run; every fault is journalled under
.fks/ before it is applied and rolled back at the end, on failure, on Ctrl-C or SIGTERM (a second
signal exits at once: then run fks chaos rollback).
Exit codes: 0 hypothesis held · 1 cascade or hypothesis broken · 2 usage, config error, not concluded or rollback failure.`;

const MATRIX_EXAMPLES = `
Examples:
  fks chaos matrix --yes                          every service × {stop, latency 2s, blackhole}
  fks chaos matrix api data --faults stop --duration 3s --yes
  fks chaos matrix --format markdown --yes > matrix.md

Stop needs the service's container; latency and blackhole need a Toxiproxy proxy into the
service (chaos.edges, then fks chaos proxies). Each fault is rolled back and recovered from
before the next. Exit codes as for fks chaos run.`;

const EXPORT_EXAMPLES = `
Examples:
  fks chaos export experiments/data-down.yaml --to chaos-mesh --dry-run
  fks chaos export --matrix --to chaos-mesh -o k8s/chaos --namespace trading
  fks chaos export data-down --to chaostoolkit && chaos run chaostoolkit/data-down.json

chaos-mesh: per experiment <name>.workflow.yaml (a Workflow: steady-state StatusChecks of every
service's /live and /ready, each fault with continuous checks of what must keep passing, recovery
checks) and <name>.faults.yaml (the same faults alone, with their durations). Pods are selected
by the labels of each service's Deployment (spec.selector.matchLabels) in its namespace; a service
without a manifest gets app.kubernetes.io/name=<service> and a note. stop/restart → PodChaos
pod-kill, kill → container-kill, pause → pod-failure, latency → NetworkChaos delay, timeout
(blackhole) → loss 100%, bandwidth → bandwidth, down → partition between caller and callee,
reset_peer → HTTPChaos abort; slicer has no equivalent (the workflow waits instead).
chaostoolkit: <name>.json for Docker hosts: docker stop/kill/pause/restart through the process
provider, toxics through the Toxiproxy API (curl) on the proxies of chaos.edges, pauses for the
durations, rollbacks that start, unpause and remove toxics.
Running it again rewrites nothing that is unchanged.`;

interface RunFlags {
  dryRun?: boolean;
  yes?: boolean;
  routes?: boolean;
}

export function register(program: Command): void {
  const chaos = program
    .command("chaos")
    .description("fault experiments on the running platform: prove failures do not cascade, always rolled back")
    .addHelpText("after", `
Examples:
  fks chaos matrix --yes                              every service × {stop, latency 2s, blackhole}
  fks chaos run experiments/data-down.yaml --dry-run  the plan of an experiment, nothing applied
  fks chaos run data-down --yes --format junit        in CI
  fks chaos rollback                                  undo what a killed run left applied
  fks chaos proxies                                   Toxiproxy proxies for chaos.edges
  fks chaos init --compose --dry-run                  a compose override with Toxiproxy between services
  fks chaos export --matrix --to chaos-mesh           Chaos Mesh Workflows for Kubernetes (or --to chaostoolkit)`);

  chaos
    .command("run")
    .description("run an experiment: steady state, faults, rollback, verdict")
    .argument("<experiment>", "experiment file (YAML/JSON) or a name under chaos.experiments in fks.yaml")
    .option("-n, --dry-run", "print the plan and touch nothing")
    .option("-y, --yes", "do not ask before applying faults (CI)")
    .option("--routes", "also send traffic to GET routes without parameters from the fks audit routes catalog")
    .addHelpText("after", RUN_EXAMPLES)
    .action(act(async (ref: string, f: RunFlags, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json", "junit", "markdown"] as const, "table");
      const loaded = await config(g);
      const { chaosRun } = await import("../features/chaos/index.js");
      return withSignals(async (signal, hooks, clear) => {
        const r = await chaosRun({ cwd: g.cwd, config: loaded.config, configDir: loaded.dir, configFile: loaded.file, experiment: ref, dryRun: f.dryRun, routes: f.routes, signal, confirm: confirmer(f), ...hooks });
        clear();
        return finish(r, format, g);
      }, g);
    }));

  chaos
    .command("matrix")
    .description("every service × {stop, latency 2s, blackhole}, one at a time: who went unhealthy, slow or hung, and how fast all recovered")
    .argument("[services...]", "services to fault (default: all)")
    .option("--faults <list>", "comma-separated: stop, latency, blackhole", "stop,latency,blackhole")
    .option("-d, --duration <duration>", "how long each fault stays applied", "5s")
    .option("--latency <duration>", "latency of the latency fault", "2s")
    .option("-n, --dry-run", "print the plan and touch nothing")
    .option("-y, --yes", "do not ask before applying faults (CI)")
    .addHelpText("after", MATRIX_EXAMPLES)
    .action(act(async (services: string[], f: RunFlags & { faults: string; duration: string; latency: string }, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json", "junit", "markdown"] as const, "table");
      const { durationMs, latencyMs, faults } = await matrixFlags(f);
      const loaded = await config(g);
      const { chaosMatrix } = await import("../features/chaos/matrix.js");
      return withSignals(async (signal, hooks, clear) => {
        const r = await chaosMatrix({ cwd: g.cwd, config: loaded.config, configDir: loaded.dir, configFile: loaded.file, services, faults, durationMs, latencyMs, dryRun: f.dryRun, signal, confirm: confirmer(f), ...hooks });
        clear();
        return finish(r, format, g);
      }, g);
    }));

  chaos
    .command("init")
    .description("write a compose override that puts Toxiproxy between the services")
    .option("--compose [file]", "the compose file to read (default: docker-compose.yml here)")
    .option("-o, --out <file>", "where to write the override (default: <compose>.chaos.yml beside it)")
    .option("-n, --dry-run", "print the override as a diff and write nothing")
    .addHelpText("after", `
Examples:
  fks chaos init --compose --dry-run                 the override as a unified diff
  fks chaos init --compose docker-compose.yml        write docker-compose.chaos.yml
  docker compose -f docker-compose.yml -f docker-compose.chaos.yml up -d

Each caller variable holding another service's URL (DATA_URL: http://data:8002) is pointed at a
Toxiproxy proxy (http://toxiproxy:18002) that forwards to the service; the proxies are created when
Toxiproxy starts. Running it again changes nothing.`)
    .action(act(async (f: { compose?: string | boolean; out?: string; dryRun?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json"] as const, "table");
      if (f.compose === undefined) throw new FksError("fks chaos init needs --compose", { hint: "fks chaos init --compose [docker-compose.yml]" });
      const loaded = await config(g);
      const { chaosInitCompose } = await import("../features/chaos/compose.js");
      const r = await chaosInitCompose({ cwd: g.cwd, config: loaded.config, composeFile: typeof f.compose === "string" ? f.compose : undefined, out: f.out, dryRun: f.dryRun });
      if (format === "json") write(JSON.stringify(r, null, 2) + "\n");
      else if (f.dryRun) {
        const { editsDiff } = await import("../report/scaffold.js");
        write(r.edits.length ? editsDiff(r.edits) : `${r.override} is up to date\n`);
      } else warn(r.edits.length ? `wrote ${r.override} — ${r.edits[0]!.reason}` : `${r.override} is up to date`);
      if (format === "table") warn(`add to fks.yaml so fks chaos run can fault these edges:\n${r.fksYaml.trimEnd()}`);
      return EXIT_OK;
    }));

  chaos
    .command("export")
    .description("write the experiments as Chaos Mesh objects (Kubernetes) or Chaos Toolkit experiments")
    .argument("[experiments...]", "experiment files or names under chaos.experiments (default: all of them)")
    .requiredOption("--to <engine>", "chaos-mesh or chaostoolkit")
    .option("--matrix", "also export the matrix: every service × {stop, latency, blackhole}, one at a time")
    .option("--faults <list>", "matrix: comma-separated stop, latency, blackhole", "stop,latency,blackhole")
    .option("-d, --duration <duration>", "matrix: how long each fault stays applied", "5s")
    .option("--latency <duration>", "matrix: latency of the latency fault", "2s")
    .option("-o, --out <dir>", "where to write the files (default: ./chaos-mesh or ./chaostoolkit)")
    .option("--namespace <ns>", "chaos-mesh: namespace of the objects and of services whose manifest names none", "default")
    .option("-n, --dry-run", "print the files and write nothing")
    .addHelpText("after", EXPORT_EXAMPLES)
    .action(act(async (refs: string[], f: { to: string; matrix?: boolean; faults: string; duration: string; latency: string; out?: string; namespace: string; dryRun?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json"] as const, "table");
      const { EXPORT_TARGETS, chaosExport } = await import("../features/chaos/export/index.js");
      const to = EXPORT_TARGETS.find((t) => t === f.to);
      if (!to) throw new FksError(`--to: unknown engine "${f.to}"`, { hint: `use one of: ${EXPORT_TARGETS.join(", ")}` });
      const { durationMs, latencyMs, faults } = await matrixFlags(f);
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(f.namespace)) throw new FksError(`--namespace: "${f.namespace}" is not a Kubernetes namespace name`, { hint: "lower-case letters, digits and '-'" });
      const loaded = await config(g);
      const r = await chaosExport({ cwd: g.cwd, config: loaded.config, configDir: loaded.dir, configFile: loaded.file, to, experiments: refs, matrix: f.matrix, matrixFaults: faults, durationMs, latencyMs, outDir: f.out, namespace: f.namespace, dryRun: f.dryRun });
      if (format === "json") write(JSON.stringify(r, null, 2) + "\n");
      // YAML files joined as one multi-document stream; JSON files one after the other.
      else if (r.dryRun) write(to === "chaos-mesh" ? r.files.map((x) => `# ${x.file}\n${x.content}`).join("---\n") : r.files.map((x) => x.content).join(""));
      for (const n of r.notes) warn(`note: ${n}`);
      if (format === "table") for (const x of r.files) warn(`${x.action === "planned" ? "would write" : x.action === "written" ? "wrote" : "unchanged"} ${x.file}`);
      return EXIT_OK;
    }));

  chaos
    .command("rollback")
    .description("undo what an interrupted run left applied (reads the journal under .fks/)")
    .addHelpText("after", `
Examples:
  fks chaos rollback            after fks was killed mid-fault (kill -9, a lost CI runner)

Starts stopped or killed containers, unpauses paused ones, removes toxics and re-enables proxies.
Exit codes: 0 everything restored or nothing to do · 2 something could not be undone (the exact command is printed).`)
    .action(act(async (_f: unknown, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json"] as const, "table");
      const loaded = await config(g);
      const { chaosRollback } = await import("../features/chaos/index.js");
      const { renderRollback } = await import("../report/chaos.js");
      const r = await chaosRollback({ cwd: g.cwd, config: loaded.config, configDir: loaded.dir });
      write(renderRollback(r, format, g));
      return r.outcome.failed.length ? EXIT_USAGE : EXIT_OK;
    }));

  chaos
    .command("proxies")
    .description("create one Toxiproxy proxy per edge in chaos.edges (idempotent)")
    .option("-n, --dry-run", "print the proxies and touch nothing")
    .addHelpText("after", `
Examples:
  fks chaos proxies --dry-run   what would be created
  fks chaos proxies             create or update them on chaos.toxiproxy (default http://127.0.0.1:8474)

Each proxy listens on chaos.edges[].listen (default 127.0.0.1:<callee port + 10000>) and forwards to
the callee; point the caller's URL at it (fks chaos init --compose does that for compose).`)
    .action(act(async (f: { dryRun?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json"] as const, "table");
      const loaded = await config(g);
      const { chaosProxies } = await import("../features/chaos/index.js");
      const { renderProxies } = await import("../report/chaos.js");
      write(renderProxies(await chaosProxies({ cwd: g.cwd, config: loaded.config, configDir: loaded.dir, dryRun: f.dryRun }), format, g));
      return EXIT_OK;
    }));
}

type MatrixFault = "stop" | "latency" | "blackhole";

/** The matrix flags `matrix` and `export --matrix` share, checked once. */
async function matrixFlags(f: { faults: string; duration: string; latency: string }): Promise<{ durationMs: number; latencyMs: number; faults: MatrixFault[] }> {
  const { parseDuration } = await import("../config/duration.js");
  const durationMs = positive(parseDuration(f.duration), "--duration", f.duration);
  const latencyMs = positive(parseDuration(f.latency), "--latency", f.latency);
  const faults = f.faults.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = faults.filter((x) => !["stop", "latency", "blackhole"].includes(x));
  if (bad.length || !faults.length) throw new FksError(`--faults: unknown fault ${bad.join(", ") || "(none given)"}`, { hint: "use stop, latency, blackhole" });
  return { durationMs, latencyMs, faults: faults as MatrixFault[] };
}

function positive(ms: number | undefined, flag: string, given: string): number {
  if (ms === undefined || ms <= 0) throw new FksError(`${flag} must be a positive duration like 5s (got "${given}")`);
  return ms;
}

function confirmer(f: RunFlags): ((plan: string[]) => Promise<boolean>) | undefined {
  return async (plan) => {
    warn(plan.join("\n"));
    if (f.yes) return true;
    if (!process.stdin.isTTY) throw new FksError("refusing to apply faults without confirmation on a non-interactive terminal", { hint: "pass --yes (CI) or --dry-run" });
    const { createInterface } = await import("node:readline/promises");
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question("apply these faults? [y/N] ")).trim());
    } finally {
      rl.close();
    }
  };
}

type Hooks = Pick<import("../features/chaos/run.js").RunHooks, "onPhase" | "onFault" | "onSample">;

/**
 * SIGINT/SIGTERM abort the run, which rolls everything back before returning; a second signal
 * exits at once, leaving the journal for fks chaos rollback.
 */
async function withSignals(fn: (signal: AbortSignal, hooks: Hooks, clear: () => void) => Promise<number>, g: GlobalOptions): Promise<number> {
  const stop = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      warn(`${sig}: rolling back (send it again to exit at once)`);
      stop.abort();
    } else {
      warn(`${sig} again: exiting without finishing the rollback — run fks chaos rollback`);
      process.exit(EXIT_USAGE);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const live = process.stdout.isTTY === true && !process.env.CI && (g.format ?? "table") === "table" ? await liveTable(g) : undefined;
  const hooks: Hooks = live
    ? live.hooks
    : g.verbose
      ? { onPhase: (name) => warn(`phase ${name}`), onFault: (f, ev) => warn(`${ev} ${f.id}: ${f.what}`) }
      : {};
  try {
    // The live view is cleared before the result is written, so it never erases the result.
    return await fn(stop.signal, hooks, () => live?.clear());
  } finally {
    live?.clear();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function finish(r: ChaosRunResult, format: "table" | "json" | "junit" | "markdown", g: GlobalOptions): Promise<number> {
  const { renderChaos } = await import("../report/chaos.js");
  write(renderChaos(r, format, g));
  if (r.rollback.failed.length) {
    for (const f of r.rollback.failed) warn(`error: rollback of ${f.id} failed: ${f.error} — finish it by hand: ${f.command}`);
    return EXIT_USAGE;
  }
  if (r.dryRun) return EXIT_OK;
  if (r.aborted && r.checks.every((c) => c.ok)) return EXIT_USAGE;
  return r.ok ? EXIT_OK : EXIT_FINDINGS;
}

/** Redraws phase, applied faults and each service's latest state and p99 in place on a terminal. */
async function liveTable(g: GlobalOptions) {
  const { chaosLiveTable } = await import("../report/chaos.js");
  const state = { phase: "", faults: [] as string[], services: new Map<string, { endpoints: Record<string, string>; recent: number[] }>() };
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    timer = undefined;
    const text = chaosLiveTable(state, g);
    process.stdout.write((drawn ? `\x1b[${drawn}F\x1b[0J` : "") + text);
    drawn = text.split("\n").length - 1;
  };
  const soon = () => (timer ??= setTimeout(draw, 200));
  return {
    hooks: {
      onPhase: (name: string) => {
        state.phase = name;
        soon();
      },
      onFault: (f: { id: string; what: string }, ev: "applied" | "rolled-back") => {
        state.faults = ev === "applied" ? [...state.faults, `${f.id}: ${f.what}`] : state.faults.filter((x) => !x.startsWith(`${f.id}:`));
        soon();
      },
      onSample: (x: { service: string; endpoint: string; level: string; status: string; ms: number }) => {
        const s = state.services.get(x.service) ?? { endpoints: {}, recent: [] };
        s.endpoints[x.endpoint] = x.level === "fail" && x.status !== "fail" ? x.status : x.level;
        s.recent = [...s.recent.slice(-39), x.ms];
        state.services.set(x.service, s);
        soon();
      },
    } satisfies Hooks,
    clear() {
      if (timer) clearTimeout(timer);
      if (drawn) process.stdout.write(`\x1b[${drawn}F\x1b[0J`);
      drawn = 0;
    },
  };
}
