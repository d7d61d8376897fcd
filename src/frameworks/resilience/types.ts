import type { FileEdit } from "../../model.js";

/** A service this one calls over HTTP, and the environment variable that holds its base URL. */
export interface Downstream {
  name: string;
  env: string;
  /** Where fks learned it, e.g. "docker-compose.yml: api.environment.DATA_URL". */
  from: string;
}

/** Numbers the generated client starts with; each can be changed at run time through its env var. */
export interface ClientSettings {
  /** Deadline of one call, retries included, in seconds. */
  timeout: number;
  connectTimeout: number;
  /** Retries after the first attempt (idempotent methods only). */
  retries: number;
  breakerThreshold: number;
  /** Seconds a breaker stays open before one trial call. */
  breakerReset: number;
}

export type Part = "resilience" | "tracing";

export interface CallsContext {
  part: Part;
  service: string;
  /** Absolute folder of the service. */
  dir: string;
  /** Absolute paths of its source and manifest files. */
  files: string[];
  read(file: string): string;
  /** Declared dependencies, lower-case with "-". */
  deps: Set<string>;
  downstreams: Downstream[];
  settings: ClientSettings;
  /** Wire OpenTelemetry instead of the plain trace-context middleware. */
  otel: boolean;
}

/** A package the generated code imports, with the version it was tested with. */
export interface Requirement {
  /** Python distribution or Rust crate name. */
  name: string;
  version: string;
  /** Cargo: extra table keys, e.g. `default-features = false, features = ["json"]`. */
  cargo?: string;
}

export interface CallsNote {
  message: string;
  file?: string;
  line?: number;
  hint?: string;
}

export interface CallsCodePlan {
  edits: FileEdit[];
  notes: CallsNote[];
  /** The generated (or already generated) module. */
  module?: string;
  requirements: Requirement[];
}

/** One framework's knowledge of how to add a resilient client or trace context to a project. */
export interface CallsAdapter {
  plan(ctx: CallsContext): Promise<CallsCodePlan>;
}
