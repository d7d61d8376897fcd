import type { ContainerInfo } from "../../io/docker.js";
import type { HealthPaths, ServiceRecord } from "../../model.js";

export interface Address {
  url: string;
  origin: string;
  /** A health path the address itself revealed (the HEALTHCHECK's URL). */
  healthPath?: string;
}

/**
 * Where a running container answers HTTP on this machine. In order: the `fks.url` and
 * `fks.port` labels (the user's word), a published port, and — for `--network host`
 * containers, which publish nothing — the loopback URL their HEALTHCHECK fetches, then
 * the one port their image EXPOSEs.
 */
export function containerAddress(c: ContainerInfo): Address | undefined {
  const from = `container ${c.name}`;
  const label = c.labels["fks.url"]?.trim();
  if (label && /^https?:\/\/[^/]/.test(label)) return { url: label.replace(/\/+$/, ""), origin: `${from} (label fks.url)` };
  const port = Number(c.labels["fks.port"]);
  if (Number.isInteger(port) && port > 0 && port < 65536) return { url: `http://127.0.0.1:${port}`, origin: `${from} (label fks.port)` };
  const published = c.ports.find((p) => p.host);
  if (published?.host) return { url: `http://${hostOf(published.ip)}:${published.host}`, origin: from };
  const hn = c.hostNetwork;
  const hc = hn?.healthcheck ? loopbackUrl(hn.healthcheck) : undefined;
  if (hc) {
    const u = new URL(hc);
    return { url: `${u.protocol}//127.0.0.1${u.port ? `:${u.port}` : ""}`, origin: `${from} (HEALTHCHECK)`, healthPath: u.pathname !== "/" ? u.pathname : undefined };
  }
  if (hn?.exposed.length === 1) return { url: `http://127.0.0.1:${hn.exposed[0]}`, origin: `${from} (EXPOSE)` };
  return undefined;
}

/** The first http URL on the machine's own loopback in a health command (curl, wget, python -c …). */
export function loopbackUrl(cmd: string): string | undefined {
  return /\bhttps?:\/\/(?:127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\])(?::\d+)?(?:\/[^\s'"`;|&)<>]*)?/i.exec(cmd)?.[0];
}

const DEFAULTS: HealthPaths = { live: "/live", ready: "/ready", health: "/health" };

/**
 * Health paths for a discovered service: what the Kubernetes probes and the compose
 * healthcheck already call are better guesses than /live, /ready and /health.
 * Paths set in fks.yaml always win.
 */
export function healthPaths(r: ServiceRecord, configured: boolean, fromAddress?: string): HealthPaths {
  if (configured) return r.health;
  const h = { ...r.health };
  const same = (k: keyof HealthPaths) => h[k] === DEFAULTS[k];
  const live = r.k8s?.probes.liveness;
  const ready = r.k8s?.probes.readiness;
  if (same("live") && live?.type === "http" && live.path) h.live = live.path;
  if (same("ready") && ready?.type === "http" && ready.path) h.ready = ready.path;
  const composePath = r.compose?.healthcheck && !r.compose.healthcheck.disabled ? pathOf(loopbackUrl(r.compose.healthcheck.test)) : undefined;
  const health = fromAddress ?? composePath;
  if (same("health") && health) h.health = health;
  return h;
}

function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const p = new URL(url).pathname;
  return p === "/" ? undefined : p;
}

export function hostOf(ip: string | undefined): string {
  return !ip || ip === "0.0.0.0" || ip === "::" ? "127.0.0.1" : ip.includes(":") ? `[${ip}]` : ip;
}
