import path from "node:path";
import { Command, Option } from "commander";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FksError } from "../errors.js";
import { VERSION } from "../version.js";
import { act, config, formatOf, globals, warn, write } from "./context.js";
import { progress } from "./progress.js";

const FORMATS = ["table", "json", "dot", "mermaid", "sarif", "junit", "github"] as const;
const FAIL_ON = ["error", "warning", "note", "none"] as const;

interface CallsFlags {
  failOn: (typeof FAIL_ON)[number];
  fanOut?: string;
}

/** `fks audit calls`: registered under `fks audit`. */
export function registerCalls(audit: Command): void {
  audit
    .command("calls")
    .description("static call graph between services (httpx, requests, aiohttp, urllib3, reqwest, fetch, undici, axios): targets, routes, dead calls, timeouts, retries, breakers, trace propagation, cycles")
    .argument("[paths...]", "folders or repositories to scan (default: roots in fks.yaml, else the current folder)")
    .addOption(new Option("--fail-on <level>", "exit 1 when a finding reaches this level").choices(FAIL_ON).default("error"))
    .option("--fan-out <n>", "flag a service calling more distinct services than this (default: calls.fanOut in fks.yaml, else 5)")
    .addHelpText(
      "after",
      `
Formats (--format): ${FORMATS.join(", ")}

Examples:
  fks audit calls examples/platform
  fks audit calls ../api ../data ../web --format json > calls.json
  fks audit calls --format mermaid >> ARCHITECTURE.md
  fks audit calls --format dot | dot -Tsvg > calls.svg
  fks audit calls --format sarif --fail-on warning > calls.sarif

Targets are resolved from literals, f-strings and format(), settings classes (pydantic BaseSettings
fields and their defaults), os.getenv/os.environ/std::env::var defaults and the variable's value in
docker-compose, Kubernetes and .env files. Unresolved targets are listed with their expression.
Silence one finding with a comment on the call's line: # fks-ignore: calls/no-breaker`,
    )
    .action(act(async (paths: string[], flags: CallsFlags, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, FORMATS, "table");
      const fanOut = flags.fanOut === undefined ? undefined : Number(flags.fanOut);
      if (fanOut !== undefined && (!Number.isInteger(fanOut) || fanOut < 1)) throw new FksError(`--fan-out must be a whole number ≥ 1 (got "${flags.fanOut}")`, { hint: "e.g. --fan-out 5" });
      const loaded = await config(g);
      const calls = await import("../features/calls/index.js");
      const spin = await progress(g, "reading calls");
      const res = await calls.auditCalls({ cwd: g.cwd, paths, config: loaded.config, configDir: loaded.dir, fanOut }).finally(() => spin.stop());
      const report = await import("../report/calls.js");
      if (format === "table") write(report.callsTable(res, g));
      else if (format === "json") write(report.callsJson(res));
      else if (format === "dot") write(report.callsDot(res));
      else if (format === "mermaid") write(report.callsMermaid(res));
      else {
        const { renderFindings } = await import("../report/findings.js");
        const tool = { name: "fks", version: VERSION, rules: calls.CALL_RULES.map((r) => ({ id: r.id, description: r.description })) };
        write(renderFindings(res.findings, format, { color: g.color, tool, suite: "fks audit calls" }));
      }
      if (res.stats.files === 0) {
        warn(`no source files found in ${res.roots.map((r) => path.relative(g.cwd, r) || ".").join(", ")}`);
        return EXIT_USAGE;
      }
      if (flags.failOn === "none") return EXIT_OK;
      const rank = { note: 0, warning: 1, error: 2 } as const;
      return res.findings.some((f) => rank[f.severity] >= rank[flags.failOn as keyof typeof rank]) ? EXIT_FINDINGS : EXIT_OK;
    }));
}
