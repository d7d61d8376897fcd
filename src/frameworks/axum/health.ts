import path from "node:path";
import type { SgNode, SgRoot } from "@ast-grep/napi";
import { existsSync } from "../../io/fs.js";
import { mainBodyLine, modInsertLine, parseRust, routerChains } from "../../lang/rust/edit.js";
import { insertAfterLine } from "../../lang/python/edit.js";
import { lineEnding } from "../health/edits.js";
import { axumGuards } from "./guards.js";
import { fill, GENERATED_MARK, template } from "../health/template.js";
import { cargoDependencies, crateDependencies, type CargoDependency } from "../health/cargo.js";
import { parseCargoManifest } from "../../lang/toml/cargo.js";
import type { DependencyCheck, HealthAdapter, HealthCodePlan, HealthContext } from "../health/types.js";

/**
 * The SIGTERM watcher. A registered tokio handler replaces the default "terminate", so a service
 * without graceful shutdown of its own must exit here as the default action would.
 */
function signalFn(exitAfter: boolean): string {
  const doc = exitAfter
    ? "/// Sets the shutdown flag on SIGTERM, then exits as the default action would: this service has no\n/// graceful shutdown of its own, and a registered handler would otherwise keep it running."
    : "/// Sets the shutdown flag on SIGTERM, alongside the server's own graceful shutdown.";
  return `
${doc}
fn watch_sigterm() {
    #[cfg(unix)]
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async {
            if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                term.recv().await;
                mark_shutting_down();${exitAfter ? "\n                std::process::exit(143);" : ""}
            }
        });
    }
}
`;
}
const NO_SIGNAL_FN = `
/// tokio's "signal" feature is off in this crate: call mark_shutting_down() from your shutdown path.
fn watch_sigterm() {}
`;

