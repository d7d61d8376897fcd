import path from "node:path";
import { existsSync } from "../../io/fs.js";
import { mainBodyLine, modInsertLine, parseRust, routerChains } from "../../lang/rust/edit.js";
import { insertAfterLine } from "../../lang/python/edit.js";
import { lineEnding } from "./edits.js";
import { axumGuards } from "./guards-axum.js";
import { fill, GENERATED_MARK, template } from "./template.js";
import { cargoDependencies, crateDependencies, type CargoDependency } from "./cargo.js";
import type { DependencyCheck, HealthAdapter, HealthCodePlan, HealthContext } from "./types.js";

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
      // The app's Router chain: the biggest one, in the crate root when it has one.
      const rsFiles = [rootFile, ...ctx.files.filter((f) => f.endsWith(".rs") && f !== rootFile && f !== modFile && /Router::new\(\)/.test(ctx.read(f)))];
      let done = false;
      for (const file of rsFiles) {
        const text = file === rootFile ? rootText : ctx.read(file);
        const chain = routerChains(file === rootFile ? rootParsed : await parseRust(text, file))[0];
        if (!chain) continue;
        const call = `.merge(${file === rootFile ? "" : "crate::"}health::router())`;
        const eol = lineEnding(text);
        const lines = text.split(/\r?\n/);
        const line = lines[chain.endLine - 1]!;
        lines[chain.endLine - 1] = chain.multiline
          ? `${line.slice(0, chain.endColumn)}${eol}${chain.indent}${call}${line.slice(chain.endColumn)}`
          : `${line.slice(0, chain.endColumn)}${call}${line.slice(chain.endColumn)}`;
        const after = lines.join(eol);
        if (file === rootFile) rootAfter = after;
        else plan.edits.push({ file, before: text, after, reason: "merge the health router into the app's Router" });
        done = true;
        mergedInto = file;
        break;
      }
      if (!done) plan.notes.push({ message: "no `Router::new()` chain found", file: rootFile, hint: "add `.merge(health::router())` to your Router by hand" });
    }
    // Line-based inserts below the chain edit keep earlier line numbers valid: do the lower one first.
    if (!/^\s*(pub(\([^)]*\))?\s+)?mod\s+health\s*;/m.test(rootAfter)) {
      const main = path.basename(rootFile) === "main.rs" && !/"healthcheck"/.test(rootAfter) ? mainBodyLine(await parseRust(rootAfter, rootFile)) : undefined;
      if (main) rootAfter = insertAfterLine(rootAfter, main.line, healthcheckLines(main.indent));
      rootAfter = insertAfterLine(rootAfter, modInsertLine(await parseRust(rootAfter, rootFile)), ["mod health;"]);
    } else if (path.basename(rootFile) === "main.rs" && !/"healthcheck"/.test(rootAfter)) {
      const main = mainBodyLine(rootParsed);
      if (main) rootAfter = insertAfterLine(rootAfter, main.line, healthcheckLines(main.indent));
    }
    if (rootAfter !== rootText) plan.edits.push({ file: rootFile, before: rootText, after: rootAfter, reason: "declare the health module, merge its router and add the `healthcheck` subcommand" });
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

function healthcheckLines(indent: string): string[] {
  return [
    `${indent}// \`<binary> healthcheck\` probes the running server: the HEALTHCHECK of images without a shell.`,
    `${indent}if std::env::args().nth(1).as_deref() == Some("healthcheck") {`,
    `${indent}    std::process::exit(health::run_cli());`,
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
  if (redis) out.redis = redis.path;
  return out;
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
  const portEnv = (main && /env::var\("(\w*PORT\w*)"\)/.exec(ctx.read(main))?.[1]) ?? "PORT";
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
