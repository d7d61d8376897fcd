import path from "node:path";
import type { Command } from "commander";
import { EXIT_OK } from "../errors.js";
import { act, globals, warn, write } from "./context.js";

export function register(program: Command): void {
  program
    .command("init")
    .description("write a commented fks.yaml from what fks discovers")
    .argument("[paths...]", "folders or repositories to scan (default: the current folder)")
    .option("--force", "overwrite an existing fks.yaml")
    .option("--dry-run", "print the file instead of writing it")
    .option("-o, --output <file>", "where to write", "fks.yaml")
    .addHelpText("after", "\nExamples:\n  fks init examples/platform --dry-run\n  fks init ../api ../data ../web --force")
    .action(act(async (paths: string[], opts: { force?: boolean; dryRun?: boolean; output: string }, cmd: Command) => {
      const g = globals(cmd);
      const { init } = await import("../features/init/index.js");
      const res = await init({ cwd: g.cwd, paths, file: opts.output, force: opts.force, dryRun: opts.dryRun });
      const shown = path.relative(g.cwd, res.file) || res.file;
      if (opts.dryRun) write(res.content);
      else warn(res.written ? `wrote ${shown} with ${res.discovery.services.length} services — next: fks services` : `${shown} is already up to date`);
      return EXIT_OK;
    }));
}