const OWN_SHUTDOWN = /with_graceful_shutdown|SignalKind::terminate\(\)|signal::ctrl_c\(/;

/** axum 0.8: src/health.rs, \`mod health;\`, \`.merge(health::router())\` in the app's Router chain, and a \`healthcheck\` subcommand. */
export const axumHealth: HealthAdapter = {
  async plan(ctx) {
    const plan: HealthCodePlan = { edits: [], notes: [], selfCheck: (bin) => [bin, "healthcheck"] };
    const rootFile = ["src/main.rs", "src/lib.rs"].map((f) => path.join(ctx.dir, f)).find((f) => existsSync(f));
    if (!rootFile) {
      plan.notes.push({ message: "no src/main.rs or src/lib.rs", hint: "point fks at the crate folder" });
      return plan;
    }
    const old = oldAxum(ctx.dir, ctx.read);
    if (old) {
      plan.notes.push(old);
      return plan;
    }
    const modFile = path.join(path.dirname(rootFile), "health.rs");
    plan.module = modFile;
    if (existsSync(modFile) && !ctx.read(modFile).includes(GENERATED_MARK)) {
      plan.notes.push({ message: "src/health.rs exists and was not written by fks; leaving the crate alone", file: modFile, hint: "rename it, or add the endpoints to it by hand" });
      return plan;
    }
    if (!existsSync(modFile)) plan.edits.push({ file: modFile, before: null, after: rustModule(ctx), reason: `add ${ctx.paths.live}, ${ctx.paths.ready} and ${ctx.paths.health}` });

    const rootText = ctx.read(rootFile);
    let rootAfter = rootText;
    const rootParsed = await parseRust(rootText, rootFile);
    const wired = ctx.files.some((f) => f.endsWith(".rs") && /\bhealth::router\s*(::<[^>]*>)?\s*\(/.test(ctx.read(f)));
    let mergedInto: string | undefined;
    if (!wired) {
      const served = await servedSite(ctx, rootFile, rootParsed, modFile);
      if (served) {
        const { site } = served;
        const text = site.file === rootFile ? rootText : ctx.read(site.file);
        const after = insertMerge(text, site, `.merge(${site.file === rootFile ? "" : "crate::"}health::router())`);
        if (site.file === rootFile) rootAfter = after;
        else plan.edits.push({ file: site.file, before: text, after, reason: `merge the health router into ${served.why}` });
        if (served.note) plan.notes.push(served.note);
        mergedInto = site.file;
      }
    }
    if (!wired && !mergedInto) {
      // The app's Router chain: the biggest one, in the crate root when it has one.
      const rsFiles = [rootFile, ...ctx.files.filter((f) => f.endsWith(".rs") && f !== rootFile && f !== modFile && /Router::new\(\)/.test(ctx.read(f)))];
      let done = false;
      for (const file of rsFiles) {
        const text = file === rootFile ? rootText : ctx.read(file);
        const chain = routerChains(file === rootFile ? rootParsed : await parseRust(text, file))[0];
        if (!chain) continue;
        const call = `.merge(${file === rootFile ? "" : "crate::"}health::router())`;
        const after = insertMerge(text, chain, call);
        if (file === rootFile) rootAfter = after;
        else plan.edits.push({ file, before: text, after, reason: "merge the health router into the app's Router" });
        done = true;
        mergedInto = file;
        break;
      }
      if (!done) plan.notes.push({ message: "no `Router::new()` chain found", file: rootFile, hint: "add `.merge(health::router())` to your Router by hand" });
    }
    // A binary whose Router is built in its library crate (src/lib.rs beside src/main.rs): the module belongs to the library.
    const lib = mergedInto ? libraryOwner(ctx, rootFile, mergedInto) : undefined;
    if (lib) {
      const existing = plan.edits.find((e) => e.file === lib.file && e.before !== null);
      const before = existing ? existing.after : ctx.read(lib.file);
      if (!HEALTH_MOD.test(before)) {
        const after = insertAfterLine(before, modInsertLine(await parseRust(before, lib.file)), ["pub mod health;"]);
        if (existing) existing.after = after;
        else plan.edits.push({ file: lib.file, before, after, reason: "declare the health module in the library crate that builds the Router" });
      }
    }
    const runCli = lib ? `${lib.name}::health` : "health";
    // Line-based inserts below the chain edit keep earlier line numbers valid: do the lower one first.
    if (!lib && !HEALTH_MOD.test(rootAfter)) {
      const main = path.basename(rootFile) === "main.rs" && !/"healthcheck"/.test(rootAfter) ? mainBodyLine(await parseRust(rootAfter, rootFile)) : undefined;
      if (main) rootAfter = insertAfterLine(rootAfter, main.line, healthcheckLines(main.indent, runCli));
      rootAfter = insertAfterLine(rootAfter, modInsertLine(await parseRust(rootAfter, rootFile)), ["mod health;"]);
    } else if (path.basename(rootFile) === "main.rs" && !/"healthcheck"/.test(rootAfter)) {
      const main = mainBodyLine(await parseRust(rootAfter, rootFile));
      if (main) rootAfter = insertAfterLine(rootAfter, main.line, healthcheckLines(main.indent, runCli));
    }
    if (rootAfter !== rootText) plan.edits.push({ file: rootFile, before: rootText, after: rootAfter, reason: rootReason(!lib && !HEALTH_MOD.test(rootText), mergedInto === rootFile, !/"healthcheck"/.test(rootText) && /"healthcheck"/.test(rootAfter)) });
    const manifest = serviceManifest(ctx);
    const pg = rustClients(manifest.deps).postgres;
    const note = pg && tlsNote(pg, ctx.checks, manifest.file ?? rootFile);
    if (note) plan.notes.push(note);
    plan.guards = await axumGuards(ctx, mergedInto);
    // Layers wrap only the routes added before them: the merge goes last in the chain, past any guard. Say so.
    const passed = plan.guards.filter((g) => g.avoided).map((g) => g.what);
    const merge = plan.edits.find((e) => e.file === mergedInto && e.before !== null);
    if (merge && passed.length) merge.reason += `; the merge goes after ${passed.join(", ")}, so ${passed.length === 1 ? "it does" : "they do"} not wrap the probes`;
    return plan;
  },
};

/** `call` appended to the expression ending at endLine:endColumn, on its own line when the expression spans lines. */
function insertMerge(text: string, at: { endLine: number; endColumn: number; indent: string; multiline: boolean }, call: string): string {
  const eol = lineEnding(text);
  const lines = text.split(/\r?\n/);
  const line = lines[at.endLine - 1]!;
  lines[at.endLine - 1] = at.multiline
    ? `${line.slice(0, at.endColumn)}${eol}${at.indent}${call}${line.slice(at.endColumn)}`
    : `${line.slice(0, at.endColumn)}${call}${line.slice(at.endColumn)}`;
  return lines.join(eol);
}

/** What the crate root's edit does, in the plan's words. */
function rootReason(declared: boolean, merged: boolean, subcommand: boolean): string {
  const parts = [declared && "declare the health module", merged && "merge its router", subcommand && "add the `healthcheck` subcommand"].filter((p): p is string => !!p);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "wire the health module");
}

const HEALTH_MOD = /^\s*(pub(\([^)]*\))?\s+)?mod\s+health\s*;/m;

