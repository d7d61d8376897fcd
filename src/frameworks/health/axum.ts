import path from "node:path";
import { existsSync } from "../../io/fs.js";
import { mainBodyLine, modInsertLine, parseRust, routerChains } from "../../lang/rust/edit.js";
import { insertAfterLine } from "../../lang/python/edit.js";
import { lineEnding } from "./edits.js";
import { axumGuards } from "./guards-axum.js";
import { fill, GENERATED_MARK, template } from "./template.js";
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

/** Client crates the crate already has, as the Rust path to call them by (a renamed dependency keeps its key). */
interface RustClients {
  postgres?: { kind: "tokio-postgres" | "sqlx"; path: string; name: string };
  redis?: string;
}

/**
 * Normal dependencies of a Cargo.toml: key → spec text (the inline value or the `[dependencies.key]` table).
 * Not a TOML parser: enough for dependency keys, `package = "..."` and feature lists.
 */
function cargoDependencies(toml: string): Map<string, string> {
  const deps = new Map<string, string>();
  let section = "";
  let table: string | undefined;
  const lines = toml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s+#.*$/, "");
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      section = header[1]!.replace(/\s+/g, "");
      const dotted = /^(?:target\..+\.)?dependencies\.([\w-]+)$/.exec(section);
      table = dotted?.[1];
      if (table) deps.set(table, "");
      continue;
    }
    if (table) {
      deps.set(table, `${deps.get(table)}${line}\n`);
      continue;
    }
    if (!/^(?:target\..+\.)?dependencies$/.test(section)) continue;
    const key = /^\s*"?([\w-]+)"?\s*=(.*)$/.exec(line);
    if (!key) continue;
    let spec = key[2]!;
    // An inline table may run over several lines.
    while ((spec.match(/[{[]/g) ?? []).length > (spec.match(/[}\]]/g) ?? []).length && i + 1 < lines.length) spec += `\n${lines[++i]}`;
    deps.set(key[1]!, spec);
  }
  return deps;
}

export function rustClients(toml: string): RustClients {
  const byPackage = new Map<string, { path: string; spec: string }>();
  for (const [key, spec] of cargoDependencies(toml)) {
    const pkg = /\bpackage\s*=\s*"([\w-]+)"/.exec(spec)?.[1] ?? key;
    if (!byPackage.has(pkg)) byPackage.set(pkg, { path: key.replace(/-/g, "_"), spec });
  }
  const out: RustClients = {};
  const tp = byPackage.get("tokio-postgres");
  const deadpool = byPackage.get("deadpool-postgres");
  const sqlx = byPackage.get("sqlx");
  if (tp) out.postgres = { kind: "tokio-postgres", path: tp.path, name: "tokio-postgres" };
  else if (deadpool) out.postgres = { kind: "tokio-postgres", path: `${deadpool.path}::tokio_postgres`, name: "deadpool-postgres's tokio-postgres" };
  // sqlx connects only with a runtime feature, and the check runs on the server's tokio runtime.
  else if (sqlx && /"postgres"/.test(sqlx.spec) && /"runtime-tokio/.test(sqlx.spec)) out.postgres = { kind: "sqlx", path: sqlx.path, name: "sqlx" };
  const redis = byPackage.get("redis");
  if (redis) out.redis = redis.path;
  return out;
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
  if (pg) out += fill(template(`axum/clients/${pg.kind}.rs`), { CRATE: pg.path, CRATE_NAME: pg.name });
  if (redis) out += fill(template("axum/clients/redis.rs"), { CRATE: redis });
  if (pg || redis) out += template("axum/clients/runtime.rs");
  return out;
}

export function rustModule(ctx: HealthContext): string {
  const cargo = ctx.files.find((f) => path.basename(f) === "Cargo.toml");
  const toml = cargo ? ctx.read(cargo) : "";
  const clients = rustClients(toml);
  const checks = ctx.checks.map((c) => rustCheck(c, clients));
  const tokioLine = /^\s*tokio\s*=.*$/m.exec(toml)?.[0] ?? "";
  const signal = /"(signal|full)"/.test(tokioLine);
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
