import { describe, expect, it } from "vitest";
import { clientLibraries, declaredDependencies } from "../../src/features/discover/source.js";

/** Client libraries installed through extras, dependencies of dependencies, Cargo features and URL drivers. */
function deps(files: Record<string, string>, fn = declaredDependencies): Set<string> {
  return fn(Object.keys(files), (f) => files[f]!);
}

describe("client libraries a manifest installs without naming them", () => {
  it("requirements.txt, PEP 621, Poetry, Pipfile and setup.py extras", () => {
    expect(deps({ "/s/requirements.txt": "celery[redis,msgpack]>=5.3 ; python_version > '3.8'\n" })).toContain("redis");
    expect(deps({ "/s/pyproject.toml": '[project]\nname = "s"\ndependencies = ["celery[redis]>=5", "SQLAlchemy[postgresql-asyncpg]"]\n' })).toEqual(new Set(["celery", "redis", "sqlalchemy", "asyncpg"]));
    expect(deps({ "/s/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\ncelery = { version = "^5", extras = ["redis"] }\n' })).toContain("redis");
    expect(deps({ "/s/Pipfile": '[packages]\ncelery = {extras = ["redis"], version = "*"}\n' })).toContain("redis");
    expect(deps({ "/s/setup.py": 'setup(install_requires=["psycopg[binary]>=3", "rq"])\n' })).toEqual(new Set(["psycopg", "psycopg-binary", "rq", "redis"]));
  });

  it("an extra that installs no client adds nothing", () => {
    expect(deps({ "/s/requirements.txt": "celery[msgpack]\nfastapi[all]\n" })).toEqual(new Set(["celery", "fastapi"]));
  });

  it("Cargo features: sqlx's postgres is the sqlx-postgres driver", () => {
    expect(deps({ "/s/Cargo.toml": '[package]\nname = "s"\n\n[dependencies]\nsqlx = { version = "0.7", features = ["runtime-tokio", "postgres"] }\n' })).toContain("sqlx-postgres");
    expect(deps({ "/s/Cargo.toml": '[package]\nname = "s"\n\n[dependencies]\nsqlx = { version = "0.7", features = ["sqlite"] }\n' })).not.toContain("sqlx-postgres");
  });

  it("imports and SQLAlchemy URL drivers count for the code's clients", () => {
    const got = deps({ "/s/app/db.py": 'import redis.asyncio as aioredis\nengine = create_async_engine("postgresql+asyncpg://u:p@db/x")\n' }, clientLibraries);
    expect(got).toEqual(new Set(["redis", "asyncpg"]));
  });
});
