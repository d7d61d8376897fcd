import path from "node:path";
import { Option, type Command } from "commander";
import { EXIT_FINDINGS, EXIT_OK, FksError } from "../errors.js";
import { VERSION } from "../version.js";
import { act, config, formatOf, globals, warn, write } from "./context.js";
import { progress } from "./progress.js";
import type { PythonParser } from "../features/split/graph.js";

interface SplitFlags {
  depth?: string;
  target?: string;
  includeTypeOnly?: boolean;
  includeTests?: boolean;
  cache?: boolean;
  parser: PythonParser;
  out?: string;
  json?: string;
  html?: string;
  check?: boolean;
  metricsOnly?: boolean;
  exclude?: string[];
  maxFileKb: string;
  dryRun?: boolean;
  timings?: boolean;
}

const int = (name: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new FksError(`--${name} must be a whole number ≥ ${min} (got "${v}")`, { hint: `e.g. --${name} ${min + 1}` });
  return n;
};

export function register(program: Command): void {
  program
    .command("split-plan")
    .description("measure import coupling in a monolith and propose where to cut it: metrics, cycle breakers, split candidates and an ordered plan")
    .argument("[path]", "folder with the monolith's source", ".")
    .option("--depth <n>", "package depth for package metrics and cycles (default: first depth with two packages)")
    .option("--target <n>", "wanted number of modules after the split")
    .option("--include-type-only", "count imports under `if TYPE_CHECKING:` / `import type`")
    .option("--include-tests", "keep test code (tests/ and benches/ folders, test_*.py, conftest.py, *.test.ts, Rust examples/), left out by default")
    .addOption(new Option("--parser <parser>", "Python parser: the import scanner (built to WebAssembly, else its TypeScript version), scanner-ts (the TypeScript version only) or a full tree-sitter parse").choices(["scanner", "scanner-ts", "tree-sitter"]).default("scanner"))
    .option("--exclude <regex...>", "leave out files whose relative path matches")
    .option("--max-file-kb <kb>", "skip larger files (generated code) with a note", "1024")
    .option("--no-cache", "do not read or write the content-hash cache")
    .option("-o, --out <file>", "write the report (in --format) to a file instead of stdout")
    .option("--json <file>", "also write the JSON report to this file")
    .option("--html <file>", "also write the HTML report to this file")
    .option("--metrics-only", "graph, metrics, cycles and breakers only: no clustering, candidates or plan (faster)")
    .option("--check", "check the `contracts:` of fks.yaml instead of planning; exit 1 on violations")
    .option("--dry-run", "say which files would be written, write nothing")
    .option("--timings", "print the time of each phase (walk, scan of the Python files and which scanner, typescript, rust, graph, metrics, plan) to stderr, and into --format json")
    .addHelpText("after", `
Formats: table (default), json, dot, mermaid, html; with --check: table, json, sarif, junit, github.

Examples:
  fks split-plan src/                              summary table and plan
  fks split-plan . --target 4 --html split.html    aim for four modules, write a picture
  fks split-plan . --format json -o split.json     everything, machine-readable
  fks split-plan . --metrics-only --format json    coupling metrics and cycles, no clustering
  fks split-plan . --format dot | dot -Tsvg > g.svg
  fks split-plan . --check --format sarif          enforce contracts in CI`)
    .action(act(async (target: string, flags: SplitFlags, cmd: Command) => {
      const g = globals(cmd);
      const depth = int("depth", flags.depth, 1);
      const wanted = int("target", flags.target, 1);
      const maxKb = int("max-file-kb", flags.maxFileKb, 1)!;
      const exclude = (flags.exclude ?? []).map((s) => {
        try {
          return new RegExp(s);
        } catch {
          throw new FksError(`--exclude "${s}" is not a regular expression`, { hint: "e.g. --exclude '(^|/)tests?/'" });
        }
      });
      const { splitPlan } = await import("../features/split/index.js");
      const opts = { path: target, cwd: g.cwd, depth, target: wanted, includeTypeOnly: !!flags.includeTypeOnly, includeTests: !!flags.includeTests, cacheDir: flags.cache === false ? (false as const) : undefined, env: process.env, parser: flags.parser, maxFileBytes: maxKb * 1024, exclude };
      if (flags.check) {
        const { FINDING_FORMATS, renderFindings, reaches } = await import("../report/findings.js");
        const format = formatOf(g, FINDING_FORMATS, "table");
        const loaded = await config(g);
        const contracts = loaded.config.contracts ?? [];
        if (contracts.length === 0) throw new FksError("no contracts to check", { hint: "add a contracts: section to fks.yaml (layers, forbidden, independence)" });
        const result = await splitPlan({ ...opts, graphOnly: true });
        const { checkContracts } = await import("../features/split/contracts.js");
        const display = (rel: string) => path.relative(g.cwd, path.join(result.root, rel)) || rel;
        const checked = checkContracts(result.graph, contracts, display);
        await emit(renderFindings(checked.findings, format, { color: g.color, tool: { name: "fks", version: VERSION }, suite: "split-plan contracts", extra: { contracts: checked.contracts } }), flags);
        return reaches(checked.findings, "error") ? EXIT_FINDINGS : EXIT_OK;
      }
      const { SPLIT_FORMATS } = await import("../report/split.js");
      const format = formatOf(g, SPLIT_FORMATS, "table");
      const spin = await progress(g, "reading imports");
      const result = await splitPlan({ ...opts, graphOnly: !!flags.metricsOnly }).finally(() => spin.stop());
      const extra: Array<{ file: string; content: string }> = [];
      if (flags.json) extra.push({ file: flags.json, content: await render(result, "json", g, flags.timings) });
      if (flags.html) extra.push({ file: flags.html, content: await render(result, "html", g) });
      await emit(await render(result, format, g, flags.timings), flags, extra);
      if (flags.timings || (format === "table" && result.graph.stats.files > 0 && g.verbose)) {
        const { splitTimings } = await import("../report/split.js");
        warn(splitTimings(result));
      }
      return EXIT_OK;
    }));
}

async function render(result: import("../features/split/types.js").SplitResult, format: string, g: { color: boolean; cwd: string }, timings = false): Promise<string> {
  const report = await import("../report/split.js");
  switch (format) {
    case "json": return report.splitJson(result, { timings });
    case "dot": return report.splitDot(result);
    case "mermaid": return report.splitMermaid(result);
    case "html": return (await import("../report/split/html.js")).splitHtml(result, { cwd: g.cwd });
    default: return report.splitTable(result, { color: g.color, cwd: g.cwd });
  }
}

/** Prints the main report or writes it; every file is written atomically, none with --dry-run. */
async function emit(main: string, flags: SplitFlags, extra: Array<{ file: string; content: string }> = []): Promise<void> {
  const files = [...extra];
  if (flags.out) files.unshift({ file: flags.out, content: main });
  else write(main);
  if (files.length === 0) return;
  if (flags.dryRun) {
    for (const f of files) warn(`would write ${f.file} (${f.content.length} bytes)`);
    return;
  }
  const { writeFilesAtomic } = await import("../io/fs.js");
  await writeFilesAtomic(files.map((f) => ({ file: path.resolve(f.file), content: f.content })));
  for (const f of files) warn(`wrote ${f.file}`);
}