/**
 * The library crate (src/lib.rs and its name) when main.rs is the root fks found but the file the health router
 * is merged into belongs to the library beside it: main.rs does not declare its module, lib.rs does.
 */
function libraryOwner(ctx: HealthContext, rootFile: string, site: string): { file: string; name: string } | undefined {
  const src = path.dirname(rootFile);
  const libFile = path.join(src, "lib.rs");
  if (path.basename(rootFile) !== "main.rs" || site === rootFile || !existsSync(libFile)) return undefined;
  const top = path.relative(src, site).split(path.sep)[0]!.replace(/\.rs$/, "");
  const declares = (text: string) => new RegExp(`^\\s*(pub(\\([^)]*\\))?\\s+)?mod\\s+${top}\\s*;`, "m").test(text);
  if (site !== libFile && (declares(ctx.read(rootFile)) || !declares(ctx.read(libFile)))) return undefined;
  const manifest = path.join(path.dirname(src), "Cargo.toml");
  if (!existsSync(manifest)) return undefined;
  // [lib] name, else the package name, as Rust spells it.
  let name: string | undefined;
  try {
    const m = parseCargoManifest(ctx.read(manifest));
    name = m.lib?.name ?? m.name;
  } catch {
    return undefined;
  }
  return name ? { file: libFile, name: name.replace(/-/g, "_") } : undefined;
}

function healthcheckLines(indent: string, module = "health"): string[] {
  return [
    `${indent}// \`<binary> healthcheck\` probes the running server: the HEALTHCHECK of images without a shell.`,
    `${indent}if std::env::args().nth(1).as_deref() == Some("healthcheck") {`,
    `${indent}    std::process::exit(${module}::run_cli());`,
    `${indent}}`,
  ];
}

/** How the generated Postgres check does TLS: sqlx's own, or a connector crate for tokio-postgres. */
export interface PostgresTls {
  kind: "sqlx" | "native-tls" | "openssl" | "rustls";
  /** The crate named in notes, e.g. "postgres-native-tls". */
  name: string;
  /** Rust paths of the tokio-postgres adapter crate and the TLS crate it wraps. */
  adapter?: string;
  base?: string;
  /** rustls: the crate with root certificates for verify-ca / verify-full, when the service has one fks can use. */
  roots?: { kind: "webpki-roots" | "rustls-native-certs"; path: string };
}

/** Client crates the crate already has, as the Rust path to call them by (a renamed dependency keeps its key). */
export interface RustClients {
  postgres?: { kind: "tokio-postgres" | "sqlx"; path: string; name: string; tls?: PostgresTls; tlsUnsupported?: string };
  redis?: string;
}

/** tokio-postgres TLS connector crates, in the order fks prefers them, with the crate each wraps (which the service must name too). */
const PG_CONNECTORS: Array<{ kind: "native-tls" | "openssl" | "rustls"; adapter: string; base: string; version?: RegExp }> = [
  { kind: "native-tls", adapter: "postgres-native-tls", base: "native-tls" },
  { kind: "openssl", adapter: "postgres-openssl", base: "openssl" },
  // The generated verifier is written against rustls 0.23 (tokio-postgres-rustls 0.12 and later).
  { kind: "rustls", adapter: "tokio-postgres-rustls", base: "rustls", version: /^[\^~=]?\s*0\.23(\.|$)/ },
];
/** Root certificate crates the rustls check can verify against, with the versions whose API it calls. */
const RUSTLS_ROOTS: Array<{ kind: "webpki-roots" | "rustls-native-certs"; version: RegExp }> = [
  { kind: "webpki-roots", version: /^[\^~=]?\s*(0\.26|1)(\.|$)/ },
  { kind: "rustls-native-certs", version: /^[\^~=]?\s*0\.8(\.|$)/ },
];
/** sqlx features that build its TLS (0.7+: tls-*, older: runtime-<rt>-<tls>); "tls-none" is none. */
const SQLX_TLS = /^(tls-(rustls|native-tls)[\w-]*|runtime-[\w-]+-(rustls|native-tls))$/;

