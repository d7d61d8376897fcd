/**
 * Containers as the Docker engine sees them: state, health and published ports.
 * dockerode is loaded lazily, and an engine that does not answer quickly is
 * reported as unavailable instead of stalling a health check run.
 */
import type Docker from "dockerode";

export type DockerHealth = "healthy" | "unhealthy" | "starting" | "none";

export interface ContainerInfo {
  id: string;
  /** Name without the leading slash. */
  name: string;
  image: string;
  /** created, running, paused, restarting, exited, dead … */
  state: string;
  health: DockerHealth;
  /** Docker's own one-line status, e.g. "Up 3 minutes (healthy)". */
  status: string;
  ports: Array<{ container: number; host?: number; ip?: string }>;
  /** The compose service this container belongs to, from its labels. */
  composeService?: string;
  composeProject?: string;
  networkMode?: string;
  /** `fks.url` / `fks.port` labels: where the service listens, when ports do not say. */
  labels: Record<string, string>;
  /**
   * Host-network containers publish no ports; what their HEALTHCHECK fetches and the
   * ports their image EXPOSEs say where they listen. Filled only when asked (one inspect each);
   * unset when the engine did not answer the inspect in time.
   */
  hostNetwork?: { healthcheck?: string; exposed: number[] };
}

export type ContainerListing = { ok: true; containers: ContainerInfo[] } | { ok: false; reason: string };

/** Lists all containers, stopped ones included (a stopped container is news for a health check). */
export async function listContainers(opts: { timeoutMs?: number; inspectHostNetwork?: boolean } = {}): Promise<ContainerListing> {
  let docker: Docker;
  try {
    const { default: Dockerode } = await import("dockerode");
    docker = new Dockerode();
  } catch (e) {
    return { ok: false, reason: `cannot load the Docker client: ${(e as Error).message}` };
  }
  const timeoutMs = opts.timeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const list = (await Promise.race([docker.listContainers({ all: true }), deadline])).map(toInfo);
    clearTimeout(timer);
    if (opts.inspectHostNetwork) {
      const wanted = list.filter((c) => c.state === "running" && c.networkMode === "host" && !c.labels["fks.url"] && !c.labels["fks.port"]);
      // A budget of their own: an engine busy creating containers answers inspects slowly, and a
      // container left uninspected is only a container without an address (hostNetwork unset).
      let inspectTimer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((r) => (inspectTimer = setTimeout(r, timeoutMs)));
      await Promise.race([Promise.all(wanted.map(async (c) => (c.hostNetwork = await hostNetworkFacts(docker, c.id)))), budget]);
      clearTimeout(inspectTimer);
    }
    return { ok: true, containers: list };
  } catch (e) {
    const where = process.env.DOCKER_HOST ?? "/var/run/docker.sock";
    return { ok: false, reason: `Docker engine at ${where} unavailable: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

function toInfo(c: Docker.ContainerInfo): ContainerInfo {
  const labels = c.Labels ?? {};
  const seen = new Set<string>();
  const ports: ContainerInfo["ports"] = [];
  for (const p of c.Ports ?? []) {
    if (p.Type !== "tcp") continue;
    const key = `${p.PrivatePort}:${p.PublicPort ?? ""}`;
    // IPv4 and IPv6 bindings of the same port are one port for us.
    if (seen.has(key)) continue;
    seen.add(key);
    ports.push({ container: p.PrivatePort, host: p.PublicPort || undefined, ip: p.IP || undefined });
  }
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
    image: c.Image,
    state: c.State,
    health: healthOf(c.Status ?? ""),
    status: c.Status ?? c.State,
    ports,
    composeService: labels["com.docker.compose.service"],
    composeProject: labels["com.docker.compose.project"],
    networkMode: c.HostConfig?.NetworkMode,
    labels,
  };
}

async function hostNetworkFacts(docker: Docker, id: string): Promise<ContainerInfo["hostNetwork"]> {
  try {
    const c = await docker.getContainer(id).inspect();
    const test = c.Config?.Healthcheck?.Test ?? [];
    const exposed = Object.keys(c.Config?.ExposedPorts ?? {})
      .filter((k) => k.endsWith("/tcp"))
      .map((k) => Number.parseInt(k, 10))
      .filter(Number.isInteger);
    return { healthcheck: test[0] === "NONE" ? undefined : test.slice(1).join(" ") || undefined, exposed };
  } catch {
    // Gone between list and inspect: nothing to add.
    return { exposed: [] };
  }
}

function healthOf(status: string): DockerHealth {
  if (/\(healthy\)/.test(status)) return "healthy";
  if (/\(unhealthy\)/.test(status)) return "unhealthy";
  if (/\(health: starting\)/.test(status)) return "starting";
  return "none";
}
