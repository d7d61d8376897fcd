import type { ContainerFault, DependencyEdge, Experiment, Fault, NetworkFault } from "../types.js";
import type { K8sTarget } from "./k8s-targets.js";

type Obj = Record<string, unknown>;

export const CHAOS_MESH_API = "chaos-mesh.org/v1alpha1";

/** One fault as Chaos Mesh sees it: the kind and spec (without duration), or why there is none. */
interface MeshFault {
  fault: Fault;
  /** Several objects when a network fault covers several caller → callee edges. */
  chaos: Array<{ kind: "PodChaos" | "NetworkChaos" | "HTTPChaos"; name: string; spec: Obj }>;
  notes: string[];
}

export interface MeshExperiment {
  experiment: string;
  /** The Workflow: steady state, each fault with its status checks, recovery checks. */
  workflow: Obj;
  /** The same faults as standalone objects with their durations, to apply one at a time. */
  faults: Obj[];
  /** What could not be expressed exactly, per fault; written as comments and shown to the user. */
  notes: string[];
}

export interface MeshContext {
  targets: ReadonlyMap<string, K8sTarget>;
  edges: readonly DependencyEdge[];
  /** Where the Chaos Mesh objects themselves are created. */
  namespace: string;
}

/** A DNS-1123 name (lower case, digits, '-'), short enough for Chaos Mesh to suffix node names. */
export function dnsName(...parts: string[]): string {
  const s = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  return (s.slice(0, 50).replace(/-$/, "") || "fks");
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const goDuration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

function podSelector(t: K8sTarget): Obj {
  return { selector: { namespaces: [t.namespace], labelSelectors: { ...t.labels } }, mode: "all" };
}

function containerChaos(f: ContainerFault, t: K8sTarget): MeshFault {
  const name = dnsName(f.id);
  const base = podSelector(t);
  const notes: string[] = [];
  const oneShot = `${f.id}: Kubernetes restarts the pods at once, so ${f.service} is not down for ${goDuration(f.durationMs)}; use action: pause (pod-failure) to keep it unavailable`;
  switch (f.action) {
    case "pause":
      return { fault: f, chaos: [{ kind: "PodChaos", name, spec: { ...base, action: "pod-failure" } }], notes };
    case "kill": {
      const container = t.container ?? f.service;
      if (!t.container) notes.push(`${f.id}: container name of ${f.service} unknown, "${container}" assumed`);
      if (f.signal && f.signal !== "SIGKILL") notes.push(`${f.id}: Chaos Mesh container-kill always sends SIGKILL, not ${f.signal}`);
      notes.push(oneShot);
      return { fault: f, chaos: [{ kind: "PodChaos", name, spec: { ...base, action: "container-kill", containerNames: [container] } }], notes };
    }
    case "stop":
    case "restart":
      notes.push(oneShot);
      return { fault: f, chaos: [{ kind: "PodChaos", name, spec: { ...base, action: "pod-kill" } }], notes };
  }
}

/**
 * A Toxiproxy fault sits on the caller → callee edges; Chaos Mesh injects netem on the callee's
 * pods towards each caller's pods (direction `to` = the responses, like Toxiproxy's downstream).
 * Without a known caller the callee's whole egress is hit, which is said in a note.
 */
function networkChaos(f: NetworkFault, targets: ReadonlyMap<string, K8sTarget>, edges: readonly DependencyEdge[]): MeshFault {
  const callee = targets.get(f.service)!;
  const notes: string[] = [];
  const callers = f.from ? [f.from] : [...new Set(edges.filter((e) => e.to === f.service).map((e) => e.from))].sort();
  if (!callers.length && f.toxic !== "reset_peer") notes.push(`${f.id}: no caller of ${f.service} known (chaos.edges, dependsOn): all traffic leaving ${f.service}'s pods is affected`);
  if (f.toxicity < 1 && f.toxic !== "timeout") notes.push(`${f.id}: toxicity ${f.toxicity} has no Chaos Mesh equivalent: applied to all packets`);
  let action: Obj;
  switch (f.toxic) {
    case "latency":
      action = { action: "delay", delay: { latency: goDuration(f.latencyMs ?? 0), jitter: goDuration(f.jitterMs ?? 0), correlation: "0" } };
      break;
    case "timeout":
      // Toxiproxy's timeout holds the data (and closes after timeoutMs); dropped packets hang the caller the same way.
      action = { action: "loss", loss: { loss: String(Math.round(f.toxicity * 100)), correlation: "0" } };
      if (f.timeoutMs) notes.push(`${f.id}: Toxiproxy would close the connection after ${goDuration(f.timeoutMs)}; Chaos Mesh drops the packets for the whole duration`);
      break;
    case "bandwidth":
      action = { action: "bandwidth", bandwidth: { rate: `${Math.max(1, Math.round(f.rateKBps ?? 1))}kbps`, limit: 20971520, buffer: 10000 } };
      break;
    case "down":
      action = { action: "partition" };
      if (!callers.length) action = { action: "loss", loss: { loss: "100", correlation: "0" } };
      break;
    case "reset_peer": {
      // No TCP reset in NetworkChaos; HTTPChaos abort closes each HTTP connection at the callee.
      notes.push(`${f.id}: reset_peer has no NetworkChaos equivalent: HTTPChaos abort on ${f.service}'s HTTP port closes every caller's connections instead`);
      const port = callee.containerPort;
      if (!port) notes.push(`${f.id}: no container port known for ${f.service}: HTTPChaos needs spec.port`);
      return { fault: f, chaos: [{ kind: "HTTPChaos", name: dnsName(f.id), spec: { ...podSelector(callee), target: "Request", port: port ?? 80, path: "*", abort: true } }], notes };
    }
    case "slicer":
      notes.push(`${f.id}: slicer has no Chaos Mesh equivalent: the workflow waits ${goDuration(f.durationMs)} in its place and nothing is injected`);
      return { fault: f, chaos: [], notes };
  }
  const direction = f.stream === "upstream" && callers.length ? "from" : "to";
  if (f.stream === "upstream" && !callers.length) notes.push(`${f.id}: upstream (requests) needs a known caller in Chaos Mesh: the responses are affected instead`);
  if (!callers.length) return { fault: f, chaos: [{ kind: "NetworkChaos", name: dnsName(f.id), spec: { ...podSelector(callee), ...action, direction: "to" } }], notes };
  const chaos = callers.map((c) => {
    const caller = targets.get(c)!;
    return {
      kind: "NetworkChaos" as const,
      name: dnsName(callers.length > 1 ? `${f.id}-${c}` : f.id),
      spec: { ...podSelector(callee), ...action, direction: f.toxic === "down" ? "both" : direction, target: podSelector(caller) },
    };
  });
  return { fault: f, chaos, notes };
}

function meshFault(f: Fault, ctx: MeshContext): MeshFault {
  const t = ctx.targets.get(f.service)!;
  return f.type === "container" ? containerChaos(f, t) : networkChaos(f, ctx.targets, ctx.edges);
}

function url(t: K8sTarget, p: string): string {
  return `http://${t.host}${t.port ? `:${t.port}` : ""}${p}`;
}

/**
 * The experiment as Chaos Mesh objects. The Workflow mirrors fks chaos run: a steady-state check
 * of every service's /live and /ready first, then each fault (sequence: one after the other;
 * together: all at once) alongside continuous checks of what must keep passing, and after each
 * fault a check that everything passes again within the recovery time. A failing check aborts
 * the workflow, which ends the injected faults.
 */
export function chaosMeshExperiment(e: Experiment, ctx: MeshContext): MeshExperiment {
  const wf = dnsName(e.name);
  const services = [...ctx.targets.values()].sort((a, b) => a.service.localeCompare(b.service));
  const faults = e.faults.map((f) => meshFault(f, ctx));
  const notes = faults.flatMap((m) => m.notes);
  const timeoutSeconds = seconds(e.steadyState.timeoutMs);
  const intervalSeconds = seconds(e.steadyState.intervalMs);
  if (e.steadyState.intervalMs < 1000) notes.push(`probe interval ${e.steadyState.intervalMs} ms: Chaos Mesh status checks probe at most once a second`);
  const templates: Obj[] = [];
  // Template names must be unique in a workflow; names cut to length or odd fault ids could clash.
  const used = new Set<string>([wf]);
  const claim = (name: string) => {
    let n = name;
    for (let i = 2; used.has(n); i++) n = dnsName(name, String(i));
    used.add(n);
    return n;
  };
  for (const m of faults) for (const c of m.chaos) c.name = claim(c.name);
  const check = (wanted: string, t: K8sTarget, endpoint: "live" | "ready", o: { mode: "Synchronous" | "Continuous"; deadlineMs: number; failureThreshold: number }) => {
    const name = claim(wanted);
    templates.push({
      name,
      templateType: "StatusCheck",
      deadline: goDuration(o.deadlineMs),
      abortWithStatusCheck: true,
      statusCheck: {
        mode: o.mode,
        type: "HTTP",
        timeoutSeconds,
        intervalSeconds,
        failureThreshold: o.failureThreshold,
        successThreshold: 1,
        http: { url: url(t, t[endpoint]), method: "GET", criteria: { statusCode: "200" } },
      },
    });
    return name;
  };
  const parallel = (wanted: string, children: string[]) => {
    const name = claim(wanted);
    templates.push({ name, templateType: "Parallel", children });
    return name;
  };
  const allHealthy = (prefix: string, deadlineMs: number, failureThreshold: number) =>
    services.flatMap((t) => (["live", "ready"] as const).map((ep) => check(dnsName(prefix, t.service, ep), t, ep, { mode: "Synchronous", deadlineMs, failureThreshold })));

  const steps: string[] = [];
  // The platform must be healthy before anything is injected.
  steps.push(parallel(dnsName(wf, "steady"), allHealthy("steady", Math.max(e.steadyState.baselineMs, 1000) + e.steadyState.timeoutMs * 2, 1)));
  const groups = e.mode === "together" ? [faults] : faults.map((m) => [m]);
  const recoverySeconds = seconds(e.hypothesis.recoveryMs);
  groups.forEach((group, gi) => {
    const n = gi + 1;
    const children: string[] = [];
    const faulted = new Set(group.map((m) => m.fault.service));
    const durationMs = Math.max(...group.map((m) => m.fault.durationMs));
    for (const m of group) {
      for (const c of m.chaos) {
        templates.push({ name: c.name, templateType: c.kind, deadline: goDuration(m.fault.durationMs), [lowerFirst(c.kind)]: c.spec });
        children.push(c.name);
      }
      if (!m.chaos.length) {
        const name = claim(dnsName(m.fault.id, "wait"));
        templates.push({ name, templateType: "Suspend", deadline: goDuration(m.fault.durationMs) });
        children.push(name);
      }
    }
    // The hypothesis while faulted: every other service stays live; its /ready too unless it
    // critically depends on a faulted service.
    for (const t of services) {
      if (faulted.has(t.service)) continue;
      children.push(check(dnsName(`f${n}`, t.service, "live"), t, "live", { mode: "Continuous", deadlineMs: durationMs, failureThreshold: 1 }));
      const critical = ctx.edges.some((x) => x.from === t.service && faulted.has(x.to) && x.critical);
      if (!critical) children.push(check(dnsName(`f${n}`, t.service, "ready"), t, "ready", { mode: "Continuous", deadlineMs: durationMs, failureThreshold: 1 }));
    }
    steps.push(parallel(dnsName(`f${n}`, ...group.map((m) => m.fault.id)), children));
    // After rollback, everything back to pass within the recovery time.
    steps.push(parallel(dnsName(`r${n}`, "recovered"), allHealthy(`r${n}`, e.hypothesis.recoveryMs + e.steadyState.timeoutMs, Math.max(1, Math.floor(recoverySeconds / intervalSeconds)))));
  });
  templates.unshift({ name: wf, templateType: "Serial", children: steps });
  const meta = (name: string) => ({ name, namespace: ctx.namespace, labels: { "app.kubernetes.io/managed-by": "fks", "fks.dev/experiment": wf } });
  const workflow = { apiVersion: CHAOS_MESH_API, kind: "Workflow", metadata: meta(wf), spec: { entry: wf, templates } };
  const standalone = faults.flatMap((m) => m.chaos.map((c) => ({ apiVersion: CHAOS_MESH_API, kind: c.kind, metadata: meta(c.name), spec: { ...c.spec, duration: goDuration(m.fault.durationMs) } })));
  return { experiment: e.name, workflow, faults: standalone, notes };
}

function lowerFirst(kind: string): string {
  return kind === "HTTPChaos" ? "httpChaos" : kind[0]!.toLowerCase() + kind.slice(1);
}