/** The client crates of a Cargo.toml (its text, or its dependencies with workspace inheritance resolved). */
export function rustClients(manifest: string | Map<string, CargoDependency>): RustClients {
  const deps = typeof manifest === "string" ? cargoDependencies(manifest) : manifest;
  const byPackage = new Map<string, CargoDependency & { path: string }>();
  for (const dep of deps.values()) if (!byPackage.has(dep.package)) byPackage.set(dep.package, { ...dep, path: dep.key.replace(/-/g, "_") });
  const out: RustClients = {};
  const tp = byPackage.get("tokio-postgres");
  const deadpool = byPackage.get("deadpool-postgres");
  const sqlx = byPackage.get("sqlx");
  const connector = PG_CONNECTORS.find((c) => byPackage.has(c.adapter) && byPackage.has(c.base) && (!c.version || c.version.test(byPackage.get(c.base)!.version ?? "")));
  const tls: PostgresTls | undefined = connector && { kind: connector.kind, name: connector.adapter, adapter: byPackage.get(connector.adapter)!.path, base: byPackage.get(connector.base)!.path };
  if (tls?.kind === "rustls") {
    const roots = RUSTLS_ROOTS.find((r) => r.version.test(byPackage.get(r.kind)?.version ?? ""));
    if (roots) tls.roots = { kind: roots.kind, path: byPackage.get(roots.kind)!.path };
  }
  // A connector fks cannot write for (another rustls major) is named in the note rather than passed over in silence.
  const other = !tls && PG_CONNECTORS.find((c) => byPackage.has(c.adapter) && byPackage.has(c.base));
  const tlsUnsupported = other ? `${other.adapter} with ${other.base} ${byPackage.get(other.base)!.version ?? "(no version)"}, which fks does not write a check for` : undefined;
  if (tp) out.postgres = { kind: "tokio-postgres", path: tp.path, name: "tokio-postgres", tls, tlsUnsupported };
  else if (deadpool) out.postgres = { kind: "tokio-postgres", path: `${deadpool.path}::tokio_postgres`, name: "deadpool-postgres's tokio-postgres", tls, tlsUnsupported };
  // sqlx connects only with a runtime feature, and the check runs on the server's tokio runtime.
  else if (sqlx && sqlx.features.includes("postgres") && sqlx.features.some((f) => f.startsWith("runtime-tokio"))) {
    const tlsFeature = sqlx.features.find((f) => SQLX_TLS.test(f));
    out.postgres = { kind: "sqlx", path: sqlx.path, name: "sqlx", tls: tlsFeature ? { kind: "sqlx", name: `sqlx's ${tlsFeature}` } : undefined };
  }
  const redis = byPackage.get("redis");
  // deadpool-redis and bb8-redis re-export the redis crate they are built on.
  const pooled = byPackage.get("deadpool-redis") ?? byPackage.get("bb8-redis");
  if (redis) out.redis = redis.path;
  else if (pooled) out.redis = `${pooled.path}::redis`;
  return out;
}

/**
 * The generated module calls axum 0.7+'s API (`axum::extract::Request`, `axum::serve`): an older
 * axum in Cargo.toml (0.3–0.6, `axum::Server`) would not build it. Said before anything is written.
 */
function oldAxum(dir: string, read: (f: string) => string): HealthCodePlan["notes"][number] | undefined {
  const manifest = path.join(dir, "Cargo.toml");
  if (!existsSync(manifest)) return undefined;
  let version: string | undefined;
  try {
    version = [...parseCargoManifest(read(manifest)).dependencies.values()].find((d) => d.package === "axum")?.version;
  } catch {
    return undefined;
  }
  const m = version ? /^\s*[\^~=]?\s*0\.(\d+)/.exec(version) : undefined;
  if (!m || Number(m[1]) >= 7) return undefined;
  const line = read(manifest).split(/\r?\n/).findIndex((l) => /^\s*axum\s*=/.test(l)) + 1 || undefined;
  return { message: `axum ${version} is older than 0.7, whose API the generated health module uses`, file: manifest, line, hint: "upgrade axum to 0.7 or 0.8, or add /live, /ready and /health by hand" };
}

/** What the plan says about a Postgres client that cannot do TLS. */
function tlsNote(pg: NonNullable<RustClients["postgres"]>, checks: DependencyCheck[], cargoToml: string): HealthCodePlan["notes"][number] | undefined {
  const check = checks.find((c) => c.kind === "postgres");
  if (!check || pg.tls) return undefined;
  const missing =
    pg.kind === "sqlx" ? "no TLS feature of sqlx (tls-rustls, tls-native-tls)"
    : pg.tlsUnsupported ? `only ${pg.tlsUnsupported} (fks writes postgres-native-tls, postgres-openssl, or tokio-postgres-rustls with rustls 0.23)`
    : `no TLS connector for ${pg.name} (postgres-native-tls with native-tls, postgres-openssl with openssl, or tokio-postgres-rustls with rustls 0.23)`;
  return {
    message: `the Postgres check has no TLS: the crate has ${missing}; with sslmode=require, verify-ca or verify-full in ${check.env} /ready fails with "sslmode=require but the service has no TLS client"`,
    file: cargoToml,
    hint: "fks adds no dependencies: add the TLS support your service connects with to Cargo.toml, then delete src/health.rs and run fks scaffold health again",
  };
}

