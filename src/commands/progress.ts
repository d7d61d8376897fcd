import type { GlobalOptions } from "./context.js";

export interface Progress {
  update(text: string): void;
  stop(): void;
}

/** A spinner on an interactive terminal, silence everywhere else (CI logs, pipes, JSON). */
export async function progress(g: GlobalOptions, text: string): Promise<Progress> {
  const machine = g.format && g.format !== "table";
  if (!process.stderr.isTTY || machine || process.env.CI) return { update() {}, stop() {} };
  const { default: ora } = await import("ora");
  const spinner = ora({ text, stream: process.stderr }).start();
  return { update: (t) => (spinner.text = t), stop: () => spinner.stop() };
}
