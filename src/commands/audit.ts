import path from "node:path";
import { Command, Option } from "commander";
import type { Route } from "../model.js";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FksError } from "../errors.js";
import { VERSION } from "../version.js";
import { act, config, formatOf, globals, warn, write } from "./context.js";
import { progress } from "./progress.js";
import { registerCalls } from "./audit-calls.js";
import { registerOverlap } from "./audit-overlap.js";

const FORMATS = ["table", "json", "markdown", "openapi", "sarif", "junit", "github"] as const;
const FAIL_ON = ["error", "warning", "note", "breaking", "none"] as const;

interface RoutesFlags {
  failOn: (typeof FAIL_ON)[number];
  baseline?: string;
  updateBaseline?: boolean;
  diff?: string;
  gateway?: string;
  outDir?: string;
  dryRun?: boolean;
}

export function register(program: Command): void {
  const audit = program
    .command("audit")
    .description("audit the services: routes, calls between services, code and routes they share")
    .addHelpText("after", "\nExamples:\n  fks audit routes examples/platform\n  fks audit calls examples/platform\n  fks audit overlap ../orders ../billing\n  fks audit routes --format sarif > routes.sarif");
  registerCalls(audit);
  registerOverlap(audit);
  audit
    .command("routes")
    .description("static catalog of every HTTP route (FastAPI, Starlette, Litestar, Flask with Flask-RESTX/RESTful, Django/DRF/django-ninja, axum, actix-web, Express, Fastify), API style rules, contracts and a breaking-change diff")
    .argument("[paths...]", "folders or repositories to scan (default: roots in fks.yaml, else the current folder)")
    .addOption(new Option("--fail-on <level>", "exit 1 when a finding reaches this level, or on breaking changes").choices(FAIL_ON).default("error"))
    .option("--baseline <file>", "leave out findings recorded in this baseline file")
    .option("--update-baseline", "write the current findings to the --baseline file (default fks-routes-baseline.json) and exit 0")
    .option("--diff <old.json>", "compare with an earlier `--format json` output: removed routes and methods are breaking")
    .addOption(new Option("--gateway <kind>", "print a gateway config routing each prefix to its service").choices(["nginx"]))
    .option("--out-dir <dir>", "with --format openapi or markdown: write one file per service into this folder")
    .option("--dry-run", "with --update-baseline or --out-dir: show what would be written")
    .addHelpText(
      "after",
      `
Formats (--format): ${FORMATS.join(", ")}

Examples:
  fks audit routes examples/platform
  fks audit routes ../api ../data --format json > routes.json
  fks audit routes --diff routes.json --fail-on breaking
  fks audit routes --format sarif > routes.sarif
  fks audit routes --format openapi --out-dir contracts/
  fks audit routes --gateway nginx > gateway.conf
  fks audit routes --baseline .fks-routes-baseline.json --update-baseline

Silence one finding with a comment on the route's line: # fks-ignore: route-verb-in-path
Rules and their severities: the rules: section of fks.yaml, e.g.
  rules:
    route-shadowed: warning
    route-path-case: { case: snake }
    route-health-missing: off`,
    )
    .action(act(async (paths: string[], flags: RoutesFlags, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, FORMATS, "table");
      const loaded = await config(g);
      const { readText, writeFileAtomic, existsSync } = await import("../io/fs.js");
      const routes = await import("../features/routes/index.js");
      const previous = flags.diff ? await readPrevious(path.resolve(g.cwd, flags.diff), flags.diff, readText, existsSync) : undefined;
      const baselineFile = flags.baseline ?? (flags.updateBaseline ? "fks-routes-baseline.json" : undefined);
      let baseline: import("../features/routes/index.js").Baseline | undefined;
      if (flags.baseline && !flags.updateBaseline) {
        const file = path.resolve(g.cwd, flags.baseline);
        if (!existsSync(file)) throw new FksError(`baseline not found: ${flags.baseline}`, { hint: "create it with --update-baseline" });
        const parsed = routes.parseBaseline(await readText(file));
        if (typeof parsed === "string") throw new FksError(`${flags.baseline}:1 ${parsed}`, { file: flags.baseline, line: 1, hint: "regenerate it with --update-baseline" });
        baseline = parsed;
      }
      const spin = await progress(g, "extracting routes");
      const res = await routes
        .auditRoutes({ cwd: g.cwd, paths, config: loaded.config, configDir: loaded.dir, baseline, previous, onProgress: (e) => spin.update(`${e.phase} ${e.files ?? ""}`) })
        .finally(() => spin.stop());

      if (flags.updateBaseline) {
        const file = path.resolve(g.cwd, baselineFile!);
        const text = JSON.stringify(routes.makeBaseline(res.findings), null, 2) + "\n";
        if (flags.dryRun) write(text);
        else {
          await writeFileAtomic(file, text);
          warn(`wrote ${res.findings.length} findings to ${baselineFile} — next runs with --baseline ${baselineFile} report only new ones`);
        }
        return EXIT_OK;
      }

      const report = await import("../report/routes.js");
      // Discovery's diagnostics: in the JSON document, else one line each on stderr.
      if (res.diagnostics.length && !(format === "json" && !flags.gateway)) {
        const { diagnosticLines } = await import("../report/findings.js");
        warn(diagnosticLines(res.diagnostics, g));
      }
      if (flags.gateway) {
        const { nginxGateway } = await import("../report/routes-gateway.js");
        write(nginxGateway(res.routes, res.services.map((s) => ({ service: s.name, url: `http://${s.name}${s.port ? `:${s.port}` : ""}` }))));
      } else if (format === "openapi" || format === "markdown") {
        await writeContracts(format, res, flags, g.cwd, write, warn, writeFileAtomic);
      } else if (format === "table") write(report.routesTable(res, g));
      else if (format === "json") write(report.routesJson(res));
      else {
        const { renderFindings } = await import("../report/findings.js");
        const tool = { name: "fks", version: VERSION, rules: routes.ROUTE_RULES.map((r) => ({ id: r.id, description: `${r.description} (${r.matches})` })) };
        write(renderFindings(res.findings, format, { color: g.color, tool, suite: "fks audit routes", extra: {} }));
      }
      if (res.routes.length === 0) {
        warn(`no routes found in ${res.roots.map((r) => path.relative(g.cwd, r) || ".").join(", ")} — fks reads FastAPI, Starlette, Litestar, Flask (Flask-RESTX/RESTful), Django (DRF, django-ninja), axum, actix-web, Express and Fastify code`);
        if (res.services.length === 0) return EXIT_USAGE;
      }
      return exitCode(flags.failOn, res);
    }));
}