function rustCheck(c: DependencyCheck, clients: RustClients): { def: string; entry: string } {
  const fn = `check_${c.name.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()}`;
  const env = JSON.stringify(c.env);
  const body =
    c.kind === "redis" ? (clients.redis ? `redis_client_ping(${env})` : `redis_ping(${env})`)
    : c.kind === "rabbitmq" ? `amqp_handshake(${env})`
    : c.kind === "http" ? `http_check(${env}, ${JSON.stringify(c.path ?? "/live")})`
    : clients.postgres ? `postgres_select_1(${env})`
    : `tcp_check(${env}, 5432)`;
  const measure = c.kind === "postgres" || c.kind === "database" ? "connections" : "responseTime";
  return {
    def: `fn ${fn}() -> Result<(), CheckError> {\n    ${body}\n}\n`,
    entry: `    Check { name: ${JSON.stringify(`${c.name}:${measure}`)}, component_type: "${c.kind === "http" ? "component" : "datastore"}", critical: ${c.critical}, run: ${fn} },`,
  };
}

/** The client helpers the checks call: only for crates the service has, and only when a check uses them. */
function clientHelpers(checks: DependencyCheck[], clients: RustClients): string {
  const pg = checks.some((c) => c.kind === "postgres") ? clients.postgres : undefined;
  const redis = checks.some((c) => c.kind === "redis") ? clients.redis : undefined;
  let out = "";
  if (pg) out += postgresHelper(pg) + template("axum/clients/sslmode.rs");
  if (redis) out += fill(template("axum/clients/redis.rs"), { CRATE: redis });
  if (pg || redis) out += template("axum/clients/runtime.rs");
  return out;
}

function postgresHelper(pg: NonNullable<RustClients["postgres"]>): string {
  if (pg.kind === "sqlx") {
    return fill(template("axum/clients/sqlx.rs"), {
      CRATE: pg.path,
      TLS_NOTE: pg.tls ? `TLS as the URL's sslmode asks, by sqlx itself (${pg.tls.name}).` : "sqlx is built without TLS here: a URL asking for TLS fails the check, as it fails the service.",
      TLS_GUARD: pg.tls ? "" : "    let mode = sslmode(&url);\n    if requires_tls(&mode) {\n        return Err(no_tls_client(&mode));\n    }\n",
    });
  }
  const tls = pg.tls ? fill(template(`axum/clients/pg-tls-${pg.tls.kind}.rs`), { ADAPTER: pg.tls.adapter!, BASE: pg.tls.base!, ...(pg.tls.kind === "rustls" ? rustlsRoots(pg.tls) : {}) }) : fill(template("axum/clients/pg-tls-none.rs"), { CRATE: pg.path });
  return fill(template("axum/clients/tokio-postgres.rs"), { CRATE: pg.path, CRATE_NAME: pg.name, TLS_NAME: pg.tls ? pg.tls.name : "none: the crate has no TLS connector", TLS: tls.trimEnd() });
}

/** The verify-ca / verify-full branch of the rustls check: the roots the service has, or a clear failure. */
function rustlsRoots(tls: PostgresTls): { ROOTS_NAME: string; VERIFY: string } {
  const base = tls.base!;
  const use = `        builder.with_root_certificates(roots).with_no_client_auth()`;
  if (tls.roots?.kind === "webpki-roots") return { ROOTS_NAME: "webpki-roots", VERIFY: `        let roots = ${base}::RootCertStore { roots: ${tls.roots.path}::TLS_SERVER_ROOTS.to_vec() };\n${use}` };
  if (tls.roots?.kind === "rustls-native-certs") {
    return { ROOTS_NAME: "the system's roots (rustls-native-certs)", VERIFY: `        let mut roots = ${base}::RootCertStore::empty();\n        roots.add_parsable_certificates(${tls.roots.path}::load_native_certs().certs);\n${use}` };
  }
  return { ROOTS_NAME: "root certificates the crate does not have (webpki-roots or rustls-native-certs)", VERIFY: '        return Err(failed(&format!("sslmode={mode} but the service has no root certificates for rustls")));' };
}

