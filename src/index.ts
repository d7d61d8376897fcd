/** The fks library: one function per command, each returning a plain result. */
export { discover, type DiscoverOptions, type DiscoverResult } from "./features/discover/index.js";
export { scaffoldHealth, type ScaffoldHealthOptions, type ScaffoldHealthResult } from "./features/scaffold/index.js";
export { init, type InitOptions, type InitResult } from "./features/init/index.js";
export { splitPlan, type SplitOptions, type SplitResult } from "./features/split/index.js";
export { loadConfig, type LoadedConfig } from "./config/load.js";
export { configSchema, type FksConfig, type ServiceConfig } from "./config/schema.js";
export { configJsonSchema } from "./config/json-schema.js";
export { FksError, ConfigError, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE } from "./errors.js";
export type * from "./model.js";
export { ping, type PingOptions, type PingResult, type ServiceResult, type EndpointResult } from "./features/ping/index.js";
export { auditRoutes, diffRoutes, ROUTE_RULES, type AuditRoutesOptions, type AuditRoutesResult, type RouteChange } from "./features/routes/index.js";
export { chaosRun, chaosRollback, chaosProxies, planExperiment, parseExperimentFile, dependencyEdges, type ChaosRunOptions, type ChaosRunResult, type Experiment, type Fault } from "./features/chaos/index.js";
export { chaosMatrix, type ChaosMatrixOptions, type ChaosMatrixResult } from "./features/chaos/matrix.js";
export { chaosInitCompose, type ChaosComposeResult } from "./features/chaos/compose.js";
