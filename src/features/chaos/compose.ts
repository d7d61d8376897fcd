import path from "node:path";
import { stringify } from "yaml";
import { chaosDefaults } from "../../config/chaos.js";
import type { FksConfig } from "../../config/schema.js";
import { FksError } from "../../errors.js";
import { existsSync, readText, writeFileAtomic } from "../../io/fs.js";
import type { ComposeInfo, FileEdit } from "../../model.js";
import { parseCompose } from "../discover/compose.js";
import { infraKindOfImage } from "../discover/infra.js";

export const TOXIPROXY_IMAGE = "ghcr.io/shopify/toxiproxy:2.12.0";

export interface ComposeEdge {
  from: string;
  to: string;
  env: string;
  /** The caller's URL before and after. */
  url: string;
  proxied: string;
  listen: string;
  upstream: string;
  name: string;
}

export interface ChaosComposeResult {
  compose: string;
  override: string;
  edges: ComposeEdge[];
  edits: FileEdit[];
  written: boolean;
  /** The chaos.edges for fks.yaml that name these proxies, so fks chaos run can fault them. */
  fksYaml: string;
}

/**
 * fks chaos init --compose: a compose override that adds Toxiproxy (its proxies created at start
 * from an inline config) and points each caller's downstream URL variable at its proxy. Edges come
 * from chaos.edges with `env`, and from caller variables holding http://<service>:<port> URLs.
 */
export async function chaosInitCompose(o: { cwd: string; config?: FksConfig; composeFile?: string; out?: string; dryRun?: boolean }): Promise<ChaosComposeResult> {
  const composeAbs = path.resolve(o.cwd, o.composeFile ?? ["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"].find((f) => existsSync(path.join(o.cwd, f))) ?? "docker-compose.yml");
  const shown = path.relative(o.cwd, composeAbs) || path.basename(composeAbs);
  if (!existsSync(composeAbs)) throw new FksError(`no compose file ${shown}`, { hint: "pass --compose <file>" });
  const services = parseCompose(await readText(composeAbs), shown, composeAbs);
  const apps = new Map(services.filter((s) => s.build || !s.image || !infraKindOfImage(s.image)).map((s) => [s.service, s]));
  const settings = chaosDefaults(o.config?.chaos);
  const edges: ComposeEdge[] = [];
  const taken = new Set<number>();
  const add = (from: ComposeInfo, env: string, url: string, to: string) => {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
    let listenPort = port + 10000;
    while (taken.has(listenPort)) listenPort++;
    taken.add(listenPort);
    const proxiedUrl = url.replace(`//${u.host}`, `//toxiproxy:${listenPort}`);
    edges.push({ from: from.service, to, env, url, proxied: proxiedUrl, listen: `0.0.0.0:${listenPort}`, upstream: `${to}:${port}`, name: `${from.service}-${to}` });
  };
  for (const s of apps.values()) {
    for (const [k, v] of Object.entries(s.environment).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const declared = settings.edges.find((e) => e.from === s.service && e.env === k);
      const m = /^https?:\/\/([^/:@]+)(:\d+)?/.exec(v);
      if (!m) continue;
      const to = declared?.to ?? m[1]!;
      if (to === s.service || !apps.has(to)) continue;
      add(s, k, v, to);
    }
  }
  if (!edges.length) throw new FksError(`${shown}: no caller points at another service by URL (e.g. DATA_URL: http://data:8002)`, { hint: "declare chaos.edges with env: in fks.yaml" });
  const proxies = edges.map((e) => ({ name: e.name, listen: e.listen, upstream: e.upstream, enabled: true }));
  const doc: Record<string, unknown> = {
    configs: { "fks-toxiproxy": { content: JSON.stringify(proxies, null, 2) + "\n" } },
    services: {
      toxiproxy: {
        image: TOXIPROXY_IMAGE,
        command: ["-host=0.0.0.0", "-config=/fks-toxiproxy.json"],
        configs: [{ source: "fks-toxiproxy", target: "/fks-toxiproxy.json" }],
        ports: [`${new URL(settings.toxiproxy).port || 8474}:8474`],
      },
      ...Object.fromEntries(
        [...new Set(edges.map((e) => e.from))].map((from) => [
          from,
          {
            environment: Object.fromEntries(edges.filter((e) => e.from === from).map((e) => [e.env, e.proxied])),
            depends_on: { toxiproxy: { condition: "service_started" } },
          },
        ]),
      ),
    },
  };
  const base = path.basename(composeAbs).replace(/\.ya?ml$/, "");
  const outAbs = path.resolve(o.cwd, o.out ?? path.join(path.dirname(composeAbs), `${base}.chaos.yml`));
  const outShown = path.relative(o.cwd, outAbs) || path.basename(outAbs);
  const header = `# Written by fks chaos init --compose from ${path.basename(composeAbs)}: Toxiproxy between the services.\n# docker compose -f ${path.basename(composeAbs)} -f ${path.basename(outAbs)} up\n# Then fault an edge: fks chaos run <experiment> (chaos.toxiproxy: ${settings.toxiproxy}).\n`;
  const after = header + stringify(doc, { lineWidth: 0 });
  const before = existsSync(outAbs) ? await readText(outAbs) : null;
  const edits: FileEdit[] = before === after ? [] : [{ file: outShown, before, after, reason: `Toxiproxy on ${edges.length} edge${edges.length > 1 ? "s" : ""}: ${edges.map((e) => `${e.from} → ${e.to} (${e.env})`).join(", ")}` }];
  if (!o.dryRun && edits.length) await writeFileAtomic(outAbs, after);
  const fksYaml = stringify({ chaos: { edges: edges.map((e) => ({ name: e.name, from: e.from, to: e.to, env: e.env, listen: e.listen, upstream: e.upstream })) } }, { lineWidth: 0, flow: false });
  return { compose: shown, override: outShown, edges, edits, written: !o.dryRun && edits.length > 0, fksYaml };
}
