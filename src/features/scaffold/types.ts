import type { FileEdit, Finding, HealthPaths, ServiceRecord } from "../../model.js";
import type { DependencyCheck } from "../../frameworks/health/types.js";

/** A finding plus whether the planned edits fix it. */
export interface PlanFinding extends Finding {
  fixed: boolean;
  /** A broken existing healthcheck fks would replace with --force (kept without it). */
  needsForce?: boolean;
}

export interface Timing {
  interval: number;
  timeout: number;
  startPeriod: number;
  retries: number;
}

export interface ScaffoldSettings {
  force: boolean;
  tokenEnv: string;
  ratePerSecond: number;
  timing: Timing;
}

/** What the planners know about one service, after its code plan. */
export interface ServicePlanInput {
  record: ServiceRecord;
  dir?: string;
  paths: HealthPaths;
  checks: DependencyCheck[];
  /** Paths the code serves after the plan (the generated ones plus what was already there). */
  served: Set<string>;
  /** What the route catalog says about a path (undefined when it cannot tell). */
  serves?: (path: string) => boolean | undefined;
  selfCheck?: (binaryPath: string) => string[];
  /**
   * Why fks cannot add the health endpoints to this service's code, when it cannot and the code
   * does not serve them: no HEALTHCHECK or probe may then ask for a path that will answer 404.
   */
  unservable?: string;
  /** Why the service gets no HTTP healthcheck or probe at all: a worker, or an off-the-shelf server (nginx) whose health lives in its configuration. */
  noProbe?: string;
  /** A worker built from the image of this HTTP service, whose HEALTHCHECK the worker's container inherits. */
  inheritsHealthcheck?: { from: string; /** The image has that HEALTHCHECK already (not only after this plan). */ already: boolean };
}

export interface PlanParts {
  edits: FileEdit[];
  findings: PlanFinding[];
}
