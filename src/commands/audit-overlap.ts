import path from "node:path";
import type { Command } from "commander";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FksError } from "../errors.js";
import { VERSION } from "../version.js";
import { act, config, formatOf, globals, warn, write } from "./context.js";
import { progress } from "./progress.js";

const FORMATS = ["table", "json", "markdown", "sarif"] as const;

interface OverlapFlags {
  threshold: string;
  minLines: string;
  routes: boolean;
}

/** `fks audit overlap`: registered under `fks audit`. */
export function registerOverlap(audit: Command): void {
  audit
    .command("overlap")
    .description("modules copied between services or repos (identical or near-identical, with their drift) and routes served by more than one service")
    .argument("[paths...]", "folders or repositories to compare (default: roots in fks.yaml, else the current folder)")
    .option("--threshold <0-1>", "token similarity from which two files count as copies", "0.8")
    .option("--min-lines <n>", "leave out files with fewer non-blank lines", "8")
    .option("--no-routes", "compare source files only, not the route catalogs")
    .addHelpText(
      "after",
      `
Formats (--format): ${FORMATS.join(", ")}

Examples:
  fks audit overlap ../orders ../billing ../users
  fks audit overlap services/ --threshold 0.9
  fks audit overlap --format markdown > OVERLAP.md
  fks audit overlap --format sarif > overlap.sarif

Python, Rust and JavaScript/TypeScript files are compared after normalising line endings and trailing
spaces (identical copies) and as token sequences with identifiers abstracted (near copies, renamed
names included). Generated, vendored and installed code, migrations, files under --min-lines and
__init__.py files that only import are left out. Probe and docs paths (/health, /live, /docs, …) are
not counted as routes served twice. Exit 1 when anything is copied or served twice.`,
    )
    .action(act(async (paths: string[], flags: OverlapFlags, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, FORMATS, "table");
      const threshold = Number(flags.threshold);
      if (!(threshold > 0 && threshold <= 1)) throw new FksError(`--threshold must be a number above 0 and at most 1 (got "${flags.threshold}")`, { hint: "e.g. --threshold 0.8" });
      const minLines = Number(flags.minLines);
      if (!Number.isInteger(minLines) || minLines < 1) throw new FksError(`--min-lines must be a whole number ≥ 1 (got "${flags.minLines}")`, { hint: "e.g. --min-lines 8" });
      const loaded = await config(g);
      const overlap = await import("../features/overlap/index.js");
      const spin = await progress(g, "comparing sources");
      const res = await overlap
        .auditOverlap({
          cwd: g.cwd,
          paths,
          config: loaded.config,
          configDir: loaded.dir,
          threshold,
          minLines,
          skipRoutes: !flags.routes,
          onProgress: (e) => spin.update(`${e.phase}${e.total ? ` ${e.done ?? ""}${e.done !== undefined ? "/" : ""}${e.total}` : ""}`),
        })
        .finally(() => spin.stop());
      const report = await import("../report/overlap.js");
      if (format === "table") write(report.overlapTable(res, g));
      else if (format === "json") write(report.overlapJson(res));
      else if (format === "markdown") write(report.overlapMarkdown(res));
      else {
        const { renderFindings } = await import("../report/findings.js");
        const tool = { name: "fks", version: VERSION, rules: overlap.OVERLAP_RULES.map((r) => ({ id: r.id, description: r.description })) };
        write(renderFindings([...res.findings, ...res.diagnostics], "sarif", { color: g.color, tool, suite: "fks audit overlap" }));
      }
      if (g.verbose || format === "table") for (const d of res.diagnostics.filter((x) => x.severity !== "note")) warn(`${d.file ?? ""}${d.line ? `:${d.line}` : ""} ${d.message}`);
      if (res.stats.files === 0) {
        warn(`no Python, Rust or JavaScript/TypeScript files found in ${res.roots.map((r) => path.relative(g.cwd, path.resolve(g.cwd, r)) || ".").join(", ")}`);
        return EXIT_USAGE;
      }
      return res.findings.length > 0 ? EXIT_FINDINGS : EXIT_OK;
    }));
}
