import type { DependencyCheck, HealthContext } from "./types.js";
import { fill, template } from "./template.js";

/** Which client library each Python check uses: the one the service already depends on. */
function snippetFor(c: DependencyCheck, deps: Set<string>, django: boolean): string | undefined {
  switch (c.kind) {
    case "database":
      return "database_django";
    case "postgres":
      if (django) return "database_django";
      if (deps.has("psycopg") || deps.has("psycopg-binary") || deps.has("psycopg-c")) return "postgres_psycopg";
      if (deps.has("psycopg2") || deps.has("psycopg2-binary")) return "postgres_psycopg2";
      if (deps.has("asyncpg")) return "postgres_asyncpg";
      return undefined;
    case "redis":
      // redis-py also ships redis.asyncio (aioredis merged into it); aioredis alone gets its own check.
      if (deps.has("redis")) return "redis_redis";
      if (deps.has("aioredis")) return "redis_aioredis";
      return undefined;
    case "rabbitmq":
      // The protocol handshake needs no client library: the same check for pika, aio-pika and kombu.
      return "amqp_socket";
    case "http":
      return deps.has("httpx") ? "http_httpx" : "http_urllib";
  }
}

export interface PythonChecks {
  defs: string;
  list: string;
  skipped: DependencyCheck[];
}

export function pythonChecks(ctx: HealthContext, django: boolean): PythonChecks {
  const defs: string[] = [];
  const list: string[] = [];
  const skipped: DependencyCheck[] = [];
  const seen = new Set<string>();
  for (const c of ctx.checks) {
    const snippet = snippetFor(c, ctx.deps, django);
    // With Django, every database check goes through Django's own connection: one check per alias.
    const key = snippet === "database_django" ? `db:${c.kind === "database" ? c.env : "default"}` : c.name;
    if (!snippet) {
      skipped.push(c);
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    const name = snippet === "database_django" ? "database" : c.name;
    const fn = `_check_${name.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()}`;
    defs.push(fill(template(`python/checks/${snippet}.py`), { FN: fn, ENV: c.env, PATH: c.path ?? "/live", ALIAS: c.kind === "database" ? c.env : "default" }));
    const type = c.kind === "http" ? "component" : "datastore";
    list.push(`    Check(${JSON.stringify(`${name}:responseTime`)}, "${type}", critical=${c.critical ? "True" : "False"}, run=${fn}),`);
  }
  return { defs: defs.length ? "\n" + defs.join("\n\n") + "\n" : "", list: list.join("\n"), skipped };
}

/** The complete generated module: framework part around the shared core. */
export function pythonModule(fw: "fastapi" | "django", ctx: HealthContext, extra: Record<string, string> = {}): { text: string; skipped: DependencyCheck[] } {
  const checks = pythonChecks(ctx, fw === "django");
  const core = fill(template("python/core.py"), {
    IMPORTS: "",
    SERVICE: ctx.service,
    VERSION: ctx.version ?? "0.0.0",
    TOKEN_ENV: ctx.tokenEnv,
    RATE: String(ctx.ratePerSecond),
    CHECK_DEFS: checks.defs,
    CHECK_LIST: checks.list,
  });
  const rel = (p: string) => p.replace(/^\//, "");
  const text = fill(template(`${fw}/health.py`), {
    CORE: core,
    LIVE: ctx.paths.live,
    READY: ctx.paths.ready,
    HEALTH: ctx.paths.health,
    LIVE_REL: rel(ctx.paths.live),
    READY_REL: rel(ctx.paths.ready),
    HEALTH_REL: rel(ctx.paths.health),
    TOKEN_ENV: ctx.tokenEnv,
    ...extra,
  });
  return { text, skipped: checks.skipped };
}
