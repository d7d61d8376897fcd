import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditOverlap, type OverlapResult } from "../../src/features/overlap/index.js";
import { DRIFTED_SETTINGS, FRAMEWORK, platformFiles, writeTree } from "./fixture.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "fks-overlap-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  writeTree(dir, files);
  return dir;
}

const platform = tree("platform", platformFiles());
const run = (opts: Partial<Parameters<typeof auditOverlap>[0]> = {}) => auditOverlap({ cwd: platform, ...opts });
const fileOf = (res: OverlapResult, suffix: string) => res.copies.flatMap((c) => c.files).find((f) => f.members.some((m) => m.file.endsWith(suffix)));

describe("copied modules on a platform of three services", async () => {
  const res = await run();

  it("reports the framework/ folder copied into three services as one finding, at each place it lives", () => {
    const fw = res.copies.filter((c) => c.files.some((f) => f.members.some((m) => m.file.includes(`${path.sep}framework${path.sep}`) || m.file.includes("/framework/"))));
    expect(fw).toHaveLength(1);
    expect(fw[0]!.name).toBe("framework");
    expect(fw[0]!.folders.map((f) => `${f.service} ${f.path}`)).toEqual(["billing services/billing/framework", "orders services/orders/framework", "users services/users/lib/framework"]);
    expect(res.findings.filter((f) => f.rule === "overlap/copied-module" && f.message.startsWith("framework/"))).toHaveLength(1);
  });

  it("lists each copied file with the services holding it; users took only db.py and http.py", () => {
    const fw = res.copies.find((c) => c.name === "framework")!;
    const copied = Object.keys(FRAMEWORK).filter((f) => !f.endsWith("__init__.py")).map((f) => f.slice("framework/".length));
    expect(fw.files.map((f) => f.name).sort()).toEqual(copied.sort());
    const services = (name: string) => [...new Set(fw.files.find((f) => f.name === name)!.members.map((m) => m.service))].sort();
    expect(services("db.py")).toEqual(["billing", "orders", "users"]);
    expect(services("http.py")).toEqual(["billing", "orders", "users"]);
    expect(services("errors.py")).toEqual(["billing", "orders"]);
  });

  it("leaves out an __init__.py that only re-exports", () => {
    expect(res.copies.flatMap((c) => c.files).some((f) => f.members.some((m) => m.file.endsWith("__init__.py")))).toBe(false);
  });

  it("counts a copy with Windows line endings and trailing spaces as identical", () => {
    const http = fileOf(res, "framework/http.py")!;
    expect(http.identical).toBe(true);
    expect(http.drift).toEqual([]);
  });

  it("reports the drifted settings.py with the lines each side has that the other has not", () => {
    const s = fileOf(res, "framework/settings.py")!;
    expect(s.identical).toBe(false);
    expect(s.drift).toHaveLength(1);
    const d = s.drift[0]!;
    const original = FRAMEWORK["framework/settings.py"]!.split("\n");
    const drifted = DRIFTED_SETTINGS.split("\n");
    const onlyIn = (a: string[], b: string[]) => a.filter((l) => !b.includes(l)).length;
    const copyIsDrifted = d.service === "billing";
    expect(d.added).toBe(copyIsDrifted ? onlyIn(drifted, original) : onlyIn(original, drifted));
    expect(d.removed).toBe(copyIsDrifted ? onlyIn(original, drifted) : onlyIn(drifted, original));
    // Every line a hunk points at in the copy is one the reference does not have.
    const copy = readFileSync(path.join(platform, d.file), "utf8").split("\n");
    const ref = readFileSync(path.join(platform, s.reference), "utf8").split("\n");
    for (const h of d.hunks.filter((x) => x.added > 0)) {
      for (let l = h.copyStart; l < h.copyStart + h.added; l++) expect(ref, `${d.file}:${l}`).not.toContain(copy[l - 1]);
    }
    expect(s.similarity).toBeGreaterThanOrEqual(0.8);
    expect(s.similarity).toBeLessThan(1);
    const drift = res.findings.find((f) => f.rule === "overlap/copy-drift" && f.file === d.file)!;
    expect(drift.line).toBe(d.hunks[0]!.copyStart);
  });

  it("finds the repository copied with its domain renamed, and names the renames", () => {
    const repo = fileOf(res, "order_repository.py")!;
    expect(repo.members.map((m) => path.basename(m.file)).sort()).toEqual(["invoice_repository.py", "order_repository.py"]);
    const pairs = repo.renamed.map((r) => [r.from, r.to].sort().join("/"));
    expect(pairs).toContain("Invoice/Order");
    expect(pairs).toContain("invoice_id/order_id");
  });

  it("does not match two unrelated models modules of the same size and style", () => {
    expect(fileOf(res, "app/models.py")).toBeUndefined();
  });

  it("reports GET /api/v1/customers/{customer_id} served by orders and billing, and no probe path", () => {
    expect(res.routes.map((r) => `${r.method} ${r.path} ${r.services.map((s) => s.service).join(",")}`)).toEqual(["GET /api/v1/customers/{customer_id} billing,orders"]);
    expect(res.stats.probeRoutesIgnored).toBeGreaterThanOrEqual(3);
    const f = res.findings.find((x) => x.rule === "overlap/route-served-twice")!;
    expect(readFileSync(path.join(platform, f.file!), "utf8").split("\n")[f.line! - 1]).toContain('"/customers/{customer_id}"');
  });

  it("takes the threshold: near copies below it are left out, identical ones stay", async () => {
    const settings = fileOf(res, "framework/settings.py")!.similarity;
    const strict = await run({ threshold: Math.min(1, settings + 0.02), skipRoutes: true });
    expect(fileOf(strict, "framework/settings.py")).toBeUndefined();
    expect(fileOf(strict, "framework/db.py")?.identical).toBe(true);
    expect(strict.routes).toEqual([]);
  });
});

