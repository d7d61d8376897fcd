import path from "node:path";
import { readTextSync } from "../../../io/fs.js";
import { parseYaml, toPlain } from "../../../lang/yaml/parse.js";
import type { ServiceRecord } from "../../../model.js";

type Obj = Record<string, unknown>;

/** How a service is found on Kubernetes: the pods to select and the Service DNS name to probe. */
export interface K8sTarget {
  service: string;
  namespace: string;
  /** Pod labels a Chaos Mesh selector matches. */
  labels: Record<string, string>;
  /** Where the labels came from ("k8s/api.yaml:12 spec.selector.matchLabels"), or why they are a guess. */
  labelsFrom: string;
  /** True when no manifest was found and app.kubernetes.io/name: <service> is assumed. */
  guessed: boolean;
  container?: string;
  /** host:port of the Kubernetes Service (cluster DNS), for StatusCheck probes. */
  host: string;
  port?: number;
  /** The pod's container port (HTTPChaos intercepts there, not on the Service port). */
  containerPort?: number;
  live: string;
  ready: string;
}

/**
 * Reads the pod labels and namespace of each service's workload from the manifest discovery
 * found it in (discovery keeps only the file and line, the labels are read here). The Service's
 * DNS name is that of the Kubernetes Service selecting the pods, else the workload's name.
 */
export function k8sTargets(records: ServiceRecord[], cwd: string, defaultNamespace: string): K8sTarget[] {
  const cache = new Map<string, Obj[]>();
  return records.map((r) => {
    const health = { live: r.health.live || "/live", ready: r.health.ready || "/ready" };
    const k = r.k8s;
    if (!k) {
      return {
        service: r.name,
        namespace: defaultNamespace,
        labels: { "app.kubernetes.io/name": r.name },
        labelsFrom: "no Kubernetes manifest found: app.kubernetes.io/name assumed",
        guessed: true,
        host: `${r.name}.${defaultNamespace}.svc.cluster.local`,
        port: r.port,
        containerPort: r.port,
        ...health,
      };
    }
    let docs = cache.get(k.file);
    if (!docs) {
      const text = readTextSync(path.resolve(cwd, k.file));
      docs = parseYaml(text, k.file, { multi: true }).docs.flatMap((d) => {
        const o = toPlain(d, k.file) as Obj | null;
        if (!o || typeof o !== "object") return [];
        return o.kind === "List" && Array.isArray(o.items) ? (o.items as Obj[]) : [o];
      });
      cache.set(k.file, docs);
    }
    const meta = (o: Obj) => (o.metadata ?? {}) as Obj;
    const w = docs.find((o) => o.kind === k.kind && meta(o).name === k.name);
    const spec = (w?.spec ?? {}) as Obj;
    const match = strings(((spec.selector ?? {}) as Obj).matchLabels);
    const tpl = strings(meta(((spec.template ?? {}) as Obj)).labels);
    const labels = Object.keys(match).length ? match : tpl;
    const namespace = typeof meta(w ?? {}).namespace === "string" ? String(meta(w!).namespace) : defaultNamespace;
    const svc = k.services[0];
    const port = svc?.ports[0] ?? k.ports[0] ?? r.port;
    const dnsName = svc?.name ?? k.name;
    const guessed = !Object.keys(labels).length;
    return {
      service: r.name,
      namespace,
      labels: guessed ? { "app.kubernetes.io/name": r.name } : labels,
      labelsFrom: guessed
        ? `${k.file}:${k.line} ${k.kind} ${k.name} has no selector or pod labels: app.kubernetes.io/name assumed`
        : `${k.file}:${k.line} ${k.kind} ${k.name} ${Object.keys(match).length ? "spec.selector.matchLabels" : "spec.template.metadata.labels"}`,
      guessed,
      container: k.container || undefined,
      host: `${dnsName}.${namespace}.svc.cluster.local`,
      port,
      containerPort: k.ports[0] ?? r.port,
      ...health,
    };
  });
}

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === "object") for (const [key, val] of Object.entries(v as Obj)) if (typeof val === "string" || typeof val === "number" || typeof val === "boolean") out[key] = String(val);
  return out;
}
