import { Command, CommanderError, Option } from "commander";
import { COMMANDS } from "./commands/index.js";
import { ConfigError, EXIT_USAGE, FksError, formatConfigIssue } from "./errors.js";
import { VERSION } from "./version.js";


/** Global options that take a value: their value is not the command's name. */
const VALUED = new Set(["-c", "--config", "-C", "--cwd", "-f", "--format"]);

/** The command named on the command line, if it is one fks has; `undefined` means load them all. */
export function requestedCommand(argv: string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUED.has(a)) i++;
    else if (!a.startsWith("-")) return COMMANDS.some((c) => c.name === a) ? a : undefined;
  }
  return undefined;
}

/** The program with every command, or only `only` when the command line names it. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command("fks")
    .description("Make a pile of microservices healthy, observable and well-cut.")
    .version(VERSION, "-V, --version")
    .option("-c, --config <file>", "fks.yaml to use (default: ./fks.yaml if present)")
    .option("-C, --cwd <dir>", "run as if started in this folder")
    .addOption(new Option("-f, --format <format>", "output format: table, json, … (each command lists its own)").env("FKS_FORMAT"))
    .option("--no-color", "plain output without colours")
    .option("-v, --verbose", "show stack traces of internal errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.addHelpText(
    "after",
    `
Examples:
  fks init examples/platform --dry-run          write fks.yaml from what fks finds
  fks services examples/platform                what runs where, with health facts
  fks services ../api ../web --format json      several repos, machine-readable
  fks audit routes examples/platform            every HTTP route, API style findings
  fks scaffold health --check examples/platform what is missing or broken, for CI
  fks scaffold health examples/platform --dry-run   add health endpoints and probes (diffs)
  fks split-plan examples/platform/web          where to cut a monolith, with a plan
  fks ping --all --format junit                 probe every service's health endpoints

Exit codes: 0 ok · 1 findings or unhealthy · 2 usage, config or internal error.`,
  );
  const wanted = COMMANDS.filter((c) => only === undefined || c.name === only);
  for (const register of await Promise.all(wanted.map((c) => c.load()))) register(program);
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}

/** The one place that turns errors into an exit code; commands set theirs through act(). */
export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  try {
    await (await buildProgram(requestedCommand(argv))).parseAsync(argv);
  } catch (e) {
    process.exitCode = report(e, argv.includes("--verbose") || argv.includes("-v"));
  }
}

function report(e: unknown, verbose: boolean): number {
  if (e instanceof CommanderError) {
    // Help and version exit through here with code 0; commander already printed them.
    return e.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (e instanceof ConfigError) {
    for (const i of e.issues) process.stderr.write(`error: ${formatConfigIssue(i)}\n`);
    if (e.issues.length > 1) process.stderr.write(`${e.issues.length} problems in the configuration\n`);
    return EXIT_USAGE;
  }
  if (e instanceof FksError) {
    process.stderr.write(`error: ${e.message}${e.hint ? ` — ${e.hint}` : ""}\n`);
    if (verbose && e.cause) process.stderr.write(`${(e.cause as Error).stack ?? e.cause}\n`);
    return EXIT_USAGE;
  }
  const err = e as Error;
  process.stderr.write(`error: internal error: ${err?.message ?? String(e)} — run again with --verbose and report it\n`);
  if (verbose) process.stderr.write(`${err?.stack ?? ""}\n`);
  return EXIT_USAGE;
}

/**
 * `fks … | head`: a reader that stops early is no error. Without this, the next write fails with
 * EPIPE and Node prints a stack trace. The rest of stdout goes nowhere; the command still
 * finishes, says on stderr what it has to say and sets its exit code.
 */
function endQuietlyOnClosedPipe(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
}
