/** The fks library: one function per command, each returning a plain result. */
export { discover, type DiscoverOptions, type DiscoverResult } from "./features/discover/index.js";
export { scaffoldHealth, type ScaffoldHealthOptions, type ScaffoldHealthResult } from "./features/scaffold/index.js";
export { scaffoldResilience, scaffoldTracing, type ScaffoldCallsOptions, type ScaffoldCallsResult } from "./features/resilience/index.js";
export { init, type InitOptions, type InitResult } from "./features/init/index.js";
export { splitPlan, type SplitOptions, type SplitResult } from "./features/split/index.js";
export { loadConfig, type LoadedConfig } from "./config/load.js";
export { configSchema, type FksConfig, type ServiceConfig } from "./config/schema.js";
export { configJsonSchema } from "./config/json-schema.js";
export { FksError, ConfigError, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE } from "./errors.js";
export type * from "./model.js";
export { ping, type PingOptions, type PingResult, type ServiceResult, type EndpointResult } from "./features/ping/index.js";
export { auditRoutes, diffRoutes, ROUTE_RULES, type AuditRoutesOptions, type AuditRoutesResult, type RouteChange } from "./features/routes/index.js";
export { auditCalls, buildCallGraph, CALL_RULES, type AuditCallsOptions } from "./features/calls/index.js";
export { auditOverlap, OVERLAP_RULES, type OverlapOptions, type OverlapResult, type CopiedFolder, type CopiedFile, type RouteServedTwice } from "./features/overlap/index.js";
export type { AuditCallsResult, CallGraph, CallEdge, CallTarget, OutboundCall, RetryFact, TargetSource } from "./features/calls/types.js";
export { chaosRun, chaosRollback, chaosProxies, planExperiment, parseExperimentFile, dependencyEdges, type ChaosRunOptions, type ChaosRunResult, type Experiment, type Fault } from "./features/chaos/index.js";
export { chaosMatrix, type ChaosMatrixOptions, type ChaosMatrixResult } from "./features/chaos/matrix.js";
export { chaosInitCompose, type ChaosComposeResult } from "./features/chaos/compose.js";
