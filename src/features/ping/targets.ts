import type { FksConfig } from "../../config/schema.js";
import type { EndpointKey } from "../../config/ping.js";
import { FksError } from "../../errors.js";
import type { ContainerInfo } from "../../io/docker.js";
import { serviceRole, type HealthPaths, type ServiceRecord, type ServiceRole } from "../../model.js";
import { infraKindOfImage } from "../discover/infra.js";
import { containerAddress, healthPaths, type Address } from "./address.js";
import type { Target } from "./types.js";

const KEYS: EndpointKey[] = ["live", "ready", "health"];

const ROLE_SAYS: Record<Exclude<ServiceRole, "http">, string> = {
  worker: "a worker: its start command serves no HTTP",
  "off-the-shelf": "an off-the-shelf server: its health lives in its own configuration",
  idle: "its container only idles",
};

export interface TargetInput {
  config?: FksConfig;
  /** Services from discovery (configured ones included), when discovery ran. */
  discovered?: ServiceRecord[];
  containers?: ContainerInfo[];
  names: string[];
  all: boolean;
  urls: string[];
  /** e.g. http://{name}.svc:{port} for services that have a port but no URL; see fillTemplate. */
  baseUrlTemplate?: string;
}

export interface TargetPlan {
  targets: Target[];
  notes: string[];
}

