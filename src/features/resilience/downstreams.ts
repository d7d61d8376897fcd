import type { ServiceRecord } from "../../model.js";
import type { Downstream } from "../../frameworks/resilience/types.js";

/**
 * The services `r` calls, each with the environment variable that holds its base URL: the
 * variables in its compose and Kubernetes environment whose value is an http(s) URL of another
 * known service (DATA_URL=http://data:8002), plus the ones given explicitly (`name=ENV`, which win).
 * The one place that answers "whom does this service call"; a static call graph can replace it.
 */
export function downstreamsOf(r: ServiceRecord, services: ServiceRecord[], explicit: Array<{ name: string; env: string }> = []): Downstream[] {
  const out = new Map<string, Downstream>();
  const sources: Array<[Record<string, string> | undefined, string]> = [
    [r.compose?.environment, r.compose ? `${r.compose.file}: ${r.compose.service}.environment` : ""],
    [r.k8s?.env, r.k8s ? `${r.k8s.file}: env` : ""],
  ];
  for (const [env, where] of sources) {
    for (const [key, value] of Object.entries(env ?? {})) {
      const host = /^https?:\/\/([^:/?#]+)/i.exec(String(value))?.[1]?.toLowerCase();
      if (!host) continue;
      // A Kubernetes DNS name (data.default.svc.cluster.local) names its Service first.
      const target = services.find((s) => s.name !== r.name && (s.name.toLowerCase() === host || s.name.toLowerCase() === host.split(".")[0]));
      if (target && !out.has(target.name)) out.set(target.name, { name: target.name, env: key, from: `${where}.${key}` });
    }
  }
  for (const e of explicit) out.set(e.name, { name: e.name, env: e.env, from: "--downstream" });
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
