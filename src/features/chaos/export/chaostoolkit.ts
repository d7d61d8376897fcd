import { toxicOf } from "../faults.js";
import type { ContainerFault, Experiment, Fault, ProxySpec } from "../types.js";

type Obj = Record<string, unknown>;

/** How a service's container is named to the docker CLI. */
export type DockerRef = { container: string } | { composeService: string };

export interface ToolkitService {
  service: string;
  /** Probed for the steady state; undefined: the service has no URL and is left out. */
  baseUrl?: string;
  docker: DockerRef;
}

export interface ToolkitContext {
  services: ReadonlyMap<string, ToolkitService>;
  proxies: readonly ProxySpec[];
  toxiproxyUrl: string;
}

export interface ToolkitExperiment {
  experiment: string;
  json: Obj;
  notes: string[];
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** A Chaos Toolkit configuration key (Python string.Template identifiers: letters, digits, _). */
const urlKey = (service: string) => `${service.replace(/[^A-Za-z0-9_]/g, "_")}_url`;

/**
 * The docker CLI arguments acting on the service's container. A compose service without a pinned
 * container name is found by its compose label when the action runs, so the experiment works for
 * any compose project name.
 */
function docker(ref: DockerRef, verb: string[], all = false): Obj {
  if ("container" in ref) return { type: "process", path: "docker", arguments: [...verb, ref.container] };
  const ps = `docker ps ${all ? "-a " : ""}-q --filter label=com.docker.compose.service=${ref.composeService}`;
  return { type: "process", path: "sh", arguments: ["-c", `docker ${verb.join(" ")} $(${ps})`] };
}

function curl(method: "POST" | "DELETE", url: string, body?: Obj, strict = true): Obj {
  // -f makes an API refusal fail the action; a rollback of something already gone must not.
  const args = [strict ? "-fsS" : "-sS", "-o", "/dev/null", "-X", method, url];
  if (body) args.push("-H", "content-type: application/json", "-d", JSON.stringify(body));
  return { type: "process", path: "curl", arguments: args };
}

interface Step {
  apply: Obj[];
  undo: Obj[];
  rollback: Obj[];
}

function containerSteps(f: ContainerFault, ref: DockerRef): Step {
  const name = (verb: string) => `${verb}-${f.service}`;
  switch (f.action) {
    case "stop":
      return { apply: [{ name: name("stop"), provider: docker(ref, ["stop"]) }], undo: [{ name: name("start"), provider: docker(ref, ["start"], true) }], rollback: [{ name: name("start"), provider: docker(ref, ["start"], true) }] };
    case "kill":
      return { apply: [{ name: name("kill"), provider: docker(ref, ["kill", "--signal", f.signal ?? "SIGKILL"]) }], undo: [{ name: name("start"), provider: docker(ref, ["start"], true) }], rollback: [{ name: name("start"), provider: docker(ref, ["start"], true) }] };
    case "pause":
      return { apply: [{ name: name("pause"), provider: docker(ref, ["pause"]) }], undo: [{ name: name("unpause"), provider: docker(ref, ["unpause"]) }], rollback: [{ name: name("unpause"), provider: { type: "process", path: "sh", arguments: ["-c", `${shellOf(docker(ref, ["unpause"]))} 2>/dev/null || true`] } }] };
    case "restart":
      return { apply: [{ name: name("restart"), provider: docker(ref, ["restart"]) }], undo: [], rollback: [{ name: name("start"), provider: docker(ref, ["start"], true) }] };
  }
}

/** The process provider as one shell command line (for the tolerant rollback). */
function shellOf(p: Obj): string {
  const args = p.arguments as string[];
  return p.path === "sh" ? args[1]! : ["docker", ...args].join(" ");
}

function networkSteps(f: Extract<Fault, { type: "network" }>, proxies: string[], tp: string): Step {
  const out: Step = { apply: [], undo: [], rollback: [] };
  for (const proxy of proxies) {
    const at = `${tp}/proxies/${proxy}`;
    if (f.toxic === "down") {
      out.apply.push({ name: `disable-${proxy}`, provider: curl("POST", at, { enabled: false }) });
      out.undo.push({ name: `enable-${proxy}`, provider: curl("POST", at, { enabled: true }) });
      out.rollback.push({ name: `enable-${proxy}`, provider: curl("POST", at, { enabled: true }, false) });
    } else {
      const toxic = toxicOf(f);
      out.apply.push({ name: `${toxic.name}-on-${proxy}`, provider: curl("POST", `${at}/toxics`, toxic as unknown as Obj) });
      out.undo.push({ name: `remove-${toxic.name}-on-${proxy}`, provider: curl("DELETE", `${at}/toxics/${toxic.name}`) });
      out.rollback.push({ name: `remove-${toxic.name}-on-${proxy}`, provider: curl("DELETE", `${at}/toxics/${toxic.name}`, undefined, false) });
    }
  }
  return out;
}

const action = (a: Obj, pauseAfterMs?: number): Obj => ({ type: "action", ...a, ...(pauseAfterMs ? { pauses: { after: seconds(pauseAfterMs) } } : {}) });

/**
 * The experiment as a Chaos Toolkit experiment for Docker hosts: container faults run the docker
 * CLI (process provider), network faults call the Toxiproxy HTTP API with curl on the proxies of
 * chaos.edges, exactly what fks chaos run does. Sequence mode undoes each fault in the method and
 * waits (bounded by the recovery time) for every /live and /ready to answer before the next; the
 * rollbacks undo everything again, tolerating what is already undone.
 */
export function chaosToolkitExperiment(e: Experiment, ctx: ToolkitContext): ToolkitExperiment {
  const notes: string[] = [];
  const probed = [...ctx.services.values()].filter((s) => s.baseUrl).sort((a, b) => a.service.localeCompare(b.service));
  for (const s of ctx.services.values()) if (!s.baseUrl) notes.push(`${s.service}: no URL to probe (set services.${s.service}.baseUrl in fks.yaml): left out of the steady state`);
  const timeout = seconds(e.steadyState.timeoutMs);
  const endpoints = (s: ToolkitService) => [`\${${urlKey(s.service)}}/live`, `\${${urlKey(s.service)}}/ready`];
  const probes = probed.flatMap((s) =>
    ["live", "ready"].map((ep) => ({ type: "probe", name: `${s.service}-${ep}`, tolerance: 200, provider: { type: "http", url: `\${${urlKey(s.service)}}/${ep}`, method: "GET", timeout } })),
  );
  const steps = new Map<string, Step>();
  for (const f of e.faults) {
    if (f.type === "container") steps.set(f.id, containerSteps(f, ctx.services.get(f.service)!.docker));
    else {
      const names = ctx.proxies.filter((p) => p.to === f.service && (!f.from || p.from === f.from)).map((p) => p.name);
      steps.set(f.id, networkSteps(f, names, ctx.toxiproxyUrl));
    }
  }
  const recovered = (n: number): Obj => ({
    type: "action",
    name: `wait-recovered-${n}`,
    provider: {
      type: "process",
      path: "sh",
      // Each URL must answer 2xx before the next is tried; the provider's timeout bounds the wait.
      arguments: ["-c", `for u in "$@"; do until curl -fsS -m ${timeout} -o /dev/null "$u"; do sleep 1; done; done`, "wait-recovered", ...probed.flatMap(endpoints)],
      timeout: seconds(e.hypothesis.recoveryMs),
    },
  });
  const method: Obj[] = [];
  const groups = e.mode === "together" ? [e.faults] : e.faults.map((f) => [f]);
  groups.forEach((group, gi) => {
    const longest = Math.max(...group.map((f) => f.durationMs));
    if (group.length > 1 && group.some((f) => f.durationMs !== longest)) notes.push(`together: Chaos Toolkit undoes all faults after the longest (${seconds(longest)} s), not each after its own duration`);
    const applies = group.flatMap((f) => steps.get(f.id)!.apply);
    applies.forEach((a, i) => method.push(action({ ...a, name: `${gi + 1}-${a.name}` }, i === applies.length - 1 ? longest : undefined)));
    for (const f of group) for (const u of steps.get(f.id)!.undo) method.push(action({ ...u, name: `${gi + 1}-${u.name}` }));
    if (probed.length) method.push(recovered(gi + 1));
  });
  const seen = new Set<string>();
  const rollbacks = [...e.faults]
    .reverse()
    .flatMap((f) => steps.get(f.id)!.rollback)
    .filter((r) => !seen.has(r.name as string) && seen.add(r.name as string))
    .map((r) => action(r));
  const configuration: Obj = {};
  for (const s of probed) configuration[urlKey(s.service)] = { type: "env", key: `FKS_${urlKey(s.service).toUpperCase()}`, default: s.baseUrl!.replace(/\/+$/, "") };
  const json: Obj = {
    version: "1.0.0",
    title: `${e.name}: no failure cascades`,
    description: e.description ?? `Exported by fks chaos export from ${e.source?.file ?? "fks"}: ${e.faults.map((f) => f.id).join(", ")} (${e.mode}); every service's /live and /ready answer 200 before and after.`,
    tags: ["fks", e.mode],
    configuration,
    "steady-state-hypothesis": { title: "every service is live and ready", probes },
    method,
    rollbacks,
  };
  return { experiment: e.name, json, notes };
}
