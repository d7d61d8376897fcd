import path from "node:path";
import { buildCatalog } from "../routes/catalog.js";
import { servesFromCatalog } from "./served.js";
import type { Document } from "yaml";
import type { FileEdit, Finding, Route } from "../../model.js";
import type { FksConfig } from "../../config/schema.js";
import { scaffoldHealthSettings, type ScaffoldHealthSettings } from "../../config/scaffold.js";
import { FksError } from "../../errors.js";
import { frameworkById } from "../../frameworks/index.js";
import type { HealthCodePlan } from "../../frameworks/health/types.js";
import { readTextSync, writeFileAtomic } from "../../io/fs.js";
import { walk } from "../../io/walk.js";
import { parseYaml } from "../../lang/yaml/parse.js";
import { discover } from "../discover/index.js";
import { clientLibraries } from "../discover/source.js";
import { whyNoHttpHealth } from "../discover/runtime.js";
import { parseCargoManifest } from "../../lang/toml/cargo.js";
import { dependencyChecks } from "./checks.js";
import { guardFindings } from "./guards.js";
import { planCompose, type ComposeEntry } from "./compose.js";
import { planDockerfile, type DockerfilePlan } from "./dockerfile.js";
import { planK8s } from "./k8s.js";
import { RULES, RULE_LIST, type HealthRule } from "./rules.js";
import type { PlanFinding, ScaffoldSettings, ServicePlanInput, Timing } from "./types.js";

export interface ScaffoldHealthOptions {
  cwd: string;
  paths?: string[];
  config?: FksConfig;
  configDir?: string;
  /** Only this service (by name). */
  service?: string;
  /** Replace broken existing healthchecks and non-HTTP probes. */
  force?: boolean;
  /** Plan and report, write nothing. */
  dryRun?: boolean;
  /** Report findings (what is missing or broken) instead of writing. */
  check?: boolean;
  /** Overrides of fks.yaml `scaffold.health` (flags); unset ones come from the file, then the defaults. */
  tokenEnv?: string;
  ratePerSecond?: number;
  timing?: Partial<Timing>;
  onProgress?: (text: string) => void;
}

export interface ScaffoldHealthResult {
  /** Planned edits with paths relative to cwd; written unless dryRun or check. */
  edits: FileEdit[];
  /** With check: every finding. Otherwise: what the edits leave unfixed. */
  findings: Finding[];
  written: boolean;
  services: string[];
  rules: HealthRule[];
  /** The settings used: defaults < fks.yaml scaffold.health < options. */
  settings: ScaffoldHealthSettings;
  /** What service discovery could not read (malformed compose/k8s/Dockerfile, skipped files): shown, never fatal. */
  diagnostics: Finding[];
  /** Broken existing healthchecks left alone (no force), and the command that replaces them. */
  keptBroken?: { count: number; services: string[]; command: string };
}

