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
  if (hc?.origin) return { url: hc.origin, origin: `${from} (HEALTHCHECK)`, healthPath: hc.path };
  if (hn?.exposed.length === 1) return { url: `http://127.0.0.1:${hn.exposed[0]}`, origin: `${from} (EXPOSE)`, healthPath: hc?.path };
  return undefined;
}

/**
 * The first http URL on the machine's own loopback in a health command (curl, wget, python -c …):
 * its origin when the port is a number (not `${PORT}`), and its path unless it is "/".
 */
export function loopbackUrl(cmd: string): { origin?: string; path?: string } | undefined {
  const m = /\b(https?):\/\/(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\])(:[^/\s'"`;|&)<>]*)?(\/[^\s'"`;|&)<>]*)?/i.exec(cmd);
  if (!m) return undefined;
  const [, scheme, host, port, p] = m;
  const numeric = !port || /^:\d{1,5}$/.test(port);
  const origin = numeric ? `${scheme!.toLowerCase()}://${host === "[::1]" ? host : "127.0.0.1"}${port ?? ""}` : undefined;
  const path = p && p !== "/" ? p.split(/[?#]/)[0] : undefined;
  return { origin, path };
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
  const composePath = r.compose?.healthcheck && !r.compose.healthcheck.disabled ? loopbackUrl(r.compose.healthcheck.test)?.path : undefined;
  const health = fromAddress ?? composePath;
  if (same("health") && health) h.health = health;
  return h;
}

export function hostOf(ip: string | undefined): string {
  return !ip || ip === "0.0.0.0" || ip === "::" ? "127.0.0.1" : ip.includes(":") ? `[${ip}]` : ip;
}