describe("what is not compared", () => {
  const body = (name: string) => Array.from({ length: 12 }, (_, i) => `def ${name}_${i}(x):\n    return x * ${i} + ${name.length}\n`).join("\n");
  it("skips migrations, vendored and installed code, generated files and tiny files", async () => {
    const files: Record<string, string> = {};
    for (const svc of ["a", "b"]) {
      files[`${svc}/pyproject.toml`] = `[project]\nname = "${svc}"\ndependencies = ["fastapi"]\n`;
      files[`${svc}/app/migrations/0001_initial.py`] = body("migration");
      files[`${svc}/alembic/versions/abc123_init.py`] = body("upgrade");
      files[`${svc}/vendor/lib.py`] = body("vendored");
      files[`${svc}/.venv/lib/python3.12/site-packages/pkg/mod.py`] = body("installed");
      files[`${svc}/node_modules/left-pad/index.js`] = Array.from({ length: 12 }, (_, i) => `exports.f${i} = (x) => x + ${i};`).join("\n");
      files[`${svc}/app/api_pb2.py`] = body("proto");
      files[`${svc}/app/client.py`] = `# Code generated by openapi-generator. DO NOT EDIT.\n${body("client")}`;
      files[`${svc}/app/tiny.py`] = "import os\n\nX = os.environ.get('X')\n";
      files[`${svc}/app/own_${svc}.py`] = body(`own_${svc}_${svc === "a" ? "alpha" : "beta_gamma"}`);
    }
    const dir = tree("skips", files);
    const res = await auditOverlap({ cwd: dir, skipRoutes: true });
    expect(res.copies).toEqual([]);
    expect(res.findings).toEqual([]);
    expect(res.stats.skipped.tiny).toBe(2);
    expect(res.stats.skipped.generated).toBe(4);
    expect(res.stats.skipped.vendored).toBeGreaterThanOrEqual(4);
  });
});

