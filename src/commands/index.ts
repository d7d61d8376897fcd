import type { Command } from "commander";
import { register as audit } from "./audit.js";
import { register as chaos } from "./chaos.js";
import { register as init } from "./init.js";
import { register as ping } from "./ping.js";
import { register as scaffold } from "./scaffold.js";
import { register as services } from "./services.js";
import { register as splitPlan } from "./split-plan.js";

/** Every command, in the order `fks --help` lists them. */
export const COMMANDS: Array<(program: Command) => void> = [init, services, scaffold, splitPlan, ping, audit, chaos];