function exitCode(failOn: RoutesFlags["failOn"], res: import("../features/routes/index.js").AuditRoutesResult): number {
  if (failOn === "none") return EXIT_OK;
  if (failOn === "breaking") return res.diff?.some((d) => d.breaking) ? EXIT_FINDINGS : EXIT_OK;
  const rank = { note: 0, warning: 1, error: 2 } as const;
  return res.findings.some((f) => rank[f.severity] >= rank[failOn]) ? EXIT_FINDINGS : EXIT_OK;
}

async function readPrevious(file: string, shown: string, readText: (f: string) => Promise<string>, exists: (f: string) => boolean): Promise<Route[]> {
  if (!exists(file)) throw new FksError(`--diff file not found: ${shown}`, { hint: "save a catalog first: fks audit routes --format json > routes.json" });
  let data: unknown;
  try {
    data = JSON.parse(await readText(file));
  } catch (e) {
    throw new FksError(`${shown}:1 is not valid JSON (${(e as Error).message})`, { file: shown, line: 1, hint: "pass the output of fks audit routes --format json" });
  }
  const list = Array.isArray(data) ? data : (data as { routes?: unknown })?.routes;
  if (!Array.isArray(list) || list.some((r) => typeof r?.method !== "string" || typeof r?.path !== "string" || typeof r?.service !== "string")) {
    throw new FksError(`${shown} holds no route catalog`, { hint: "pass the output of fks audit routes --format json (an object with routes: [...])" });
  }
  return list as Route[];
}

async function writeContracts(
  format: "openapi" | "markdown",
  res: import("../features/routes/index.js").AuditRoutesResult,
  flags: RoutesFlags,
  cwd: string,
  out: (s: string) => void,
  note: (s: string) => void,
  writeFileAtomic: (f: string, c: string) => Promise<void>,
): Promise<void> {
  const report = await import("../report/routes.js");
  const { routesOpenapi } = await import("../report/routes-openapi.js");
  if (!flags.outDir) {
    out(format === "openapi" ? routesOpenapi(res.routes).text : report.routesMarkdown(res));
    return;
  }
  const dir = path.resolve(cwd, flags.outDir);
  const files: Array<{ file: string; content: string }> = [];
  if (format === "openapi") {
    for (const [svc, doc] of routesOpenapi(res.routes).docs) files.push({ file: path.join(dir, `${svc}.openapi.json`), content: JSON.stringify(doc, null, 2) + "\n" });
  } else {
    files.push({ file: path.join(dir, "CONTRACTS.md"), content: report.routesMarkdown(res) });
  }
  for (const f of files) {
    if (flags.dryRun) note(`would write ${path.relative(cwd, f.file)} (${f.content.length} bytes)`);
    else await writeFileAtomic(f.file, f.content);
  }
  if (!flags.dryRun) note(`wrote ${files.length} file${files.length === 1 ? "" : "s"} to ${path.relative(cwd, dir) || "."}`);
}