describe("framework scaffolds and comments", () => {
  const manage = `#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError("Couldn't import Django.") from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
`;
  const settings = `"""
Django settings for site project.

Generated by 'django-admin startproject' using Django 5.1.
"""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "change-me"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "orders"]
ROOT_URLCONF = "site.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app"}}
`;
  const helper = `def backoff(attempt: int, base: float = 0.1, cap: float = 5.0) -> float:
    # exponential, capped
    delay = base * (2 ** attempt)
    return min(cap, delay)


def attempts(limit: int) -> range:
    # the first attempt is attempt 0
    return range(limit)


def jitter(delay: float, spread: float = 0.1) -> tuple[float, float]:
    low = delay * (1 - spread)
    high = delay * (1 + spread)
    return low, high
`;
  it("leaves out Django's manage.py, keeps a hand-edited settings module started from the scaffold, and sees through comment edits", async () => {
    const files: Record<string, string> = {};
    for (const svc of ["a", "b"]) {
      files[`${svc}/requirements.txt`] = "django\n";
      files[`${svc}/manage.py`] = manage;
      files[`${svc}/site/settings.py`] = settings;
      files[`${svc}/site/retry.py`] = svc === "a" ? helper : helper.replace("# exponential, capped", "# doubles each time, never above cap").replace("    # the first attempt is attempt 0\n", "");
    }
    const res = await auditOverlap({ cwd: tree("django-pair", files), skipRoutes: true });
    expect(res.stats.skipped.scaffold).toBe(2);
    expect(fileOf(res, "manage.py")).toBeUndefined();
    expect(fileOf(res, "settings.py")?.identical).toBe(true);
    const retry = fileOf(res, "retry.py")!;
    expect(retry.identical).toBe(false);
    expect(retry.similarity).toBe(1);
    expect(retry.drift[0]!.added + retry.drift[0]!.removed).toBe(3);
  });
});

describe("several repositories, several languages", async () => {
  const rust = `use std::time::Duration;

pub struct Backoff {
    base: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Self {
        Self { base, max, attempt: 0 }
    }

    pub fn next_delay(&mut self) -> Duration {
        let factor = 2u32.saturating_pow(self.attempt);
        self.attempt += 1;
        let delay = self.base.saturating_mul(factor);
        if delay > self.max { self.max } else { delay }
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}
`;
  const ts = `export interface Page<T> {
  items: T[];
  next?: string;
}

export async function* pages<T>(fetchPage: (cursor?: string) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    for (const item of page.items) yield item;
    cursor = page.next;
  } while (cursor);
}

export function chunk<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
`;
  const repoA = tree("repo-a", { "crates/core/src/backoff.rs": rust, "web/src/paging.ts": ts });
  const repoB = tree("repo-b", {
    "src/retry/backoff.rs": rust.replace("2u32.saturating_pow", "3u32.saturating_pow").replace("    pub fn reset(&mut self) {\n        self.attempt = 0;\n    }\n", "    pub fn reset(&mut self) {\n        self.attempt = 0;\n    }\n\n    pub fn attempts(&self) -> u32 {\n        self.attempt\n    }\n"),
    "ui/lib/paging.ts": ts,
  });
  const res = await auditOverlap({ cwd: tmp, paths: [repoA, repoB], skipRoutes: true });

  it("treats each repository without a service manifest as one service", () => {
    expect(res.services.map((s) => s.name)).toEqual(["repo-a", "repo-b"]);
  });

  it("finds a Rust module copied with a change, and a TypeScript module copied as is", () => {
    const rs = fileOf(res, "backoff.rs")!;
    expect(rs.identical).toBe(false);
    expect(new Set(rs.members.map((m) => m.service))).toEqual(new Set(["repo-a", "repo-b"]));
    const d = rs.drift[0]!;
    // repo-b changed one line and added a blank line and a three-line method.
    expect(d.service === "repo-b" ? [d.added, d.removed] : [d.removed, d.added]).toEqual([5, 1]);
    expect(fileOf(res, "paging.ts")?.identical).toBe(true);
  });
});

