/**
 * Client libraries a service gets without naming them: through a requirement's extras
 * (`celery[redis]` installs redis), through a package that always depends on one (rq → redis),
 * through a Cargo feature (sqlx's `postgres` is the sqlx-postgres crate), or through the driver
 * an SQLAlchemy URL names (`postgresql+asyncpg://` loads asyncpg).
 */

/** Extras that install a client library, per package (names lower-case with "-"). */
const EXTRAS: Record<string, Record<string, string[]>> = {
  celery: { redis: ["redis"], sqs: ["boto3"], mongodb: ["pymongo"], librabbitmq: ["librabbitmq"] },
  kombu: { redis: ["redis"], mongodb: ["pymongo"] },
  dramatiq: { redis: ["redis"], rabbitmq: ["pika"] },
  "fastapi-cache2": { redis: ["redis"] },
  sqlalchemy: { asyncio: ["greenlet"], postgresql: ["psycopg2"], "postgresql-psycopg2binary": ["psycopg2-binary"], "postgresql-psycopg": ["psycopg"], "postgresql-psycopgbinary": ["psycopg", "psycopg-binary"], "postgresql-asyncpg": ["asyncpg"], "postgresql-pg8000": ["pg8000"], asyncmy: ["asyncmy"], mysql: ["mysqlclient"], aiomysql: ["aiomysql"] },
  psycopg: { binary: ["psycopg-binary"], c: ["psycopg-c"], pool: ["psycopg-pool"] },
  databases: { asyncpg: ["asyncpg"], postgresql: ["asyncpg"], aiopg: ["aiopg"], aiomysql: ["aiomysql"] },
  "tortoise-orm": { asyncpg: ["asyncpg"], psycopg: ["psycopg"], asyncmy: ["asyncmy"] },
  ormar: { postgresql: ["asyncpg"], postgres: ["asyncpg"] },
  "flask-limiter": { redis: ["redis"] },
  limits: { redis: ["redis"], "async-redis": ["coredis"] },
  huey: { redis: ["redis"] },
  "aiocache": { redis: ["redis"] },
  "cashews": { redis: ["redis"] },
};

/** Packages that always depend on a client library. */
const ALWAYS: Record<string, string[]> = {
  rq: ["redis"],
  arq: ["redis"],
  "django-redis": ["redis"],
  "channels-redis": ["redis"],
  "celery-redbeat": ["redis"],
  "redis-om": ["redis"],
  "taskiq-redis": ["redis"],
  "fastapi-limiter": ["redis"],
  "django-rq": ["redis", "rq"],
  "flask-rq2": ["redis", "rq"],
  "django-cacheops": ["redis"],
};

const norm = (n: string) => n.toLowerCase().replace(/[_.]+/g, "-");

/** What a requirement (`celery[redis,msgpack]`) installs besides itself, as far as fks knows. */
export function impliedPackages(name: string, extras: string[]): string[] {
  const pkg = norm(name);
  const out = new Set<string>(ALWAYS[pkg] ?? []);
  for (const e of extras) for (const p of EXTRAS[pkg]?.[norm(e)] ?? []) out.add(p);
  for (const p of [...out]) for (const q of ALWAYS[p] ?? []) out.add(q);
  return [...out];
}

/** `celery[redis, msgpack]>=5; python_version>"3.8"` → name and extras (PEP 508), or undefined. */
export function parseRequirement(spec: string): { name: string; extras: string[] } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/.exec(spec);
  if (!m) return undefined;
  return { name: m[1]!, extras: (m[2] ?? "").split(",").map((x) => x.trim()).filter(Boolean) };
}

/** Crates a Cargo dependency's features pull in: sqlx splits its drivers into sqlx-postgres, sqlx-mysql, sqlx-sqlite (0.7+), sea-orm names them. */
export function cargoFeatureCrates(pkg: string, features: string[]): string[] {
  const out: string[] = [];
  if (pkg === "sqlx" || pkg === "sea-orm" || pkg === "sea-query-binder") {
    for (const f of features) {
      const driver = /^(?:sqlx-)?(postgres|mysql|sqlite)$/.exec(f)?.[1];
      if (driver) out.push(`sqlx-${driver}`);
    }
  }
  if (pkg === "diesel" || pkg === "diesel-async") {
    if (features.includes("postgres")) out.push("pq-sys");
    if (features.includes("mysql")) out.push("mysqlclient-sys");
  }
  return out;
}

/** SQLAlchemy's `dialect+driver://` URLs in code and settings: the driver is the library that connects. */
const DRIVER_URL = /\b(postgres(?:ql)?|mysql|mariadb)\+(\w+):\/\//g;
const DRIVER_PACKAGE: Record<string, string> = {
  asyncpg: "asyncpg", psycopg: "psycopg", psycopg2: "psycopg2", psycopg2cffi: "psycopg2cffi", pg8000: "pg8000", aiopg: "aiopg",
  pymysql: "pymysql", mysqldb: "mysqlclient", aiomysql: "aiomysql", asyncmy: "asyncmy", mysqlconnector: "mysql-connector-python",
};

/** Driver packages the `dialect+driver://` URLs of a text name, with their 1-based lines. */
export function urlDrivers(text: string): Array<{ pkg: string; line: number }> {
  if (!text.includes("+")) return [];
  const out: Array<{ pkg: string; line: number }> = [];
  for (const m of text.matchAll(DRIVER_URL)) {
    const pkg = DRIVER_PACKAGE[m[2]!.toLowerCase()];
    if (pkg) out.push({ pkg, line: text.slice(0, m.index).split("\n").length });
  }
  return out;
}
