import path from "node:path";
import type { Command } from "commander";
import { FksError } from "../errors.js";
import type { LoadedConfig } from "../config/load.js";

export interface GlobalOptions {
  config?: string;
  cwd: string;
  format?: string;
  color: boolean;
  verbose: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as { config?: string; cwd?: string; format?: string; color?: boolean; verbose?: boolean };
  const color = o.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
  return { config: o.config, cwd: path.resolve(o.cwd ?? process.cwd()), format: o.format, color, verbose: !!o.verbose };
}

/** Loads fks.yaml; zod and yaml load here, not at start-up, so --help stays fast. */
export async function config(g: GlobalOptions): Promise<LoadedConfig> {
  const { loadConfig } = await import("../config/load.js");
  return loadConfig({ cwd: g.cwd, configPath: g.config, env: process.env });
}

/** Validates --format against what the command can render. */
export function formatOf<T extends string>(g: GlobalOptions, allowed: readonly T[], fallback: T): T {
  const f = (g.format ?? fallback) as T;
  if (!allowed.includes(f)) {
    throw new FksError(`unknown format "${g.format}"`, { hint: `use one of: ${allowed.join(", ")}` });
  }
  return f;
}

export function write(text: string): void {
  process.stdout.write(text);
}

export function warn(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : text + "\n");
}

/** Wraps a command body that returns its exit code; errors propagate to the one catch in cli.ts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function act<A extends any[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    process.exitCode = await fn(...args);
  };
}
