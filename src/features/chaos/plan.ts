import type { ChaosSettings } from "../../config/chaos.js";
import type { FksConfig } from "../../config/schema.js";
import { FksError } from "../../errors.js";
import type { ContainerInfo } from "../../io/docker.js";
import type { ServiceRecord } from "../../model.js";
import { matchContainer, planTargets } from "../ping/targets.js";
import type { Target } from "../ping/types.js";
import type { ProxySpec, ServiceTarget } from "./types.js";

/** Services as fault targets: their container (chaos.targets, ping.container, compose label, name) and URL. */
export function serviceTargets(records: ServiceRecord[], config: FksConfig | undefined, settings: ChaosSettings, containers: ContainerInfo[]): { targets: ServiceTarget[]; ping: Target[]; notes: string[] } {
  const names = records.map((r) => r.name);
  const plan = planTargets({ config, discovered: records, containers, names, all: false, urls: [] });
  const out: ServiceTarget[] = records.map((r) => {
    const pinned = settings.targets[r.name]?.container;
    const c = matchContainer(r.name, r, pinned ?? config?.services?.[r.name]?.ping?.container, containers);
    const origin = pinned ? "chaos.targets" : config?.services?.[r.name]?.ping?.container ? "ping.container" : c?.composeService ? "compose label" : c ? "container name" : undefined;
    const labels = r.k8s ? { app: r.k8s.name } : undefined;
    return { service: r.name, container: c?.name ?? pinned, containerOrigin: c ? origin : pinned ? "chaos.targets (not running)" : undefined, baseUrl: plan.targets.find((t) => t.service === r.name)?.baseUrl, labels };
  });
  // Steady state needs the three endpoints with the ping engine's defaults.
  return { targets: out, ping: plan.targets, notes: plan.notes };
}

/**
 * One Toxiproxy proxy per declared edge: it listens where the caller is pointed (edge.listen, else
 * 127.0.0.1 on the callee's port + 10000) and forwards to the callee (edge.upstream, else its baseUrl).
 */
export function proxySpecs(settings: ChaosSettings, targets: ServiceTarget[]): { proxies: ProxySpec[]; notes: string[] } {
  const notes: string[] = [];
  const proxies: ProxySpec[] = [];
  for (const e of settings.edges) {
    let upstream = e.upstream;
    if (!upstream) {
      const url = targets.find((t) => t.service === e.to)?.baseUrl;
      if (url) {
        const u = new URL(url);
        upstream = `${u.hostname}:${u.port || (u.protocol === "https:" ? 443 : 80)}`;
      }
    }
    if (!upstream) {
      notes.push(`edge ${e.from} → ${e.to}: no upstream (set chaos.edges[].upstream or services.${e.to}.baseUrl)`);
      continue;
    }
    const port = Number(upstream.split(":").pop());
    const listen = e.listen ?? `127.0.0.1:${port + 10000}`;
    proxies.push({ name: e.name ?? `${e.from}-${e.to}`, from: e.from, to: e.to, listen, upstream, env: e.env });
  }
  return { proxies, notes };
}

/** Refuses Docker hosts not listed in chaos.allow. */
export function checkAllowed(dockerHost: string, settings: ChaosSettings, needsDocker: boolean): void {
  if (!needsDocker) return;
  const norm = (s: string) => s.replace(/\/+$/, "");
  if (settings.allow.map(norm).includes(norm(dockerHost))) return;
  throw new FksError(`refusing to inject faults on Docker host ${dockerHost}: it is not listed in chaos.allow`, {
    hint: `add it to fks.yaml (chaos: {allow: ["${dockerHost}"]}) if faults there are fine`,
  });
}