/** Turns fks.yaml, discovery, containers and --url into the list of things to probe. */
export function planTargets(i: TargetInput): TargetPlan {
  const notes: string[] = [];
  const cfg = i.config?.services ?? {};
  const records = new Map<string, ServiceRecord>((i.discovered ?? []).map((r) => [r.name, r]));
  for (const [name, s] of Object.entries(cfg)) {
    if (!records.has(name)) {
      records.set(name, { name, baseUrl: s.baseUrl, port: s.port, health: { live: "/live", ready: "/ready", health: "/health", ...s.health }, healthInCode: [], dependsOn: [], sources: {}, configured: true });
    }
  }
  const unknown = i.names.filter((n) => !records.has(n));
  if (unknown.length) {
    const known = [...records.keys()].sort();
    throw new FksError(`unknown service${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
      hint: known.length ? `known services: ${known.join(", ")}` : "list services in fks.yaml, or ping a URL with --url",
    });
  }
  const chosen = i.names.length ? i.names : i.all ? [...records.keys()] : i.urls.length ? [] : Object.keys(cfg);
  const targets: Target[] = [];
  const claimed = new Set<string>();
  for (const name of chosen.sort()) {
    const r = records.get(name)!;
    const sp = cfg[name]?.ping;
    if (sp?.skip && !i.names.includes(name)) {
      notes.push(`${name}: skipped (ping.skip in fks.yaml)`);
      continue;
    }
    const container = matchContainer(name, r, sp?.container, i.containers ?? []);
    if (container) claimed.add(container.id);
    const role = serviceRole(r);
    if (role !== "http" && !i.names.includes(name) && !sp?.endpoints && !cfg[name]?.health) {
      notes.push(`${name}: skipped (${ROLE_SAYS[role]}) — to probe it anyway, name it or set services.${name}.ping.endpoints in fks.yaml`);
      continue;
    }
    const url = urlFor(r, cfg[name]?.baseUrl, i.baseUrlTemplate, container);
    if (!url) {
      notes.push(`${name}: no URL to probe — set services.${name}.baseUrl in fks.yaml, publish a port in compose, label its container fks.port, or pass --base-url`);
      continue;
    }
    const keys = sp?.endpoints ?? KEYS;
    const paths = healthPaths(r, r.configured && !!cfg[name]?.health, url.healthPath);
    notes.push(...undeclaredProbePorts(r));
    const onProbePort = url.fromTemplate ? probePortUrls(r, i.baseUrlTemplate!, paths) : {};
    targets.push({
      service: name,
      baseUrl: url.url,
      origin: url.origin,
      endpoints: keys.map((k) => ({ key: k, path: onProbePort[k] ?? paths[k] })),
      explicit: !!sp?.endpoints || !!cfg[name]?.health,
      container: container?.name ?? sp?.container,
      assertions: sp?.assert ?? {},
    });
  }
  if (i.all) {
    // Running containers that no service claims are services too, when fks can tell where they listen.
    for (const c of i.containers ?? []) {
      if (claimed.has(c.id) || c.state !== "running" || infraKindOfImage(c.image)) continue;
      const name = c.composeService ?? c.name;
      if (targets.some((t) => t.service === name)) continue;
      const a = containerAddress(c);
      if (!a) {
        const why = c.networkMode !== "host" ? "no published port" : c.hostNetwork ? "host network, no HEALTHCHECK URL or single EXPOSE" : "host network, the engine did not answer an inspect in time";
        notes.push(`${name}: container not probed (${why}) — label it fks.port=<port> or fks.url=<url>`);
        continue;
      }
      targets.push({
        service: name,
        baseUrl: a.url,
        origin: a.origin,
        endpoints: KEYS.map((k) => ({ key: k, path: k === "health" && a.healthPath ? a.healthPath : `/${k}` })),
        explicit: false,
        container: c.name,
        assertions: {},
      });
    }
  }
  // URLs on one origin are one service: they share a breaker, so a dead host costs one deadline.
  const byOrigin = new Map<string, Target>();
  for (const raw of i.urls) {
    const t = urlTarget(raw);
    const same = byOrigin.get(t.baseUrl);
    if (!same) {
      byOrigin.set(t.baseUrl, t);
      targets.push(t);
    } else for (const ep of t.endpoints) if (!same.endpoints.some((e) => e.path === ep.path)) same.endpoints.push(ep);
  }
  return { targets, notes };
}

function urlTarget(raw: string): Target {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FksError(`--url ${raw} is not a URL`, { hint: "write it in full, e.g. --url http://127.0.0.1:8000/health" });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new FksError(`--url ${raw} must be http or https`, { hint: "fks ping speaks HTTP; for TCP checks use your orchestrator's probes" });
  }
  const bare = u.pathname === "/" && !u.search;
  return {
    service: u.host,
    baseUrl: u.origin,
    origin: "--url",
    // A bare origin means "the usual endpoints"; a path means exactly that URL.
    endpoints: bare ? KEYS.map((k) => ({ key: k, path: `/${k}` })) : [{ key: "url", path: u.pathname + u.search }],
    explicit: !bare,
    assertions: {},
  };
}

const PROBES = [["live", "liveness"], ["ready", "readiness"]] as const;

/** A probe naming a port its container does not declare: the kubelet fails it, and fks cannot tell where it points. */
function undeclaredProbePorts(r: ServiceRecord): string[] {
  const k = r.k8s;
  if (!k) return [];
  return (["liveness", "readiness", "startup"] as const).flatMap((kind) => {
    const p = k.probes[kind];
    return typeof p?.port === "string"
      ? [`${r.name}: ${kind}Probe port "${p.port}" is not a port of container "${k.container}" (${k.file}:${p.line}) — the kubelet fails this probe; declare it under ports with name: ${p.port}, or use the number`]
      : [];
  });
}

/**
 * Endpoints whose path came from a Kubernetes probe on another container port than the one
 * --base-url was filled with (a separate management port, named or not): the probe's own port.
 */
function probePortUrls(r: ServiceRecord, template: string, paths: HealthPaths): Partial<Record<EndpointKey, string>> {
  const out: Partial<Record<EndpointKey, string>> = {};
  for (const [key, kind] of PROBES) {
    const p = r.k8s?.probes[kind];
    if (p?.type !== "http" || typeof p.port !== "number" || p.path !== paths[key]) continue;
    const base = fillTemplate(template, r, p.port);
    if (base && base !== fillTemplate(template, r)) out[key] = base.replace(/\/+$/, "") + p.path;
  }
  return out;
}

function urlFor(r: ServiceRecord, configured: string | undefined, template: string | undefined, c: ContainerInfo | undefined): (Address & { fromTemplate?: boolean }) | undefined {
  if (configured) return { url: configured, origin: "fks.yaml" };
  if (r.baseUrl) return { url: r.baseUrl, origin: r.compose ? "compose" : "discovery" };
  const fromContainer = c?.state === "running" ? containerAddress(c) : undefined;
  if (fromContainer) return fromContainer;
  if (template) {
    const url = fillTemplate(template, r);
    return url ? { url, origin: r.k8s ? "k8s + --base-url" : "--base-url", fromTemplate: true } : undefined;
  }
  return undefined;
}

/**
 * --base-url placeholders: {name} the Kubernetes Service that selects the workload (else the
 * service name), {service} the service name, {port} that Service's first `port` (what cluster
 * DNS answers on; else the known port), {containerPort} the workload's first containerPort
 * (what `kubectl port-forward pod/…` reaches; else the known port). Undefined when the template
 * needs a port nobody knows. `podPort` replaces the workload's first containerPort (a probe's port).
 */
export function fillTemplate(template: string, r: ServiceRecord, podPort?: number): string | undefined {
  const svc = r.k8s?.services[0];
  const containerPort = podPort ?? r.k8s?.ports[0] ?? r.port;
  const port = svc?.ports[0] ?? containerPort;
  if ((template.includes("{port}") && !port) || (template.includes("{containerPort}") && !containerPort)) return undefined;
  return template
    .replaceAll("{name}", svc?.name ?? r.name)
    .replaceAll("{service}", r.name)
    .replaceAll("{containerPort}", String(containerPort ?? ""))
    .replaceAll("{port}", String(port ?? ""));
}

const norm = (s: string) => s.toLowerCase().replace(/[_.\s]+/g, "-");

/** The container of a service: pinned in fks.yaml, by compose label, or by name (project-service-1 too). */
export function matchContainer(name: string, r: ServiceRecord | undefined, pinned: string | undefined, containers: ContainerInfo[]): ContainerInfo | undefined {
  if (pinned) return containers.find((c) => c.name === pinned || c.id.startsWith(pinned));
  const composeName = r?.compose?.service ?? name;
  const byLabel = containers.filter((c) => c.composeService === composeName);
  if (byLabel.length) return byLabel.find((c) => c.state === "running") ?? byLabel[0];
  const n = norm(name);
  return containers.find((c) => norm(c.name) === n) ?? containers.find((c) => new RegExp(`^[a-z0-9-]+-${escape(n)}-\\d+$`).test(norm(c.name)));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
