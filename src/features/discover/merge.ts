import path from "node:path";
import type { ComposeInfo, Dependency, ServiceRecord } from "../../model.js";
import type { FksConfig } from "../../config/schema.js";
import type { Evidence } from "./evidence.js";
import { infraKindOfImage, infraKindOfUrl } from "./infra.js";

interface Ctx {
  cwd: string;
  base: string;
  config?: FksConfig;
  rel: (f: string) => string;
}

interface Draft extends ServiceRecord {
  abs?: string;
}

const DEFAULT_HEALTH = { live: "/live", ready: "/ready", health: "/health" };

const norm = (s: string) => s.toLowerCase().replace(/[_.\s]+/g, "-");
const at = (file: string, line?: number) => (line ? `${file}:${line}` : file);

/** Merges the evidence into one record per service; infrastructure becomes dependencies. */
export function buildRecords(ev: Evidence, ctx: Ctx): { services: ServiceRecord[]; dependencies: Dependency[] } {
  const records = new Map<string, Draft>();
  const deps = new Map<string, Dependency>();
  const cfgFile = "fks.yaml";

  const create = (name: string): Draft => {
    let unique = name;
    for (let i = 2; records.has(unique); i++) unique = `${name}-${i}`;
    const r: Draft = { name: unique, health: { ...DEFAULT_HEALTH }, healthInCode: [], dependsOn: [], sources: {}, configured: false };
    records.set(unique, r);
    return r;
  };
  const note = (r: Draft, field: string, where: string) => {
    const list = (r.sources[field] ??= []);
    if (!list.includes(where)) list.push(where);
  };
  const set = <K extends keyof ServiceRecord>(r: Draft, field: K, value: ServiceRecord[K] | undefined, where: string) => {
    if (value === undefined || value === null) return;
    if (r[field] === undefined) r[field] = value as Draft[K];
    if (r[field] === value || typeof value === "object") note(r, String(field), where);
  };
  const alias = (r: Draft, name: string | undefined) => {
    if (!name || norm(name) === norm(r.name)) return;
    const list = (r.aliases ??= []);
    if (!list.some((x) => norm(x) === norm(name))) list.push(name);
  };
  // (`${DOCKER_IMAGE_BACKEND?…}` is a variable, not a name.)
  const imageName = (image?: string) => (image && !image.includes("$") ? image.split("/").pop()!.split(/[:@]/)[0]! : undefined);
  const addDep = (r: Draft, name: string, where: string) => {
    if (name === r.name || r.dependsOn.includes(name)) return;
    r.dependsOn.push(name);
    note(r, "dependsOn", where);
  };
  const infra = (name: string, kind: Dependency["kind"], source: string, user?: string) => {
    const d = deps.get(name) ?? { name, kind, source, usedBy: [] };
    if (user && !d.usedBy.includes(user)) d.usedBy.push(user);
    deps.set(name, d);
  };

  // 1. fks.yaml is the user's word: it names services and pins their facts.
  for (const [name, s] of Object.entries(ctx.config?.services ?? {})) {
    const r = create(name);
    r.configured = true;
    const w = cfgFile;
    if (s.path) {
      r.abs = path.resolve(ctx.base, s.path);
      set(r, "path", ctx.rel(r.abs), w);
    }
    set(r, "language", s.language, w);
    set(r, "framework", s.framework, w);
    set(r, "port", s.port, w);
    set(r, "baseUrl", s.baseUrl, w);
    if (s.health) r.health = { ...DEFAULT_HEALTH, ...s.health };
    for (const d of s.dependsOn ?? []) addDep(r, d, w);
  }
  const configuredBy = (pred: (s: NonNullable<FksConfig["services"]>[string], name: string) => boolean) =>
    Object.entries(ctx.config?.services ?? {}).find(([n, s]) => pred(s, n))?.[0];

  // 2. Compose: app services carry build context, ports, depends_on and healthchecks.
  const composeInfra = new Map<string, Dependency["kind"]>();
  for (const c of ev.compose) {
    // A database built locally (`build: {dockerfile: Dockerfile.postgres}`, FROM postgres + certificates) is still a database.
    const built = c.build ? ev.dockerfiles.get(path.resolve(c.build.context, c.build.dockerfile ?? "Dockerfile"))?.finalImage : undefined;
    // (A front-end built FROM nginx is the team's own service: only data stores and brokers count.)
    const builtKind = infraKindOfImage(built);
    const kind = c.build ? (builtKind !== "other" ? builtKind : undefined) : infraKindOfImage(c.image);
    if (kind) {
      composeInfra.set(c.service, kind);
      infra(c.service, kind, at(c.file, c.line));
    }
  }
  // The base file (compose.yaml) names a service before its overrides (compose.prod.yaml) alias it.
  const overrideRank = (f: string) => path.basename(f).split(".").length;
  for (const c of [...ev.compose].sort((a, b) => overrideRank(a.file) - overrideRank(b.file))) {
    if (composeInfra.has(c.service)) continue;
    const name = configuredBy((s, n) => s.compose?.service === c.service || (!s.compose?.service && n === c.service)) ?? c.service;
    const w = at(c.file, c.line);
    // Another compose file's name for the same service (same build, same command): one record, with an alias.
    const twin = records.has(name) ? undefined : [...records.values()].find((r) => r.compose && sameContainer(r.compose, c));
    if (twin) {
      alias(twin, c.service);
      note(twin, "compose", w);
      continue;
    }
    const r = records.get(name) ?? create(name);
    // The base file describes the deployment; an override (docker-compose.override.yml) is for development.
    if (r.compose && overrideRank(r.compose.file) < overrideRank(c.file)) {
      note(r, "compose", w);
      if (c.build && !r.abs) {
        r.abs = c.build.context;
        set(r, "path", ctx.rel(c.build.context), w);
      }
      continue;
    }
    r.compose = c;
    note(r, "compose", w);
    alias(r, c.service);
    alias(r, imageName(c.image));
    if (c.build && !r.abs) {
      r.abs = c.build.context;
      set(r, "path", ctx.rel(c.build.context), w);
      alias(r, path.basename(c.build.context));
    }
    set(r, "port", c.ports[0]?.container, w);
    const published = c.ports.find((p) => p.host);
    if (published?.host) set(r, "baseUrl", `http://127.0.0.1:${published.host}`, w);
    for (const d of c.dependsOn) addDep(r, d.name, w);
  }

  // A service that only pulls the tag another compose service builds (`image: shop-api:dev`) runs that image, from that folder.
  const builderOf = (r: Draft) => (r.compose?.image && !r.compose.build ? [...records.values()].find((o) => o.compose?.build && o.compose.image === r.compose!.image) : undefined);
  for (const r of records.values()) {
    const b = builderOf(r);
    if (!b || r.abs) continue;
    r.abs = b.abs;
    set(r, "path", b.path, at(r.compose!.file, r.compose!.line));
  }

  // 3. Source projects: language, framework, health routes, client libraries.
  const sourcePorts = new Map<Draft, NonNullable<Evidence["projects"][number]["port"]>>();
  function applyProject(r: Draft, p: Evidence["projects"][number]): void {
    if (p.languageSource) set(r, "language", p.language, at(p.languageSource.file, p.languageSource.line));
    if (p.frameworkSource) set(r, "framework", p.framework, at(p.frameworkSource.file, p.frameworkSource.line));
    // A port literal in the code is weaker evidence than the Dockerfile's EXPOSE: it is set after step 4.
    if (p.port) sourcePorts.set(r, p.port);
    r.healthInCode.push(...p.healthInCode);
    for (const i of p.infra) {
      const where = at(i.source.file, i.source.line);
      const target = [...composeInfra].find(([, k]) => k === i.kind)?.[0] ?? i.kind;
      infra(target, i.kind as Dependency["kind"], where, r.name);
      addDep(r, target, where);
    }
    if (p.packageName) alias(r, p.packageName);
  }
  for (const p of ev.projects) {
    // Several compose services built from one folder (an api and a worker from one image) share its facts.
    // So are services built from the repository root with this folder's Dockerfile (`context: .`, `dockerfile: backend/Dockerfile`).
    const dockerfileIn = (x: Draft) => !!x.compose?.build && p.dir.startsWith(path.resolve(x.compose.build.context) + path.sep) && path.dirname(path.resolve(x.compose.build.context, x.compose.build.dockerfile ?? "Dockerfile")) === p.dir;
    const same = [...records.values()].filter((x) => (x.abs && path.resolve(x.abs) === p.dir) || dockerfileIn(x));
    for (const r of same.slice(1)) applyProject(r, p);
    let r = same[0];
    if (!r) {
      if (!p.framework) continue;
      // A repository's root manifest listing the framework, above the folder that holds the app
      // (pyproject.toml beside label_studio/manage.py), is packaging, not a second service.
      const manifestOnly = !!p.frameworkSource && /^(requirements[\w.-]*\.txt|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|Cargo\.toml|package\.json)$/.test(path.basename(p.frameworkSource.file));
      if (manifestOnly && ev.projects.some((q) => q !== p && q.framework === p.framework && q.dir.startsWith(p.dir + path.sep))) continue;
      // The same service by another name (a workload or an image named after the package) is merged later by its aliases.
      r = create(path.basename(p.dir));
      r.abs = p.dir;
      set(r, "path", ctx.rel(p.dir), at(ctx.rel(p.dir)));
    }
    applyProject(r, p);
  }

  // 4. Dockerfiles: the one compose builds, the one fks.yaml names, or the one in the service folder.
  for (const r of records.values()) {
    const cfg = ctx.config?.services?.[r.name];
    const builder = builderOf(r);
    const candidates = [
      cfg?.dockerfile ? path.resolve(ctx.base, cfg.dockerfile) : undefined,
      r.compose?.build ? path.resolve(r.compose.build.context, r.compose.build.dockerfile ?? "Dockerfile") : undefined,
      builder ? path.resolve(builder.compose!.build!.context, builder.compose!.build!.dockerfile ?? "Dockerfile") : undefined,
      r.abs ? path.join(r.abs, "Dockerfile") : undefined,
    ];
    const file = candidates.find((f) => f && ev.dockerfiles.has(f));
    if (!file) continue;
    r.dockerfile = ev.dockerfiles.get(file);
    // compose `build.target`: the container runs that stage, not the last one.
    const target = r.compose?.build?.target ? r.dockerfile?.targets?.[r.compose.build.target] : undefined;
    if (target && r.dockerfile) {
      const { line: _line, image, ...run } = target;
      const stages = r.dockerfile.stages;
      let base = image;
      for (let i = 0; i < stages.length && stages.some((s) => s.name === base); i++) base = stages.find((s) => s.name === base)!.image;
      r.dockerfile = { ...r.dockerfile, cmd: undefined, cmdLine: undefined, entrypoint: undefined, entrypointLine: undefined, workdir: undefined, env: undefined, copies: undefined, ...run, finalImage: base };
    }
    note(r, "dockerfile", at(ctx.rel(file)));
    set(r, "port", r.dockerfile?.expose[0], at(ctx.rel(file), 1));
  }

  for (const [r, p] of sourcePorts) set(r, "port", p.value, at(p.source.file, p.source.line));

  // 5. Kubernetes workloads: matched by configured name, equal name, image name, container name or a name suffix.
  for (const k of ev.k8s) {
    const kind = infraKindOfImage(k.image);
    if (kind) {
      infra(k.name, kind, at(k.file, k.line));
      continue;
    }
    const image = k.image ? norm(k.image.split("/").pop()!.split(/[:@]/)[0]!) : undefined;
    const all = [...records.values()];
    const byCfg = configuredBy((s) => s.k8s?.name === k.name);
    const named = (n: string | undefined) => (r: Draft) => !!n && (norm(r.name) === norm(n) || (r.aliases ?? []).some((a) => norm(a) === norm(n)));
    const match =
      (byCfg ? records.get(byCfg) : undefined) ??
      all.find((r) => norm(r.name) === norm(k.name)) ??
      all.find((r) => image && norm(r.name) === image) ??
      all.find((r) => norm(r.name) === norm(k.container)) ??
      // A workload named after the package, the folder or the image compose builds: the same service.
      uniq(all.filter(named(k.name))) ??
      uniq(all.filter(named(image))) ??
      uniq(all.filter((r) => norm(k.name).endsWith("-" + norm(r.name))));
    const r = match ?? create(k.name);
    if (r.k8s) continue;
    r.k8s = k;
    note(r, "k8s", at(k.file, k.line));
    alias(r, k.name);
    alias(r, imageName(k.image));
    set(r, "port", k.ports[0], at(k.file, k.line));
  }

  // 6. Environment: connection strings name infrastructure, http URLs name other services.
  for (const r of records.values()) {
    const envs: Array<[Record<string, string>, string]> = [];
    if (r.compose) envs.push([r.compose.environment, at(r.compose.file, r.compose.line)]);
    if (r.k8s) envs.push([r.k8s.env, at(r.k8s.file, r.k8s.line)]);
    for (const [env, where] of envs) {
      for (const value of Object.values(env)) {
        const kind = infraKindOfUrl(value);
        if (kind) {
          const host = /^[a-z+]+:\/\/(?:[^@/]*@)?([^:/?]+)/i.exec(value)?.[1];
          const target = host && deps.has(host) ? host : ([...composeInfra].find(([, k]) => k === kind)?.[0] ?? kind);
          infra(target, kind, where, r.name);
          addDep(r, target, where);
          continue;
        }
        const host = /^https?:\/\/([^:/?]+)/i.exec(value)?.[1];
        if (host && records.has(host) && host !== r.name) addDep(r, host, where);
      }
    }
    for (const d of r.dependsOn) {
      const dep = deps.get(d);
      if (dep && !dep.usedBy.includes(r.name)) dep.usedBy.push(r.name);
    }
  }

  const services = [...records.values()]
    .map(({ abs: _abs, ...r }) => tidy(r, ctx))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { services, dependencies: [...deps.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Puts the identifying fields first and makes paths relative, for readable JSON. */
function tidy(r: ServiceRecord, ctx: Ctx): ServiceRecord {
  const { name, language, framework, port, path: p, baseUrl, ...rest } = r;
  const compose = rest.compose?.build ? { ...rest.compose, build: { ...rest.compose.build, context: ctx.rel(rest.compose.build.context) } } : rest.compose;
  return { name, language, framework, port, path: p, baseUrl, ...rest, compose };
}

/** Two compose services that run the same container: same build (context and Dockerfile), or same image, and the same command. */
function sameContainer(a: ComposeInfo, b: ComposeInfo): boolean {
  const built = a.build && b.build && path.resolve(a.build.context) === path.resolve(b.build.context) && (a.build.dockerfile ?? "Dockerfile") === (b.build.dockerfile ?? "Dockerfile");
  const image = !a.build && !b.build && !!a.image && a.image === b.image;
  return (!!built || image) && a.file !== b.file && JSON.stringify([a.command?.value, a.entrypoint?.value]) === JSON.stringify([b.command?.value, b.entrypoint?.value]);
}

function uniq<T>(xs: T[]): T | undefined {
  return xs.length === 1 ? xs[0] : undefined;
}
