/**
 * The chaos experiment model: what users write (experiment files, `chaos:` in fks.yaml) is
 * parsed into these plain objects, and everything else — the runner, the matrix, the
 * exporters to other engines — reads only them. Durations are milliseconds.
 */

/** Where a piece of the model was written, for file:line messages. */
export interface SourceRef {
  file: string;
  line?: number;
}

/** Faults on a service's container, applied through the Docker engine. */
export type ContainerAction = "stop" | "kill" | "pause" | "restart";

/**
 * Faults on a network edge, applied through Toxiproxy. `timeout` with timeoutMs 0 is a
 * blackhole (data is held, never answered); `down` disables the proxy (connections refused).
 */
export type ToxicKind = "latency" | "timeout" | "bandwidth" | "reset_peer" | "slicer" | "down";

export const CONTAINER_ACTIONS: readonly ContainerAction[] = ["stop", "kill", "pause", "restart"];
export const TOXIC_KINDS: readonly ToxicKind[] = ["latency", "timeout", "bandwidth", "reset_peer", "slicer", "down"];

interface FaultCommon {
  /** Unique within the experiment, e.g. "stop-data" or "f1"; names the phase in reports. */
  id: string;
  /** The service the fault hits (the callee for network faults). */
  service: string;
  /** How long the fault stays applied before it is rolled back. */
  durationMs: number;
  source?: SourceRef;
}

export interface ContainerFault extends FaultCommon {
  type: "container";
  action: ContainerAction;
  /** kill only: the signal sent (default SIGKILL). */
  signal?: string;
}

export interface NetworkFault extends FaultCommon {
  type: "network";
  toxic: ToxicKind;
  /** Only the edge from this caller; undefined: every edge into `service`. */
  from?: string;
  /** Toxiproxy's direction: downstream = responses to the caller (default), upstream = requests. */
  stream: "downstream" | "upstream";
  /** 0..1, share of connections the toxic applies to (default 1). */
  toxicity: number;
  latencyMs?: number;
  jitterMs?: number;
  /** timeout toxic: close after this long; 0 = hold forever (blackhole). */
  timeoutMs?: number;
  /** bandwidth toxic: KB/s. */
  rateKBps?: number;
  /** slicer toxic. */
  averageSize?: number;
  sizeVariation?: number;
  delayUs?: number;
}

export type Fault = ContainerFault | NetworkFault;

/** Requests sent to a route at a fixed rate during every phase. */
export interface TrafficSpec {
  service: string;
  method: "GET";
  path: string;
  /** Requests per second. */
  rate: number;
  /** A request slower than this breaks the hypothesis (default: caller timeout + margin). */
  maxLatencyMs: number;
  /** Share of requests (0..1) that may fail (non-2xx/3xx or transport error) in a phase. */
  errorBudget: number;
  source?: SourceRef;
}

export interface SteadyState {
  /** Time between two probe rounds of one service. */
  intervalMs: number;
  /** Deadline of one probe; a probe that uses it up counts as a hang. */
  timeoutMs: number;
  /** Probing before the first fault, to see that the platform is healthy to begin with. */
  baselineMs: number;
}

export interface Hypothesis {
  /** After rollback, every service must be back to pass within this time. */
  recoveryMs: number;
}

export interface Experiment {
  name: string;
  description?: string;
  /** sequence: one fault after the other, each rolled back and recovered from; together: all at once. */
  mode: "sequence" | "together";
  faults: Fault[];
  steadyState: SteadyState;
  traffic: TrafficSpec[];
  hypothesis: Hypothesis;
  source?: SourceRef;
}

/** A dependency edge between services: who calls whom, and whether the caller may not be ready without it. */
export interface DependencyEdge {
  from: string;
  to: string;
  critical: boolean;
  /** Where the edge was learnt: fks.yaml dependsOn, chaos.edges, compose depends_on, call graph. */
  origin: string;
}

/** A Toxiproxy proxy standing between a caller and a callee. */
export interface ProxySpec {
  /** Toxiproxy's proxy name, e.g. "api-data". */
  name: string;
  from: string;
  to: string;
  /** host:port the proxy listens on. */
  listen: string;
  /** host:port of the callee. */
  upstream: string;
  /** The caller's environment variable holding the callee's URL (compose override). */
  env?: string;
}

/** Where a service runs, as a fault target. */
export interface ServiceTarget {
  service: string;
  /** Container name, when it runs in Docker. */
  container?: string;
  /** How the container was found: chaos.targets, ping.container, compose label, container name. */
  containerOrigin?: string;
  /** Base URL probed for steady state. */
  baseUrl?: string;
  /** Kubernetes labels of the workload, when known (exporters select pods with them). */
  labels?: Record<string, string>;
}
