import type { FileEdit, HealthPaths, Route } from "../../model.js";
import type { ProbeGuard } from "./guards.js";

/** A dependency the generated /ready endpoint checks. */
export interface DependencyCheck {
  /** Component name in the report, e.g. "postgres" → check "postgres:responseTime". */
  name: string;
  kind: "postgres" | "redis" | "rabbitmq" | "http" | "database";
  /** Environment variable holding the URL (or the Django database alias for kind "database"). */
  env: string;
  /** A failing critical check fails /ready; a non-critical one only warns. */
  critical: boolean;
  /** For http checks: the downstream's liveness path. */
  path?: string;
}

/** What a framework's health knowledge needs to plan the code of one service. */
export interface HealthContext {
  service: string;
  /** Absolute folder of the service. */
  dir: string;
  /** Absolute paths of the service's source and manifest files. */
  files: string[];
  read(file: string): string;
  /** Declared dependencies (requirements, pyproject, Cargo.toml), lower-case with "-". */
  deps: Set<string>;
  paths: HealthPaths;
  checks: DependencyCheck[];
  tokenEnv: string;
  ratePerSecond: number;
  port?: number;
  version?: string;
  /**
   * What the service's start command serves (discovery's served entry): the app object's file
   * (absolute) and line, or Django's settings module. Health is wired there, not into another app.
   */
  entry?: { appFile?: string; appLine?: number; appModule?: string; settings?: string; reason: string };
  /** Routes of the service already serving a probe path (route catalog), to see what guards them. */
  probeRoutes?: Route[];
}

export interface HealthCodePlan {
  /** Files to create or change; empty when the endpoints are already wired. File paths are absolute. */
  edits: FileEdit[];
  /** Where the endpoints are (or will be) served: the generated module, for messages. */
  module?: string;
  /** A command that probes the service from inside its own image (for images without a shell). */
  selfCheck?: (binaryPath: string) => string[];
  /** Things the plan could not do, for --check and the summary. */
  notes: Array<{ message: string; file?: string; line?: number; hint?: string }>;
  /** Authentication or rate limiting in the service's code that reaches (or would reach) the probes. */
  guards?: ProbeGuard[];
}

/** A framework's knowledge of how to add /live, /ready and /health to a project. */
export interface HealthAdapter {
  /** Plans the code edits; throws FksError with file:line when a file it must change does not parse. */
  plan(ctx: HealthContext): Promise<HealthCodePlan>;
}