describe("look-alike files inside one service", () => {
  const form = (verb: string, extra: string) => `from pydantic import BaseModel, EmailStr


class User${verb}Form(BaseModel):
    email: EmailStr
    full_name: str | None = None
    is_active: bool = True
${extra}

def validate_${verb.toLowerCase()}(form: User${verb}Form) -> list[str]:
    errors: list[str] = []
    if not form.full_name:
        errors.append("full_name is required")
    if "@example." in form.email:
        errors.append("example addresses are not accepted")
    return errors


def render_${verb.toLowerCase()}(form: User${verb}Form) -> dict:
    return {"title": "${verb} user", "fields": list(form.model_fields)}
`;
  it("pairs each file with its own copy in the other service, not with its look-alike", async () => {
    const add = form("Add", "    password: str\n");
    const edit = form("Edit", "    is_superuser: bool = False\n");
    const dir = tree("lookalikes", {
      "one/requirements.txt": "fastapi\\n",
      "two/requirements.txt": "fastapi\\n",
      "one/app/add_user.py": add,
      "one/app/edit_user.py": edit,
      "two/app/add_user.py": add.replace("is_active: bool = True", "is_active: bool = False"),
      "two/app/edit_user.py": edit,
    });
    const res = await auditOverlap({ cwd: dir, skipRoutes: true });
    const sets = res.copies.flatMap((c) => c.files).map((f) => f.members.map((m) => `${m.service}:${path.basename(m.file)}`).sort().join(" "));
    expect(sets.sort()).toEqual(["one:add_user.py two:add_user.py", "one:edit_user.py two:edit_user.py"]);
  });
});

describe("scale", () => {
  it("finds a module copied into 70 services with every copy drifted differently", async () => {
    const files: Record<string, string> = {};
    const module = (i: number) => `import time\n\n\nclass RateLimiter:\n    def __init__(self, rate: float, burst: int) -> None:\n        self.rate = rate\n        self.burst = burst\n        self.tokens = float(burst)\n        self.updated = time.monotonic()\n\n    def allow(self) -> bool:\n        now = time.monotonic()\n        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)\n        self.updated = now\n        if self.tokens >= 1:\n            self.tokens -= 1\n            return True\n        return False\n\n\nDEFAULT_BURST = ${i}\n`;
    for (let s = 0; s < 70; s++) {
      files[`svc${s}/requirements.txt`] = "fastapi\n";
      files[`svc${s}/app/limits.py`] = module(s);
    }
    const res = await auditOverlap({ cwd: tree("drifted-everywhere", files), skipRoutes: true });
    const limits = fileOf(res, "limits.py")!;
    expect(new Set(limits.members.map((m) => m.service)).size).toBe(70);
    expect(limits.tie).toBe(true);
    expect(limits.drift).toHaveLength(69);
    expect(limits.drift.every((d) => d.added === 1 && d.removed === 1)).toBe(true);
  });

  it("does not compare every pair: 400 distinct files in 40 services yield few candidates", async () => {
    const files: Record<string, string> = {};
    for (let s = 0; s < 40; s++) {
      files[`svc${s}/requirements.txt`] = "fastapi\n";
      for (let m = 0; m < 10; m++) {
        const k = s * 10 + m;
        files[`svc${s}/app/mod${m}.py`] = Array.from({ length: 10 }, (_, i) => `def handler_${k}_${i}(value_${k}: int) -> int:\n    return value_${k} * ${k * 31 + i} - ${i * 7 + k}\n`).join("\n") + `\nNAME = "${"x".repeat(k % 17)}${k}"\n`;
      }
    }
    const res = await auditOverlap({ cwd: tree("scale", files), skipRoutes: true });
    expect(res.stats.compared).toBe(400);
    // Same shape everywhere (identifiers abstracted), different literals: the index must not pair everything.
    expect(res.stats.verified).toBeLessThan(400);
    expect(res.copies).toEqual([]);
  });
});