/** Plans (and unless dryRun/check, writes) health endpoints, HEALTHCHECKs, compose healthchecks and k8s probes. */
export async function scaffoldHealth(opts: ScaffoldHealthOptions): Promise<ScaffoldHealthResult> {
  const settings = resolveSettings(opts);
  const timing: Timing = { interval: settings.interval, timeout: settings.timeout, startPeriod: settings.startPeriod, retries: settings.failureThreshold };
  const s: ScaffoldSettings = { force: !!opts.force, tokenEnv: settings.tokenEnv, ratePerSecond: settings.rate, timing };
  opts.onProgress?.("discovering services");
  const found = await discover({ paths: opts.paths, cwd: opts.cwd, config: opts.config, configDir: opts.configDir });
  let records = found.services.filter((r) => r.framework || r.dockerfile || r.compose || r.k8s);
  if (opts.service) {
    records = records.filter((r) => r.name === opts.service);
    if (!records.length) throw new FksError(`no service named "${opts.service}"`, { hint: `known services: ${found.services.map((r) => r.name).join(", ") || "none"}` });
  }
  if (!records.length) {
    throw new FksError(`no services found in ${found.roots.join(", ")}`, { hint: "point fks at the folders that hold your services, or list them in fks.yaml" });
  }
  // The route catalog knows which paths the code serves; a service it cannot read falls back to discovery's evidence.
  opts.onProgress?.("reading routes");
  const catalog = await buildCatalog({ paths: opts.paths, cwd: opts.cwd, config: opts.config, configDir: opts.configDir, discovered: found.services }).catch((e: unknown) => {
    if (e instanceof FksError) return undefined;
    throw e;
  });
  const abs = (f: string) => path.resolve(opts.cwd, f);
  const rel = (f: string) => path.relative(opts.cwd, f) || f;
  const cache = new Map<string, string>();
  const read = (f: string) => {
    let t = cache.get(f);
    if (t === undefined) cache.set(f, (t = readTextSync(f)));
    return t;
  };
  const findings: PlanFinding[] = [];
  const failed = new Set<string>();
  const unparsable = (e: unknown, service: string, file?: string) => {
    if (!(e instanceof FksError)) throw e;
    failed.add(service);
    findings.push({ rule: RULES.unparsable.id, severity: "error", message: e.message.replace(/^\S+:\d+ /, ""), file: e.file ? rel(abs(e.file)) : file, line: e.line, service, hint: e.hint, fixed: false });
  };

  // 1. Manifests that do not parse stop every service they describe. Each file is parsed once;
  // the planners edit these documents.
  const manifests = new Map<string, Document.Parsed[] | FksError>();
  for (const r of records) {
    for (const f of [r.compose?.file, r.k8s?.file]) {
      if (!f) continue;
      let parsed = manifests.get(f);
      if (!parsed) {
        try {
          parsed = parseYaml(read(abs(f)), f, { multi: true }).docs;
        } catch (e) {
          if (!(e instanceof FksError)) throw e;
          parsed = e;
        }
        manifests.set(f, parsed);
      }
      if (parsed instanceof FksError) unparsable(parsed, r.name, f);
    }
  }
  const docsOf = (f: string) => manifests.get(f) as Document.Parsed[];

  // 2. Code and Dockerfile, per service.
  const inputs = new Map<string, { input: ServicePlanInput; code?: HealthCodePlan; docker?: DockerfilePlan }>();
  const serviceEdits = new Map<string, FileEdit[]>();
  for (const r of records) {
    if (failed.has(r.name)) continue;
    opts.onProgress?.(`planning ${r.name}`);
    const dir = r.path ? abs(r.path) : undefined;
    const adapter = r.framework ? frameworkById(r.framework)?.health : undefined;
    const input: ServicePlanInput = { record: r, dir, paths: r.health, checks: [], served: new Set(r.healthInCode.map((h) => h.path)), noProbe: whyNoHttpHealth(r) };
    let probeRoutes: Route[] | undefined;
    if (catalog) {
      probeRoutes = catalog.routes.filter((x) => x.service === r.name && (x.path === r.health.live || x.path === r.health.ready)).map((x) => ({ ...x, file: abs(x.file), via: x.via.map((v) => ({ ...v, file: abs(v.file) })) }));
      input.serves = servesFromCatalog(catalog.routes.filter((x) => x.service === r.name));
      for (const p of [r.health.live, r.health.ready, r.health.health]) if (input.serves(p)) input.served.add(p);
    }
    const edits: FileEdit[] = [];
    try {
      let code: HealthCodePlan | undefined;
      const entry = r.entry?.appFile || r.entry?.settings ? { appFile: r.entry.appFile ? abs(r.entry.appFile) : undefined, appLine: r.entry.appLine, appModule: r.entry.appModule, settings: r.entry.settings, reason: r.entry.reason } : undefined;
      if (r.entry?.idle) {
        findings.push({ rule: RULES.manual.id, severity: "note", service: r.name, file: r.compose?.file ?? r.k8s?.file, line: r.compose?.command?.line ?? r.k8s?.command?.line, message: `no HEALTHCHECK, compose healthcheck or probes added: the container only idles (\`${r.entry.idle}\`), so nothing in it would answer them`, hint: "add them where the service is started for real", fixed: false });
      }
      if (input.noProbe && !r.entry?.idle) {
        const hint = r.entry?.offTheShelf ? `serve a health location in its ${r.entry.offTheShelf} configuration and add a healthcheck that requests it, by hand` : "a worker needs no HTTP probe; if you want one, use an exec check of its own (e.g. `celery inspect ping`)";
        findings.push({ rule: RULES.manual.id, severity: "note", service: r.name, file: r.entry?.chain[0]?.file, line: r.entry?.chain[0]?.line, message: `no health endpoints, HEALTHCHECK or probes added: ${input.noProbe}`, hint, fixed: false });
      } else if (adapter && dir) {
        const { files } = await walk([dir], { accept: (n) => /\.(py|rs)$/.test(n) || /^(requirements[\w.-]*\.txt|pyproject\.toml|Pipfile|setup\.py|Cargo\.toml|manage\.py)$/.test(n) });
        input.checks = dependencyChecks(r, found.services, found.dependencies);
        code = await adapter.plan({
          service: r.name, dir, files, read, deps: clientLibraries(files, read), paths: r.health, checks: input.checks,
          tokenEnv: s.tokenEnv, ratePerSecond: s.ratePerSecond, port: r.port, version: versionOf(files, read), probeRoutes, entry,
        });
        findings.push(...guardFindings(code.guards ?? [], r.name, rel));
        input.selfCheck = code.selfCheck;
        const missing = [r.health.live, r.health.ready, r.health.health].filter((p) => !input.served.has(p));
        if (code.edits.length && missing.length) {
          findings.push({ rule: RULES.endpoints.id, severity: RULES.endpoints.severity, service: r.name, file: r.path, fixed: true, message: `${r.framework} service does not serve ${missing.join(", ")}` });
        } else if (missing.length && !code.module) {
          // Still missing after the plan: an error for --check, and nothing may probe these paths.
          const why = code.notes.shift();
          input.unservable = `fks cannot add them: ${why ? `${why.message}${why.hint ? `; ${why.hint}` : ""}` : `it found no place for them in the ${r.framework} code`}`;
          findings.push({ rule: RULES.endpoints.id, severity: RULES.endpoints.severity, service: r.name, file: why?.file ? rel(why.file) : r.path, line: why?.line, fixed: false, message: `${r.framework} service does not serve ${missing.join(", ")}`, hint: input.unservable });
        }
        for (const n of code.notes) findings.push({ rule: RULES.manual.id, severity: "note", service: r.name, message: n.message, file: n.file ? rel(n.file) : undefined, line: n.line, hint: n.hint, fixed: false });
        if (code.module) for (const p of [r.health.live, r.health.ready, r.health.health]) input.served.add(p);
        edits.push(...code.edits);
      } else if (r.framework) {
        findings.push({ rule: RULES.manual.id, severity: "note", service: r.name, file: r.path, message: `fks cannot scaffold health endpoints for ${r.framework} yet`, hint: "add /live, /ready and /health by hand", fixed: false });
      }
      let docker: DockerfilePlan | undefined;
      // A worker built from the API's image gets no HTTP HEALTHCHECK of its own (the API's plan adds it once);
      // an image several HTTP services run with their own commands gets none: one check cannot probe them all.
      const sharing = r.dockerfile ? records.filter((o) => o.dockerfile?.file === r.dockerfile!.file && !whyNoHttpHealth(o)) : [];
      const apps = new Set(sharing.map((o) => `${o.entry?.app}:${o.port}`));
      if (r.dockerfile && !input.noProbe && apps.size > 1) {
        findings.push({ rule: RULES.manual.id, severity: "note", service: r.name, file: r.dockerfile.file, message: `no HEALTHCHECK added to ${r.dockerfile.file}: it is the image of ${sharing.map((o) => o.name).join(", ")}, which serve different apps or ports`, hint: "give each container its own healthcheck (compose healthcheck:, Kubernetes probes)", fixed: false });
      } else if (r.dockerfile && !input.noProbe) {
        const file = abs(r.dockerfile.file);
        docker = planDockerfile(input, file, read(file), r.dockerfile.file, s, r.compose?.build?.target);
        findings.push(...docker.findings);
        edits.push(...docker.edits);
      }
      inputs.set(r.name, { input, code, docker });
      serviceEdits.set(r.name, edits);
    } catch (e) {
      unparsable(e, r.name, r.path);
    }
  }

  // A worker (or flower, or an idle container) started from an HTTP service's image inherits its HEALTHCHECK, which never passes there.
  for (const i of inputs.values()) {
    const r = i.input.record;
    if (!i.input.noProbe || !r.dockerfile) continue;
    const api = [...inputs.values()].find((o) => o !== i && (o.docker?.healthy || o.docker?.healthyBefore) && o.input.record.dockerfile?.file === r.dockerfile!.file && o.input.record.compose?.build?.target === r.compose?.build?.target);
    if (api) i.input.inheritsHealthcheck = { from: api.input.record.name, already: !!api.docker?.healthyBefore };
  }

  // 3. Compose files and Kubernetes manifests, for the services that planned cleanly.
  const ok = [...inputs.values()].filter((i) => !failed.has(i.input.record.name));
  const shared: FileEdit[] = [];
  const byCompose = new Map<string, Map<string, ComposeEntry>>();
  for (const i of ok) {
    const c = i.input.record.compose;
    if (!c) continue;
    const m = byCompose.get(c.file) ?? new Map<string, ComposeEntry>();
    m.set(c.service, { input: i.input, docker: i.docker });
    byCompose.set(c.file, m);
  }
  // The same service in an override (compose.override.yaml adding ports and depends_on): its depends_on waits there too.
  for (const i of ok) {
    const c = i.input.record.compose;
    if (!c) continue;
    for (const at of i.input.record.sources.compose ?? []) {
      const file = at.replace(/:\d+$/, "");
      const m = file === c.file ? undefined : byCompose.get(file) ?? new Map<string, ComposeEntry>();
      if (!m || m.has(c.service)) continue;
      m.set(c.service, { input: i.input, docker: i.docker, alsoIn: true });
      byCompose.set(file, m);
    }
  }
  for (const [file, entries] of byCompose) {
    const parts = planCompose(abs(file), read(abs(file)), file, entries, s, docsOf(file));
    findings.push(...parts.findings);
    shared.push(...parts.edits);
  }
  const byK8s = new Map<string, ServicePlanInput[]>();
  for (const i of ok) if (i.input.record.k8s) byK8s.set(i.input.record.k8s.file, [...(byK8s.get(i.input.record.k8s.file) ?? []), i.input]);
  for (const [file, list] of byK8s) {
    try {
      const parts = await planK8s(abs(file), read(abs(file)), file, list, s, docsOf(file));
      findings.push(...parts.findings);
      shared.push(...parts.edits);
    } catch (e) {
      for (const i of list) unparsable(e, i.record.name, file);
    }
  }

  const edits = [...[...serviceEdits].filter(([n]) => !failed.has(n)).flatMap(([, e]) => e), ...shared];
  const write = !opts.check && !opts.dryRun;
  if (write) for (const e of edits) await writeFileAtomic(e.file, e.after);
  const shown = opts.check ? findings : findings.filter((f) => !f.fixed);
  // Every hint names the exact command that fixes the finding: the same paths (and --service) as this run.
  // Not --service <the broken one>: other services' depends_on only wait for it in a run that sees them too.
  const command = (force?: boolean) => fixCommand(opts.paths, opts.service, force);
  const withHints = shown.map(({ fixed, needsForce, ...f }) => {
    if (needsForce) return { ...f, hint: `run \`${command(true)}\` to replace it (without --force fks keeps existing healthchecks)` };
    if (opts.check && fixed) return { ...f, hint: [f.hint, `run \`${command()}\``].filter(Boolean).join("; ") };
    return f;
  });
  const broken = shown.filter((f) => f.needsForce);
  const brokenServices = [...new Set(broken.map((f) => f.service ?? ""))].filter(Boolean).sort();
  return {
    edits: edits.map((e) => ({ ...e, file: rel(e.file) })),
    findings: withHints,
    written: write && edits.length > 0,
    services: records.map((r) => r.name),
    rules: RULE_LIST,
    settings,
    diagnostics: found.diagnostics,
    keptBroken: broken.length ? { count: broken.length, services: brokenServices, command: command(true) } : undefined,
  };
}

