import type { CallTarget, TargetSource } from "./types.js";

/** A URL being built from code: literal text and runtime parts (`{symbol}`). */
export type Part = { s: string } | { p: string };
export type Resolved = { parts: Part[]; sources: TargetSource[] } | { unresolved: string; sources: TargetSource[] };

export const lit = (s: string, sources: TargetSource[] = []): Resolved => ({ parts: [{ s }], sources });
export const runtime = (name: string): Resolved => ({ parts: [{ p: name }], sources: [] });
export const unresolved = (why: string, sources: TargetSource[] = []): Resolved => ({ unresolved: why, sources });

export function concat(items: Resolved[]): Resolved {
  const parts: Part[] = [];
  const sources: TargetSource[] = [];
  for (const r of items) {
    sources.push(...r.sources);
    if ("unresolved" in r) return { unresolved: r.unresolved, sources };
    parts.push(...r.parts);
  }
  return { parts, sources };
}

/** A runtime value (an argument, a loop variable) is fine in the path; it is not where the host should come from. */
export function asParam(name: string): Resolved {
  const clean = name.replace(/[^\w.]/g, "").split(".").pop() || "param";
  return runtime(clean);
}

/** An environment variable's value as deployed: compose, Kubernetes or a .env file, in that order. */
export interface EnvValue {
  value: string;
  source: TargetSource;
}
export type EnvLookup = (name: string) => EnvValue | undefined;

/** A service's host names: compose service, Kubernetes Services, its own name; and the ports it answers on. */
export interface ServiceAddress {
  name: string;
  hosts: string[];
  ports: number[];
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"]);

/** The URL, host → service and path of a resolved expression. */
export function toTarget(res: Resolved, expression: string, services: ServiceAddress[], self: string): CallTarget {
  const base: CallTarget = { expression, sources: res.sources };
  if ("unresolved" in res) return { ...base, unresolved: res.unresolved };
  // Adjacent literal parts join; a runtime part becomes `{name}`.
  let url = "";
  let firstParam = -1;
  for (const p of res.parts) {
    if ("s" in p) url += p.s;
    else {
      if (firstParam < 0) firstParam = url.length;
      url += `{${p.p}}`;
    }
  }
  const m = /^(https?):\/\/([^/?#{}]+)(.*)$/i.exec(url);
  if (!m || (firstParam >= 0 && firstParam < m[1]!.length + 3 + m[2]!.length)) {
    const why = firstParam >= 0 && firstParam <= 8 ? `the base URL comes from a runtime value (${url})` : `not an absolute http(s) URL: ${url}`;
    return { ...base, url, unresolved: why };
  }
  const hostPort = m[2]!.replace(/^[^@]*@/, "");
  const [host, portText] = hostPort.startsWith("[") ? [hostPort.slice(0, hostPort.indexOf("]") + 1), hostPort.slice(hostPort.indexOf("]") + 2)] : hostPort.split(":");
  const port = portText ? Number(portText) : m[1]!.toLowerCase() === "https" ? 443 : 80;
  const pathPart = normalisePath(m[3]!);
  const h = host!.toLowerCase();
  let svc: ServiceAddress | undefined;
  if (LOOPBACK.has(h)) {
    svc = services.find((s) => s.name !== self && s.ports.includes(port)) ?? services.find((s) => s.ports.includes(port));
  } else {
    // data, data.default, data.default.svc.cluster.local → data
    const label = h.split(".")[0]!;
    svc = services.find((s) => s.hosts.includes(h)) ?? (h.includes(".svc") || !h.includes(".") ? services.find((s) => s.hosts.includes(label)) : undefined);
  }
  if (!svc) return { ...base, url, path: pathPart, external: true };
  return { ...base, url, service: svc.name, path: pathPart };
}

/** Path without query or fragment, `{name}` parameters kept, at least "/". */
export function normalisePath(p: string): string {
  let out = p.replace(/[?#].*$/, "");
  if (!out.startsWith("/")) out = "/" + out;
  return out.replace(/\/{2,}/g, "/");
}
