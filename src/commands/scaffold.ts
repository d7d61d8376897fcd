import { Option, type Command } from "commander";
import { EXIT_FINDINGS, EXIT_OK, FksError } from "../errors.js";
import { VERSION } from "../version.js";
import type { Severity } from "../model.js";
import { act, config, formatOf, globals, warn, write } from "./context.js";
import { progress } from "./progress.js";
import { registerCalls } from "./scaffold-calls.js";

export function register(program: Command): void {
  const scaffold = program
    .command("scaffold")
    .description("generate standard pieces into existing services")
    .addHelpText("after", "\nExamples:\n  fks scaffold health --check examples/platform\n  fks scaffold health examples/platform --dry-run");
  scaffold
    .command("health")
    .description("add /live, /ready and /health endpoints, Dockerfile HEALTHCHECKs, compose healthchecks and Kubernetes probes")
    .argument("[paths...]", "folders or repositories to scan (default: roots in fks.yaml, else the current folder)")
    .option("-s, --service <name>", "only this service")
    .option("--dry-run", "print unified diffs and write nothing")
    .option("--force", "also replace broken existing HEALTHCHECKs, compose healthchecks and non-HTTP probes")
    .option("--check", "write nothing; report what is missing or broken (for CI)")
    // No commander defaults: unset flags fall back to fks.yaml scaffold.health, then to the built-in defaults.
    .addOption(new Option("--fail-on <severity>", "with --check: exit 1 on findings at or above (default: error)").choices(["error", "warning", "note"]))
    .option("--token-env <name>", "env var holding the token that unlocks /health details (default: FKS_HEALTH_TOKEN)")
    .option("--rate <n>", "/health requests per second per client (default: 10)", (v) => positive(v, "--rate"))
    .option("--interval <seconds>", "HEALTHCHECK, compose and liveness interval, 10–30 (default: 15)", (v) => positive(v, "--interval"))
    .option("--timeout <seconds>", "probe timeout (default: 3)", (v) => positive(v, "--timeout"))
    .option("--start-period <seconds>", "HEALTHCHECK and compose start period (default: 10)", (v) => positive(v, "--start-period", true))
    .option("--failure-threshold <n>", "failures before unhealthy; --check flags other values (default: 3)", (v) => positive(v, "--failure-threshold"))
    .addHelpText(
      "after",
      `
Examples:
  fks scaffold health --check examples/platform          what is missing or broken (exit 1 on errors)
  fks scaffold health examples/platform --dry-run        the edits as unified diffs
  fks scaffold health examples/platform                  write them (atomic; a second run changes nothing)
  fks scaffold health examples/platform --force          also replace broken existing healthchecks
  fks scaffold health --check --format sarif > health.sarif

Settings: defaults < fks.yaml (scaffold.health: tokenEnv, rate, interval, timeout, startPeriod,
failureThreshold, failOn) < FKS_SCAFFOLD__HEALTH__<KEY> env < flags.
Formats with --check: table, json, sarif, junit, github.`,
    )
    .action(act(async (paths: string[], opts: { service?: string; dryRun?: boolean; force?: boolean; check?: boolean; failOn?: Severity; tokenEnv?: string; rate?: number; interval?: number; timeout?: number; startPeriod?: number; failureThreshold?: number }, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json", "sarif", "junit", "github"] as const, "table");
      const loaded = await config(g);
      const { scaffoldHealth } = await import("../features/scaffold/index.js");
      const spin = await progress(g, "planning health scaffolding");
      const res = await scaffoldHealth({
        cwd: g.cwd, paths, config: loaded.config, configDir: loaded.dir, service: opts.service, force: opts.force, dryRun: opts.dryRun, check: opts.check,
        tokenEnv: opts.tokenEnv, ratePerSecond: opts.rate, onProgress: (t) => spin.update(t),
        timing: { interval: opts.interval, timeout: opts.timeout, startPeriod: opts.startPeriod, retries: opts.failureThreshold },
      }).finally(() => spin.stop());
      const findings = await import("../report/findings.js");
      const render = (list: typeof res.findings) =>
        findings.renderFindings(list, format, { color: g.color, tool: { name: "fks scaffold health", version: VERSION, rules: res.rules.map((r) => ({ id: r.id, description: r.description, matches: r.matches })) }, suite: "fks scaffold health", extra: { services: res.services, diagnostics: res.diagnostics } });
      // Discovery's diagnostics: in the JSON document, else one line each on stderr.
      if (res.diagnostics.length && format !== "json") warn(findings.diagnosticLines(res.diagnostics, g));
      if (opts.check) {
        write(render(res.findings));
        return findings.reaches(res.findings, opts.failOn ?? res.settings.failOn) ? EXIT_FINDINGS : EXIT_OK;
      }
      const report = await import("../report/scaffold.js");
      if (format === "json") write(JSON.stringify({ edits: res.edits, findings: res.findings, written: res.written, diagnostics: res.diagnostics }, null, 2) + "\n");
      else if (opts.dryRun) write(report.editsDiff(res.edits));
      else warn(report.editsSummary(res.edits, false));
      if (res.findings.length && format !== "json") {
        warn(findings.findingsTable(res.findings, { color: g.color }));
        const kept = res.keptBroken;
        if (kept) warn(`${kept.count} broken healthcheck${kept.count === 1 ? " was" : "s were"} kept (${kept.services.join(", ")}): run \`${kept.command}\` to replace ${kept.count === 1 ? "it" : "them"}`);
      }
      return res.findings.some((f) => f.rule === "health/unparsable") ? 2 : EXIT_OK;
    }));
  registerCalls(scaffold);
}

function positive(v: string, flag: string, zero = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zero)) throw new FksError(`${flag} must be a ${zero ? "non-negative" : "positive"} number (got "${v}")`, { hint: `e.g. ${flag} 10` });
  return n;
}
