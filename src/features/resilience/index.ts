import path from "node:path";
import type { FileEdit, Finding, ServiceRecord } from "../../model.js";
import type { FksConfig } from "../../config/schema.js";
import { FksError } from "../../errors.js";
import { readTextSync, writeFileAtomic } from "../../io/fs.js";
import { walk } from "../../io/walk.js";
import { discover } from "../discover/index.js";
import { declaredDependencies } from "../discover/source.js";
import { ownClients, type OwnClient } from "../../frameworks/resilience/own-clients.js";
import type { CallsAdapter, ClientSettings, Downstream, Part } from "../../frameworks/resilience/types.js";
import { downstreamsOf } from "./downstreams.js";
import { rewireCalls } from "./rewire-calls.js";

export type { ClientSettings, Downstream, Part } from "../../frameworks/resilience/types.js";

export interface ScaffoldCallsOptions {
  cwd: string;
  paths?: string[];
  config?: FksConfig;
  configDir?: string;
  /** The service to scaffold (by name). */
  service: string;
  dryRun?: boolean;
  /** Resilience: add fks's client even where the service has its own breaker or client class. */
  replace?: boolean;
  /** Tracing: OpenTelemetry instead of the plain trace-context middleware. */
  otel?: boolean;
  /** Resilience: move the service's direct httpx/requests/reqwest calls to the generated client (default true). */
  rewire?: boolean;
  /** Downstreams named by hand (`name=ENV`), beside the ones found in compose and k8s. */
  downstreams?: Array<{ name: string; env: string }>;
  settings?: Partial<ClientSettings>;
  onProgress?: (text: string) => void;
}

export interface ScaffoldCallsResult {
  part: Part;
  service: string;
  framework?: string;
  edits: FileEdit[];
  findings: Finding[];
  written: boolean;
  downstreams: Downstream[];
  /** The service's own breaker and client classes (resilience). */
  own: OwnClient[];
}

export const DEFAULT_CLIENT_SETTINGS: ClientSettings = { timeout: 2, connectTimeout: 0.5, retries: 2, breakerThreshold: 5, breakerReset: 30 };

const ADAPTERS: Record<string, () => Promise<CallsAdapter>> = {
  fastapi: async () => (await import("../../frameworks/fastapi/resilience.js")).fastapiCalls,
  starlette: async () => (await import("../../frameworks/fastapi/resilience.js")).fastapiCalls,
  django: async () => (await import("../../frameworks/django/resilience.js")).djangoCalls,
  axum: async () => (await import("../../frameworks/axum/resilience.js")).axumCalls,
};

export function scaffoldResilience(opts: ScaffoldCallsOptions): Promise<ScaffoldCallsResult> {
  return scaffoldCalls("resilience", opts);
}

export function scaffoldTracing(opts: ScaffoldCallsOptions): Promise<ScaffoldCallsResult> {
  return scaffoldCalls("tracing", opts);
}

/** Plans (and unless dryRun, writes) the resilient client or the trace context of one service. */
async function scaffoldCalls(part: Part, opts: ScaffoldCallsOptions): Promise<ScaffoldCallsResult> {
  const settings = { ...DEFAULT_CLIENT_SETTINGS, ...definedOnly(opts.settings ?? {}) };
  if (settings.connectTimeout > settings.timeout) settings.connectTimeout = settings.timeout;
  opts.onProgress?.("discovering services");
  const found = await discover({ paths: opts.paths, cwd: opts.cwd, config: opts.config, configDir: opts.configDir });
  const r: ServiceRecord | undefined = found.services.find((s) => s.name === opts.service);
  if (!r) throw new FksError(`no service named "${opts.service}"`, { hint: `known services: ${found.services.map((s) => s.name).join(", ") || "none"}` });
  const rel = (f: string) => path.relative(opts.cwd, f) || f;
  const result: ScaffoldCallsResult = { part, service: r.name, framework: r.framework, edits: [], findings: [], written: false, downstreams: [], own: [] };
  const load = r.framework ? ADAPTERS[r.framework] : undefined;
  if (!load || !r.path) {
    result.findings.push({ rule: `${part}/unsupported`, severity: "error", service: r.name, file: r.path, message: r.framework ? `fks cannot scaffold ${part} for ${r.framework} yet` : "the service's framework is unknown", hint: "fks scaffolds FastAPI, Starlette, Django and axum services" });
    return result;
  }
  const dir = path.resolve(opts.cwd, r.path);
  const cache = new Map<string, string>();
  const read = (f: string) => {
    let t = cache.get(f);
    if (t === undefined) cache.set(f, (t = readTextSync(f)));
    return t;
  };
  const { files } = await walk([dir], { accept: (n) => /\.(py|rs)$/.test(n) || /^(requirements[\w.-]*\.txt|pyproject\.toml|Pipfile|setup\.py|Cargo\.toml|manage\.py)$/.test(n) });
  result.downstreams = downstreamsOf(r, found.services, opts.downstreams);
  if (part === "resilience") {
    result.own = ownClients(dir, files, read);
    for (const o of result.own) {
      result.findings.push({
        rule: "resilience/own-client",
        severity: opts.replace ? "note" : "warning",
        service: r.name,
        file: rel(o.file),
        line: o.line,
        message: `${o.name} is the service's own ${o.kind === "breaker" ? "circuit breaker" : "HTTP client"}${opts.replace ? "; fks adds its client beside it: move its callers over, then delete it" : "; fks left the service alone"}`,
        hint: opts.replace ? undefined : `run \`fks scaffold resilience ${r.name} --replace\` to add fks's client anyway`,
      });
    }
    if (result.own.length && !opts.replace) return result;
    if (!result.downstreams.length) {
      result.findings.push({ rule: "resilience/no-downstream", severity: "note", service: r.name, file: r.path, message: "no downstream service found in the service's compose or Kubernetes environment (a variable like DATA_URL=http://data:8002)", hint: "name them with --downstream data=DATA_URL; the client is generated with none" });
    }
  }
  opts.onProgress?.(`planning ${part} for ${r.name}`);
  const adapter = await load();
  const plan = await adapter.plan({ part, service: r.name, dir, files, read, deps: declaredDependencies(files, read), downstreams: result.downstreams, settings, otel: !!opts.otel });
  for (const n of plan.notes) result.findings.push({ rule: `${part}/manual`, severity: "note", service: r.name, message: n.message, file: n.file ? rel(n.file) : undefined, line: n.line, hint: n.hint });
  if (!plan.module) result.findings.push({ rule: `${part}/not-wired`, severity: "error", service: r.name, file: r.path, message: `fks found no place to add ${part} in the ${r.framework} code`, hint: plan.notes[0]?.hint });
  // Each file appears once in a plan: adapters build every change to a file on the one text.
  const edits = plan.edits;
  if (part === "resilience" && plan.module && opts.rewire !== false) {
    opts.onProgress?.(`rewiring the calls of ${r.name}`);
    const rw = await rewireCalls({ opts, service: r, services: found.services, module: plan.module, edits, read, rel });
    result.findings.push(...rw.findings);
  }
  if (!opts.dryRun) for (const e of edits) await writeFileAtomic(e.file, e.after);
  result.written = !opts.dryRun && edits.length > 0;
  result.edits = edits.map((e) => ({ ...e, file: rel(e.file) }));
  return result;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