/** `fks scaffold health <paths> [--service x] [--force]`, quoted for a POSIX shell. */
function fixCommand(paths: string[] | undefined, service: string | undefined, force: boolean | undefined): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  return ["fks", "scaffold", "health", ...(paths ?? []).map(quote), ...(service ? ["--service", quote(service)] : []), ...(force ? ["--force"] : [])].join(" ");
}

const FLAG: Record<string, string> = { tokenEnv: "--token-env", rate: "--rate", interval: "--interval", timeout: "--timeout", startPeriod: "--start-period", failureThreshold: "--failure-threshold" };

/** fks.yaml's scaffold.health (already validated with file:line by the loader) under the options; a bad option is one line with its flag. */
function resolveSettings(opts: ScaffoldHealthOptions): ScaffoldHealthSettings {
  const over = { tokenEnv: opts.tokenEnv, rate: opts.ratePerSecond, interval: opts.timing?.interval, timeout: opts.timing?.timeout, startPeriod: opts.timing?.startPeriod, failureThreshold: opts.timing?.retries };
  try {
    return scaffoldHealthSettings(opts.config?.scaffold?.health, over);
  } catch (e) {
    const issue = (e as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues?.[0];
    if (!issue) throw e;
    const key = String(issue.path[0]);
    const given = (over as Record<string, unknown>)[key];
    throw new FksError(`${FLAG[key] ?? key} ${String(given)}: ${issue.message.replace(/^Too (big|small): expected number to be /, "must be ")}`, { hint: `see fks scaffold health --help; the fks.yaml setting is scaffold.health.${key}` });
  }
}

function cargoVersion(text: string): string | undefined {
  try {
    return parseCargoManifest(text).version;
  } catch {
    return undefined;
  }
}

function versionOf(files: string[], read: (f: string) => string): string | undefined {
  for (const f of files) {
    const text = read(f);
    const version = path.basename(f) === "Cargo.toml" ? cargoVersion(text) : /FastAPI\([^)]*\bversion\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
    if (version) return version;
  }
  return undefined;
}

export { RULE_LIST, type HealthRule };