/** The service's own Cargo.toml and its dependencies, completed from the workspace root when it inherits. */
function serviceManifest(ctx: HealthContext): { file?: string; deps: Map<string, CargoDependency> } {
  const own = path.join(ctx.dir, "Cargo.toml");
  const file = existsSync(own) ? own : ctx.files.find((f) => path.basename(f) === "Cargo.toml");
  if (!file) return { deps: new Map() };
  return { file, deps: crateDependencies(path.dirname(file), ctx.read) };
}

export function rustModule(ctx: HealthContext): string {
  const { deps } = serviceManifest(ctx);
  const clients = rustClients(deps);
  const checks = ctx.checks.map((c) => rustCheck(c, clients));
  const tokio = deps.get("tokio");
  const signal = !!tokio?.features.some((f) => f === "signal" || f === "full");
  // The service's own code (not a module fks generated) decides whether SIGTERM already ends it gracefully.
  const graceful = ctx.files.some((f) => f.endsWith(".rs") && !ctx.read(f).includes(GENERATED_MARK) && OWN_SHUTDOWN.test(ctx.read(f)));
  const main = ctx.files.find((f) => f.endsWith(path.join("src", "main.rs")));
  // The application's port, not a metrics or admin listener's read before it.
  const ports = main ? [...ctx.read(main).matchAll(/env::var\("(\w*PORT\w*)"\)/g)].map((m) => m[1]!) : [];
  const portEnv = ports.find((p) => !/METRIC|PROM|ADMIN/i.test(p)) ?? ports[0] ?? "PORT";
  return fill(template("axum/health.rs"), {
    SERVICE: ctx.service,
    TOKEN_ENV: ctx.tokenEnv,
    PORT_ENV: portEnv,
    PORT: ctx.port ?? 8080,
    RATE: Number.isInteger(ctx.ratePerSecond) ? `${ctx.ratePerSecond}.0` : String(ctx.ratePerSecond),
    CHECK_LIST: checks.map((c) => c.entry).join("\n"),
    CHECK_DEFS: (checks.length ? "\n" + checks.map((c) => c.def).join("\n") : "") + clientHelpers(ctx.checks, clients) + (signal ? signalFn(!graceful) : NO_SIGNAL_FN),
    SIGNAL_HOOK: "    watch_sigterm();\n",
    LIVE: ctx.paths.live,
    READY: ctx.paths.ready,
    HEALTH: ctx.paths.health,
  });
}

/** Where `.merge(health::router())` goes: just after a Router-valued expression. */
interface MergeSite { file: string; line: number; endLine: number; endColumn: number; indent: string; multiline: boolean }
interface RsFn { name: string; file: string; node: SgNode; returnsRouter: boolean }
type ServedNote = HealthCodePlan["notes"][number];

/** Route paths of a listener that only exports metrics. */
const METRICS_PATH = /^\/(metrics|prometheus)(\/|$)/;

/**
 * The Router the application's listener serves: each `axum::serve(listener, x)` (or `Server::bind(..).serve(x)`)
 * is followed from `x` through `let` bindings, `.into_make_service()`, `.await`, `?`, `Ok(..)` and calls of the
 * crate's own functions to the expression that builds the Router (a function's tail expression included).
 * Listeners whose routes are all /metrics are passed over; of the rest, the Router whose builder names the most
 * routes wins. Without a `serve` call fks can follow: the tail of the function returning a Router with the most routes.
 */
