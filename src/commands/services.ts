import type { Command } from "commander";
import { EXIT_OK, EXIT_USAGE } from "../errors.js";
import { act, config, formatOf, globals, warn, write } from "./context.js";
import { progress } from "./progress.js";

export function register(program: Command): void {
  program
    .command("services")
    .description("list the services fks finds: language, framework, port, health endpoints, HEALTHCHECK, compose and k8s probes")
    .argument("[paths...]", "folders or repositories to scan (default: roots in fks.yaml, else the current folder)")
    .addHelpText("after", "\nExamples:\n  fks services examples/platform\n  fks services ../api ../data ../web --format json")
    .action(act(async (paths: string[], _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const format = formatOf(g, ["table", "json"] as const, "table");
      const loaded = await config(g);
      const { discover } = await import("../features/discover/index.js");
      const spin = await progress(g, "discovering services");
      const result = await discover({ paths, cwd: g.cwd, config: loaded.config, configDir: loaded.dir, onProgress: (e) => spin.update(`${e.phase} ${e.files ?? ""}`) }).finally(() => spin.stop());
      const report = await import("../report/services.js");
      if (format === "json") write(report.servicesJson(result));
      else if (result.services.length > 0) write(report.servicesTable(result, g));
      if (result.services.length === 0) {
        warn(`no services found in ${result.roots.join(", ")} — point fks at the folders that hold your services, or list them in fks.yaml`);
        return EXIT_USAGE;
      }
      return EXIT_OK;
    }));
}
