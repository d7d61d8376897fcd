import type { Command } from "commander";

type Register = (program: Command) => void;

/**
 * Every command, in the order `fks --help` lists them. Each is loaded only when asked for: a run of
 * one command should not pay for parsing the code of all the others (about 35 ms of start-up).
 */
export const COMMANDS: Array<{ name: string; load: () => Promise<Register> }> = [
  { name: "init", load: async () => (await import("./init.js")).register },
  { name: "services", load: async () => (await import("./services.js")).register },
  { name: "scaffold", load: async () => (await import("./scaffold.js")).register },
  { name: "split-plan", load: async () => (await import("./split-plan.js")).register },
  { name: "ping", load: async () => (await import("./ping.js")).register },
  { name: "audit", load: async () => (await import("./audit.js")).register },
  { name: "chaos", load: async () => (await import("./chaos.js")).register },
];