async function servedSite(ctx: HealthContext, rootFile: string, rootParsed: SgRoot, modFile: string): Promise<{ site: MergeSite; why: string; note?: ServedNote } | undefined> {
  const rel = (f: string) => path.relative(ctx.dir, f);
  const parsed = new Map<string, SgRoot>([[rootFile, rootParsed]]);
  for (const f of ctx.files) {
    if (!f.endsWith(".rs") || f === rootFile || f === modFile || /(^|\/)(tests|benches|examples)\//.test(rel(f))) continue;
    const text = ctx.read(f);
    if (!/\bRouter\b|\bserve\s*\(/.test(text)) continue;
    try {
      parsed.set(f, await parseRust(text, f));
    } catch {
      continue; // a file that does not parse is reported where it is edited
    }
  }
  const fns: RsFn[] = [];
  for (const [file, root] of parsed) {
    for (const node of root.root().findAll({ rule: { kind: "function_item" } })) {
      if (inTest(node)) continue;
      fns.push({ name: node.field("name")?.text() ?? "", file, node, returnsRouter: /\bRouter\b/.test(node.field("return_type")?.text() ?? "") });
    }
  }
  const fnOf = (node: SgNode, file: string) => {
    for (let p = node.parent(); p; p = p.parent()) if (p.kind() === "function_item") return fns.find((f) => f.file === file && f.node.id() === p.id());
    return undefined;
  };
  const siteOf = (expr: SgNode, fn: RsFn): MergeSite & { routes: string[]; fn: RsFn } => {
    const text = expr.text();
    const last = text.split("\n").pop()!;
    const start = expr.range().start.line;
    const { end } = expr.range();
    return {
      file: fn.file, line: start + 1, endLine: end.line + 1, endColumn: end.column,
      // A chain whose last line is a `.call(...)` continues on a line of its own; after a closing bracket, on the same line.
      multiline: /^\s*\./.test(last) && text.includes("\n"),
      indent: /^\s*/.exec(last)![0],
      routes: [...fn.node.text().matchAll(/\.route\(\s*"([^"]*)"/g)].map((m) => m[1]!),
      fn,
    };
  };
  const resolve = (from: SgNode, fnAt: RsFn): (MergeSite & { routes: string[]; fn: RsFn }) | undefined => {
    let expr: SgNode | null = from;
    let fn = fnAt;
    for (let depth = 0; expr && depth < 24; depth++) {
      const kind = String(expr.kind());
      if (kind === "try_expression" || kind === "await_expression" || kind === "parenthesized_expression") {
        expr = expr.children().find((c) => c.isNamed()) ?? null;
      } else if (kind === "identifier") {
        const name = expr.text();
        const at: number = expr.range().start.index;
        const bound: SgNode | undefined = fn.node.findAll({ rule: { kind: "let_declaration" } }).filter((l) => l.field("pattern")?.text().replace(/^mut\s+/, "") === name && l.range().start.index < at).pop();
        const value: SgNode | null = bound?.field("value") ?? null;
        // `app = Router::new().nest(prefix, app)` after the let: only the value where it is used has every route at its final path.
        const from: number = bound?.range().start.index ?? -1;
        const reassigned = bound && fn.node.findAll({ rule: { kind: "assignment_expression" } }).some((a) => a.field("left")?.text() === name && a.range().start.index > from && a.range().start.index < at);
        if (reassigned) return { ...siteOf(expr, fn), multiline: false, routes: (value && resolve(value, fn)?.routes) ?? [] };
        expr = value;
      } else if (kind === "call_expression") {
        let callee: SgNode | null = expr.field("function");
        if (callee?.kind() === "generic_function") callee = callee.field("function"); // x.into_make_service_with_connect_info::<A>()
        if (!callee) return undefined;
        if (callee.kind() === "field_expression") {
          if (/^into_(make_service|service)/.test(callee.field("field")?.text() ?? "")) expr = callee.field("value");
          else return siteOf(expr, fn); // a method chain: the Router it ends with
          continue;
        }
        const name = callee.text().replace(/::<[\s\S]*>$/, "");
        const args: SgNode[] = expr.field("arguments")?.children().filter((c) => c.isNamed() && !String(c.kind()).includes("comment")) ?? [];
        if (name === "Ok" || name === "Some") {
          expr = args[0] ?? null;
          continue;
        }
        if (/(^|::)Router::new$/.test(name)) return siteOf(expr, fn);
        const parts = name.split("::");
        const own = fns.filter((f) => f.name === parts.at(-1));
        const qualifier = parts.at(-2);
        const target =
          own.find((f) => f.returnsRouter && qualifier && [`${qualifier}.rs`, "mod.rs"].includes(path.basename(f.file)) && (path.basename(f.file) !== "mod.rs" || path.basename(path.dirname(f.file)) === qualifier))
          ?? own.find((f) => f.returnsRouter) ?? own[0];
        if (!target) return undefined;
        fn = target;
        expr = tailExpression(target.node);
      } else return undefined;
    }
    return undefined;
  };

  const served: Array<ReturnType<typeof siteOf> & { serve: string }> = [];
  const add = (call: SgNode, arg: SgNode | undefined, file: string) => {
    const fn = arg && fnOf(call, file);
    const site = arg && fn && resolve(arg, fn);
    if (site && !served.some((s) => s.file === site.file && s.endLine === site.endLine && s.endColumn === site.endColumn)) {
      served.push({ ...site, serve: `${rel(file)}:${call.range().start.line + 1}` });
    }
  };
  for (const [file, root] of parsed) {
    for (const call of root.root().findAll({ rule: { kind: "call_expression" } })) {
      const callee = call.field("function");
      const args = call.field("arguments")?.children().filter((c) => c.isNamed() && !String(c.kind()).includes("comment")) ?? [];
      // `http::serve(config, db)` calls the crate's own `fn serve`, not axum's: its arguments are no Router.
      const ownServe = callee && callee.text() !== "axum::serve" && fns.some((f) => f.name === "serve");
      add(call,
        callee && !ownServe && /^(identifier|scoped_identifier)$/.test(String(callee.kind())) && /(^|::)serve$/.test(callee.text()) && args.length >= 2 ? args[1]
        : callee?.kind() === "field_expression" && callee.field("field")?.text() === "serve" && args.length === 1 ? args[0]
        : undefined, file);
    }
    // `tokio::select! { r = axum::serve(listener, app) => ... }`: inside a macro only tokens, so the served name by its text.
    for (const mac of root.root().findAll({ rule: { kind: "macro_invocation" } })) {
      const m = /\bserve\s*\(\s*[^,()]+,\s*([A-Za-z_]\w*)\b/.exec(mac.text());
      if (!m) continue;
      const after = mac.range().start.index + m.index + m[0].length - m[1]!.length;
      add(mac, mac.findAll({ rule: { kind: "identifier", regex: `^${m[1]}$` } }).find((n) => n.range().start.index === after), file);
    }
  }
  const metricsOnly = (s: { routes: string[] }) => s.routes.length > 0 && s.routes.every((r) => METRICS_PATH.test(r));
  const app = served.filter((s) => !metricsOnly(s));
  const passed = served.filter(metricsOnly).map((s) => `not the /metrics-only Router served at ${s.serve}`);
  const most = <T extends { routes: string[] }>(list: T[]) => list.reduce<T | undefined>((best, s) => (!best || s.routes.length > best.routes.length ? s : best), undefined);
  const pick = most(app);
  if (pick) {
    const why = `the Router served at ${pick.serve}${pick.fn.name ? `, built in ${pick.fn.name}() (${rel(pick.file)}:${pick.line})` : ""}${passed.length ? `; ${passed.join(", ")}` : ""}`;
    const note: ServedNote | undefined = app.length > 1
      ? {
        message: `${app.length} listeners serve a Router (${app.map((s) => s.serve).join(", ")}): the health router joins the one with the most routes, ${pick.fn.name}() at ${rel(pick.file)}:${pick.line}`,
        file: pick.file, line: pick.line,
        hint: "to serve the probes from another listener, move `.merge(health::router())` there: fks leaves a crate that merges it alone",
      }
      : undefined;
    return { site: pick, why, note };
  }
  // No serve call fks can follow (a library crate): the tail of the function returning the biggest Router.
  // Only builders no other function calls: a sub-router nested under a prefix is called by the one that nests it.
  const routerFns = fns.filter((f) => f.returnsRouter);
  const calledByOthers = (f: RsFn) => fns.some((o) => o !== f && new RegExp(`\\b${f.name}\\s*(::<[^>]*>)?\\s*\\(`).test(o.node.text()));
  const entries = routerFns.filter((f) => !calledByOthers(f));
  const builders = (entries.length ? entries : routerFns).flatMap((f) => {
    const tail = tailExpression(f.node);
    const site = tail && resolve(tail, f);
    return site && !metricsOnly(site) ? [site] : [];
  });
  const builder = most(builders);
  return builder ? { site: builder, why: `the Router ${builder.fn.name}() returns (${rel(builder.file)}:${builder.line})${passed.length ? `; ${passed.join(", ")}` : ""}` } : undefined;
}

/** A function's result expression: its block's tail expression, or a final `return x;`. */
function tailExpression(fn: SgNode): SgNode | null {
  const items = fn.field("body")?.children().filter((c) => c.isNamed() && !String(c.kind()).includes("comment")) ?? [];
  const last = items.at(-1);
  if (!last) return null;
  if (last.kind() === "expression_statement") {
    const inner = last.children().find((c) => c.isNamed());
    return inner?.kind() === "return_expression" ? (inner.children().find((c) => c.isNamed()) ?? null) : null;
  }
  return last.kind() === "let_declaration" ? null : last;
}

/** Inside a `#[cfg(test)]` / `mod tests` module or a `#[test]` / `#[tokio::test]` function. */
function inTest(fn: SgNode): boolean {
  if (/^#\[[\w:]*test\]/m.test(fn.prev()?.kind() === "attribute_item" ? fn.prev()!.text() : "")) return true;
  for (let p = fn.parent(); p; p = p.parent()) if (p.kind() === "mod_item" && /^tests?$/.test(p.field("name")?.text() ?? "")) return true;
  return false;
}
