
import type { K8sInfo, Probe } from "../../model.js";
import { keyLine, parseYaml, toPlain } from "../../lang/yaml/parse.js";

type Obj = Record<string, unknown>;

export const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** Cheap test before a full parse: a Kubernetes manifest names an apiVersion and a kind. */
export function looksLikeK8s(text: string): boolean {
  return /^\s*apiVersion:/m.test(text) && /^\s*kind:/m.test(text);
}

interface Workload extends K8sInfo {
  labels: Obj;
}

/** One K8sInfo per container of every workload; Services are attached by label selector. */
export function parseK8s(text: string, file: string): K8sInfo[] {
  const { docs, lineOf } = parseYaml(text, file, { multi: true });
  const workloads: Workload[] = [];
  const services: Array<{ name: string; selector: Obj; ports: number[]; line: number }> = [];
  docs.forEach((doc) => {
    const obj = toPlain(doc, file) as Obj | null;
    if (!obj || typeof obj !== "object") return;
    const items: Array<{ o: Obj; base: Array<string | number> }> =
      obj.kind === "List" && Array.isArray(obj.items)
        ? (obj.items as Obj[]).map((o, i) => ({ o, base: ["items", i] }))
        : [{ o: obj, base: [] }];
    for (const { o, base } of items) {
      const kind = String(o.kind ?? "");
      const meta = (o.metadata ?? {}) as Obj;
      const name = String(meta.name ?? "");
      const line = keyLine(doc, [...base, "metadata", "name"], lineOf) ?? lineOf(doc.contents) ?? 1;
      if (WORKLOAD_KINDS.has(kind)) {
        const tpl = (((o.spec ?? {}) as Obj).template ?? {}) as Obj;
        const labels = (((tpl.metadata ?? {}) as Obj).labels ?? {}) as Obj;
        const containers = ((((tpl.spec ?? {}) as Obj).containers ?? []) as Obj[]) ?? [];
        containers.forEach((c, ci) => {
          const cPath = [...base, "spec", "template", "spec", "containers", ci];
          const named = namedPorts(c.ports);
          const argv = (key: string) =>
            Array.isArray(c[key]) && (c[key] as unknown[]).length ? { value: (c[key] as unknown[]).map(String), line: keyLine(doc, [...cPath, key], lineOf) ?? line } : undefined;
          const probe = (key: string): Probe | undefined => readProbe(c[key], keyLine(doc, [...cPath, key], lineOf) ?? line, named);
          workloads.push({
            file,
            kind,
            name,
            line,
            container: String(c.name ?? ""),
            image: typeof c.image === "string" ? c.image : undefined,
            ports: ((c.ports ?? []) as Obj[]).map((p) => Number(p.containerPort)).filter(Number.isInteger),
            env: readEnv(c.env),
            command: argv("command"),
            args: argv("args"),
            probes: { liveness: probe("livenessProbe"), readiness: probe("readinessProbe"), startup: probe("startupProbe") },
            services: [],
            labels,
          });
        });
      } else if (kind === "Service") {
        const spec = (o.spec ?? {}) as Obj;
        services.push({
          name,
          line,
          selector: (spec.selector ?? {}) as Obj,
          ports: ((spec.ports ?? []) as Obj[]).map((p) => Number(p.port)).filter(Number.isInteger),
        });
      }
    }
  });
  for (const w of workloads) {
    for (const s of services) {
      const sel = Object.entries(s.selector);
      if (sel.length > 0 && sel.every(([k, v]) => w.labels[k] === v)) w.services.push({ name: s.name, ports: s.ports, line: s.line, file });
    }
  }
  return workloads.map(({ labels: _labels, ...rest }) => rest);
}

/** The container's `ports[].name` → `containerPort`, what a probe's named port refers to. */
function namedPorts(v: unknown): Map<string, number> {
  const named = new Map<string, number>();
  if (Array.isArray(v)) for (const p of v as Obj[]) if (typeof p?.name === "string" && Number.isInteger(Number(p.containerPort))) named.set(p.name, Number(p.containerPort));
  return named;
}

/**
 * A probe's port as the kubelet resolves it: a number, or a name the container declares, which
 * becomes that port's number. A name the container does not declare stays a string, so consumers
 * can tell it apart (the kubelet fails such a probe).
 */
function probePort(v: unknown, named: Map<string, number>): number | string | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  return /^\d+$/.test(v) ? Number(v) : (named.get(v) ?? v);
}

function readProbe(v: unknown, line: number, named: Map<string, number>): Probe | undefined {
  if (!v || typeof v !== "object") return undefined;
  const p = v as Obj;
  const num = (k: string) => (typeof p[k] === "number" ? (p[k] as number) : undefined);
  const base = {
    line,
    periodSeconds: num("periodSeconds"),
    timeoutSeconds: num("timeoutSeconds"),
    failureThreshold: num("failureThreshold"),
    initialDelaySeconds: num("initialDelaySeconds"),
  };
  if (p.httpGet && typeof p.httpGet === "object") {
    const h = p.httpGet as Obj;
    return { ...base, type: "http", path: typeof h.path === "string" ? h.path : "/", port: probePort(h.port, named) };
  }
  if (p.exec && typeof p.exec === "object") return { ...base, type: "exec", command: ((p.exec as Obj).command as string[]) ?? [] };
  if (p.tcpSocket && typeof p.tcpSocket === "object") return { ...base, type: "tcp", port: probePort((p.tcpSocket as Obj).port, named) };
  if (p.grpc && typeof p.grpc === "object") return { ...base, type: "grpc", port: (p.grpc as Obj).port as number };
  return { ...base, type: "unknown" };
}

function readEnv(v: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(v)) for (const e of v as Obj[]) if (typeof e?.name === "string") env[e.name] = typeof e.value === "string" ? e.value : "";
  return env;
}

