/** Contracts shared by features, renderers and the public API (see DESIGN.md "Contracts"). */

/** Where a fact was seen: a file (relative to the cwd when possible) and a 1-based line. */
export interface Source {
  file: string;
  line?: number;
}

export type Severity = "error" | "warning" | "note";

/** One problem, in the single shape that feeds table, JSON, SARIF, JUnit and GitHub annotations. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  service?: string;
  hint?: string;
}

/** An HTTP route extracted from source code. */
export type RouteStatus = "served" | "unresolved" | "not-mounted";

export interface Route {
  service: string;
  framework: string;
  method: string;
  path: string;
  handler: string;
  file: string;
  line: number;
  via: Array<{ prefix: string; file: string; line: number }>;
  unresolved?: boolean;
  expression?: string;
  /**
   * served: reached from an app the service serves; unresolved: a path or prefix fks could not
   * compute (`expression` says which); not-mounted: its router is never mounted by the served
   * app (dead API surface; `expression` names the router's file:line).
   */
  status?: RouteStatus;
  /** The application object the route belongs to (file:line); a folder of examples or tests holds many. */
  app?: string;
  /**
   * False when the service's start command serves another app (discovery's served entry) and this
   * route's app is not it: code in the repo that this service does not serve.
   */
  served?: false;
  /** The path as the framework spells it (`/items/<int:pk>`, `{id:\\d+}`), when `path` normalised its parameters. */
  rawPath?: string;
}

/** A planned change to one file; applying is atomic, and --dry-run renders the same list as diffs. */
export interface FileEdit {
  file: string;
  before: string | null;
  after: string;
  reason: string;
}

export interface HealthPaths {
  live: string;
  ready: string;
  health: string;
}

export interface Probe {
  type: "http" | "exec" | "tcp" | "grpc" | "unknown";
  path?: string;
  port?: number | string;
  command?: string[];
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  initialDelaySeconds?: number;
  line: number;
}

export interface DockerfileInfo {
  file: string;
  stages: Array<{ name?: string; image: string; line: number }>;
  finalImage?: string;
  expose: number[];
  /** HEALTHCHECK instructions with the stage they live in; only the final stage's counts at run time. */
  healthchecks: Array<{ line: number; command: string; stage: number; inFinalStage: boolean; none: boolean }>;
  cmd?: string;
  entrypoint?: string;
  /** Lines of the CMD and ENTRYPOINT that count (the final stage's). */
  cmdLine?: number;
  entrypointLine?: number;
  /** The final stage's WORKDIR and ENV, which the start command runs with. */
  workdir?: string;
  env?: Record<string, string>;
  /** The final stage's COPY/ADD from the build context (not `--from`): where its files land in the image. */
  copies?: DockerCopy[];
  /** What each named stage runs, for a compose `build.target` that is not the final stage. */
  targets?: Record<string, DockerRun>;
}

export interface DockerCopy {
  src: string[];
  dest: string;
  /** The WORKDIR a relative dest is resolved against. */
  workdir?: string;
  line: number;
}

/** The start-command facts of one stage (inherited from the stage it is built FROM). */
export interface DockerRun {
  cmd?: string;
  cmdLine?: number;
  entrypoint?: string;
  entrypointLine?: number;
  workdir?: string;
  env?: Record<string, string>;
  copies?: DockerCopy[];
  /** The FROM line of the stage and its base image. */
  line: number;
  image: string;
}

export interface ComposeInfo {
  file: string;
  service: string;
  line: number;
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  ports: Array<{ host?: number; container: number }>;
  dependsOn: Array<{ name: string; condition?: string }>;
  environment: Record<string, string>;
  healthcheck?: { line: number; test: string; disabled: boolean; interval?: string; retries?: number };
  /** `command:` and `entrypoint:` as written (a string is shell-split by compose, a list is exec form). */
  command?: { value: string | string[]; line: number };
  entrypoint?: { value: string | string[]; line: number };
}

export interface K8sInfo {
  file: string;
  kind: string;
  name: string;
  line: number;
  container: string;
  image?: string;
  ports: number[];
  env: Record<string, string>;
  probes: { liveness?: Probe; readiness?: Probe; startup?: Probe };
  /** The container's `command` and `args` (they replace the image's ENTRYPOINT and CMD). */
  command?: { value: string[]; line: number };
  args?: { value: string[]; line: number };
  /** Services whose selector matches this workload. */
  services: Array<{ name: string; ports: number[]; line: number; file: string }>;
}

/** One service, merged from every piece of evidence discovery found. */
export interface ServiceRecord {
  name: string;
  path?: string;
  language?: string;
  framework?: string;
  port?: number;
  baseUrl?: string;
  health: HealthPaths;
  /** Health-like endpoint paths whose string literals appear in route declarations in the code. */
  healthInCode: Array<{ path: string; file: string; line: number }>;
  dependsOn: string[];
  dockerfile?: DockerfileInfo;
  compose?: ComposeInfo;
  k8s?: K8sInfo;
  /** For each fact, where it came from ("file:line"). */
  sources: Record<string, string[]>;
  /** True when the service comes from fks.yaml. */
  configured: boolean;
  /** Other names the same service goes by (package name, folder, compose service, workload, image). */
  aliases?: string[];
  /** What the service's start command really serves: the chain from the command to the app object. */
  entry?: ServedEntry;
}

/** One step from a start command to the app object, as file:line and the line's text. */
export interface EntryStep {
  file: string;
  line: number;
  text: string;
}

/** What a service serves, followed from its start command (see features/discover/entry.ts). */
export interface ServedEntry {
  chain: EntryStep[];
  /** The served app as `module:attribute` (Django: the WSGI/ASGI module, Rust: `bin:<name>`); absent when the command serves no HTTP app. */
  app?: string;
  /** Where the app object is created (file relative to the cwd, 1-based line): routes of other apps are not served. */
  appFile?: string;
  appLine?: number;
  /** The dotted module of appFile as the server imports it (`app.api.main`): imports next to the app use it. */
  appModule?: string;
  /** Django: the settings module the entry names. */
  settings?: string;
  /** `command`: followed from a start command; `convention`: no command says, a conventional entry was chosen; `none`: nothing found. */
  confidence: "command" | "convention" | "none";
  /** Why this app: what was followed, or why nothing tells and what was chosen instead. */
  reason: string;
  /** The start command runs a program that serves no HTTP (a worker, a scheduler): no health endpoints go in its code. */
  notHttp?: true;
  /** The container runs an off-the-shelf server (nginx, caddy, traefik…), not the repository's code: named here. */
  offTheShelf?: string;
  /** The container's command only keeps it idle (`sleep infinity`, a development container): the command, as shown. */
  idle?: string;
  /** The port the start command's server listens on: its `--port`/`--bind`, else that server's default. */
  listenPort?: number;
}

/** Infrastructure the services use (databases, caches, brokers): dependencies, not services. */
export interface Dependency {
  name: string;
  kind: "postgres" | "mysql" | "redis" | "rabbitmq" | "kafka" | "mongo" | "memcached" | "elasticsearch" | "nats" | "other";
  source: string;
  usedBy: string[];
}

/** What a service's container runs, as every command must treat it: only `http` services get health endpoints and probes. */
export type ServiceRole = "http" | "worker" | "off-the-shelf" | "idle";

export function serviceRole(s: ServiceRecord): ServiceRole {
  if (s.entry?.idle) return "idle";
  if (s.entry?.offTheShelf) return "off-the-shelf";
  if (s.entry?.notHttp) return "worker";
  return "http";
}
