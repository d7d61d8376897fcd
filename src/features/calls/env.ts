import path from "node:path";
import type { ServiceRecord } from "../../model.js";
import { existsSync } from "../../io/fs.js";
import { parseYaml, toPlain } from "../../lang/yaml/parse.js";
import type { EnvLookup, EnvValue, ServiceAddress } from "./target.js";

const lineIn = (text: string, name: string): number | undefined => {
  const i = text.search(new RegExp(`^\\s*(-\\s*)?(name:\\s*)?["']?${name}["']?\\s*[:=]`, "m"));
  return i < 0 ? undefined : text.slice(0, i).split("\n").length + (text[i] === "\n" ? 1 : 0);
};

/** `KEY=value` lines of a .env file (comments, `export`, quotes). */
function dotenv(text: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  text.split("\n").forEach((l, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(l);
    if (m) out.set(m[1]!, { value: m[2]!.replace(/^(["'])(.*)\1$/, "$2").replace(/\s+#.*$/, ""), line: i + 1 });
  });
  return out;
}

/**
 * The environment a service runs with, as deployed: its compose `environment:`, its Kubernetes
 * container `env:`, then `.env` next to the service or the compose file. `${X:-default}` in compose is
 * read through the same .env, then its default.
 */
export function envOf(svc: ServiceRecord | undefined, dir: string | undefined, rel: (f: string) => string, cwd: string, readOr: (f: string) => string): EnvLookup {
  const composeDir = svc?.compose ? path.dirname(path.resolve(cwd, svc.compose.file)) : undefined;
  const dotFiles = [...(svc?.compose ? envFiles(path.resolve(cwd, svc.compose.file), svc.compose.service, readOr) : []), ...[dir, composeDir].filter((d): d is string => !!d).map((d) => path.join(d, ".env"))]
    .filter((f, i, a) => a.indexOf(f) === i && existsSync(f))
    .map((f) => ({ file: f, vars: dotenv(readOr(f)) }));
  const fromDot = (name: string): EnvValue | undefined => {
    for (const d of dotFiles) {
      const v = d.vars.get(name);
      if (v) return { value: v.value, source: { kind: "env", detail: `${name}=${v.value}`, file: rel(d.file), line: v.line } };
    }
    return undefined;
  };
  const interpolate = (v: string) => v.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, n: string, d?: string) => fromDot(n)?.value ?? d ?? "");
  return (name) => {
    const c = svc?.compose;
    if (c && name in c.environment && c.environment[name] !== "") {
      const file = path.resolve(cwd, c.file);
      const value = interpolate(c.environment[name]!);
      return { value, source: { kind: "env", detail: `${name}=${value} (compose)`, file: rel(file), line: lineIn(readOr(file), name) ?? c.line } };
    }
    const k = svc?.k8s;
    if (k && k.env[name]) {
      const file = path.resolve(cwd, k.file);
      return { value: k.env[name]!, source: { kind: "env", detail: `${name}=${k.env[name]} (Kubernetes)`, file: rel(file), line: lineIn(readOr(file), name) ?? k.line } };
    }
    return fromDot(name);
  };
}

/** The `env_file:` entries of a compose service (a string, a list, or `{path}` items), relative to the compose file. */
function envFiles(composeFile: string, service: string, read: (f: string) => string): string[] {
  const text = read(composeFile);
  if (!/\benv_file\s*:/.test(text)) return [];
  try {
    const doc = toPlain(parseYaml(text, composeFile).docs[0]!, composeFile) as { services?: Record<string, { env_file?: unknown }> };
    const v = doc?.services?.[service]?.env_file;
    const list = Array.isArray(v) ? v : v ? [v] : [];
    return list
      .map((e) => (typeof e === "string" ? e : typeof (e as { path?: unknown })?.path === "string" ? (e as { path: string }).path : undefined))
      .filter((e): e is string => !!e)
      .map((e) => path.resolve(path.dirname(composeFile), e));
  } catch {
    return [];
  }
}

/** Host names and ports each service answers on, for mapping a URL to a service. */
export function addresses(services: ServiceRecord[]): ServiceAddress[] {
  return services.map((s) => {
    const hosts = new Set([s.name.toLowerCase()]);
    const ports = new Set<number>();
    if (s.port) ports.add(s.port);
    if (s.compose) {
      hosts.add(s.compose.service.toLowerCase());
      for (const p of s.compose.ports) {
        if (p.host) ports.add(p.host);
        ports.add(p.container);
      }
    }
    if (s.k8s) {
      hosts.add(s.k8s.name.toLowerCase());
      for (const svc of s.k8s.services) hosts.add(svc.name.toLowerCase());
      for (const p of s.k8s.ports) ports.add(p);
    }
    if (s.baseUrl) {
      const m = /^https?:\/\/([^/:]+)(?::(\d+))?/.exec(s.baseUrl);
      if (m) {
        hosts.add(m[1]!.toLowerCase());
        if (m[2]) ports.add(Number(m[2]));
      }
    }
    return { name: s.name, hosts: [...hosts], ports: [...ports] };
  });
}
