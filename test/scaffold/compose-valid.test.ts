/**
 * Every compose file `fks scaffold health` writes still loads with compose-go, the loader
 * `docker compose` itself runs (tools/compose-validate: schema, interpolation, anchors and merge
 * keys, consistency checks). Each original is checked first, so a rejection is fks's edit; a
 * deliberately broken copy of fks's output must be rejected, so the check can fail.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMPOSE_NAME } from "../../src/features/discover/compose.js";
import { engineEnv } from "../env/engines.js";
import { fks, removeTree, ROOT, tempTree } from "../helpers.js";
import { platformCopy } from "./platform.js";

/** The validator: from env.sh, else built (cached) by the same script setup.sh runs. */
function validator(): { bin?: string; reason?: string } {
  const env = engineEnv();
  if (env.FKS_COMPOSE_VALIDATE && existsSync(env.FKS_COMPOSE_VALIDATE)) return { bin: env.FKS_COMPOSE_VALIDATE };
  const r = spawnSync("bash", [path.join(ROOT, "scripts/env/compose-validator.sh")], { encoding: "utf8", timeout: 600_000 });
  if (r.status === 0) return { bin: r.stdout.trim() };
  return { reason: (env.FKS_COMPOSE_VALIDATE_UNAVAILABLE || r.stderr || r.error?.message || "build script failed").trim().split("\n").pop() };
}

const cv = validator();
if (cv.reason) console.warn(`skipping compose validity tests: ${cv.reason}`);

function validate(files: string[]): { code: number | null; out: string } {
  const r = spawnSync(cv.bin!, files, { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

function composeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const f = path.join(dir, name);
    if (statSync(f).isDirectory()) out.push(...composeFiles(f));
    else if (COMPOSE_NAME.test(name)) out.push(f);
  }
  return out;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

/** Checks the originals, runs fks for real, returns the compose files it wrote (checked too). */
function scaffoldValid(dir: string, force: boolean): string[] {
  dirs.push(dir);
  const originals = composeFiles(dir);
  expect(originals.length).toBeGreaterThan(0);
  expect(validate(originals), "the original compose files").toEqual({ code: 0, out: "" });
  const r = fks(["scaffold", "health", ".", "--format", "json", ...(force ? ["--force"] : [])], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const edits = (JSON.parse(r.stdout) as { edits: Array<{ file: string; after: string }> }).edits;
  const written = edits.filter((e) => COMPOSE_NAME.test(path.basename(e.file))).map((e) => path.resolve(dir, e.file));
  for (const f of written) expect(readFileSync(f, "utf8"), f).toBe(edits.find((e) => path.resolve(dir, e.file) === f)!.after);
  expect(written.length, "compose files written").toBeGreaterThan(0);
  const result = validate(written);
  expect(result, written.map((f) => `--- ${f}\n${readFileSync(f, "utf8")}`).join("\n")).toEqual({ code: 0, out: "" });
  return written;
}

const APP = {
  "api/requirements.txt": "fastapi\nuvicorn\ncelery\n",
  "api/app/__init__.py": "",
  "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/orders')\ndef orders():\n    return []\n",
  "api/app/tasks.py": "from celery import Celery\n\napp = Celery('tasks', broker='redis://redis:6379/0')\n",
  "api/Dockerfile": 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app ./app\nEXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
};

const REDIS = `  redis:
    image: redis:7
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
`;

/** Compose shapes fks edits differently; each runs with the API above. */
const SHAPES: Record<string, string> = {
  "depends_on as a list, a celery worker built from the API's image": `services:
  api:
    build: ./api
    image: shop-api:dev
    ports: ["8000:8000"]
    depends_on:   # starts before redis is ready
      - redis
  worker:
    image: shop-api:dev
    command: celery -A app.tasks worker --loglevel=info
    depends_on: [redis, api]
${REDIS}`,
  "depends_on as a map, one entry already healthy": `services:
  api:
    build: { context: ./api, dockerfile: Dockerfile }
    depends_on:
      redis:
        condition: service_started
        restart: true
      db:
        condition: service_healthy
  web:
    image: nginx:1.27
    depends_on:
      api: { condition: service_started }
  db:
    image: postgres:16
    environment: { POSTGRES_PASSWORD: "\${POSTGRES_PASSWORD:-dev}" }
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
${REDIS}`,
  "an existing healthcheck as a CMD-SHELL string and list": `services:
  api:
    build: ./api
    env_file: [.env]
    depends_on: [redis]
    healthcheck:
      test: curl -fsS http://localhost:8000/health || exit 1
      interval: 15s
  worker:
    build: ./api
    command: ["celery", "-A", "app.tasks", "worker"]
    healthcheck:
      test: ["CMD-SHELL", "celery -A app.tasks inspect ping"]
${REDIS}`,
  "x- extension fields, anchors and merge keys": `x-common: &common
  restart: unless-stopped
  environment: &env
    REDIS_URL: redis://redis:6379/0
  x-team: orders
x-deps: &deps [redis]
services:
  api:
    <<: *common
    build: ./api
    depends_on: *deps
    x-owner: orders-team
  worker:
    <<: *common
    build: ./api
    environment:
      <<: *env
      C_FORCE_ROOT: "1"
    command: celery -A app.tasks worker
    depends_on: *deps
${REDIS}`,
  "an anchored depends_on list and a healthcheck shared by alias": `x-hc: &hc
  test: curl -f http://localhost:8000/health
  interval: 20s
services:
  api:
    build: ./api
    healthcheck: *hc
    depends_on: &deps
      - redis
  worker:
    build: ./api
    command: celery -A app.tasks worker
    depends_on: *deps
  docs:
    image: caddy:2
    healthcheck: *hc
${REDIS}`,
  "a service behind profiles": `services:
  api:
    build: ./api
    profiles: [app]
    depends_on: [redis, debug]
  debug:
    image: busybox:1
    profiles: [debug]
    command: sleep infinity
${REDIS}`,
};

describe.skipIf(!!cv.reason)("compose files fks scaffold health writes load with compose-go", () => {
  for (const force of [false, true]) {
    const how = force ? "with --force" : "without --force";
    it(`the example platform ${how}`, () => {
      const written = scaffoldValid(platformCopy(), force);
      expect(written.map((f) => path.basename(f))).toEqual(["docker-compose.yml"]);
    });

    it(`test/fixtures/entry-proxy-worker ${how}`, () => {
      const dir = tempTree({});
      cpSync(path.join(ROOT, "test/fixtures/entry-proxy-worker"), dir, { recursive: true });
      expect(scaffoldValid(dir, force)).toHaveLength(1);
    });

    for (const [shape, compose] of Object.entries(SHAPES)) {
      it(`${shape} ${how}`, () => {
        const dir = tempTree({ ...APP, "compose.yaml": compose, ".env": "LOG_LEVEL=info\n" });
        expect(scaffoldValid(dir, force)).toEqual([path.join(dir, "compose.yaml")]);
      });
    }
  }

  it("a base file and its override, both edited, load together as one project (docker compose -f … -f …)", () => {
    const base = `services:
  api:
    build: { context: ., dockerfile: api/Dockerfile }
    depends_on:
      db: { condition: service_healthy }
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
`;
    // Alone, the override is no project: its api has no image or build.
    const override = `services:
  api:
    ports: ["8000:8000"]
    depends_on: [redis]
  worker:
    build: { context: ., dockerfile: api/Dockerfile }
    command: celery -A app.tasks worker
    depends_on: [redis]
${REDIS}`;
    const app = Object.fromEntries(Object.entries(APP).map(([k, v]) => [k, k === "api/Dockerfile" ? v.replace("COPY requirements.txt .", "COPY api/requirements.txt .").replace("COPY app ./app", "COPY api/app ./app") : v]));
    const dir = tempTree({ ...app, "compose.yaml": base, "compose.override.yaml": override });
    dirs.push(dir);
    const files = [path.join(dir, "compose.yaml"), path.join(dir, "compose.override.yaml")];
    const project = (): { code: number | null; out: string } => validate(["--project", ...files]);
    expect(project()).toEqual({ code: 0, out: "" });
    expect(validate([files[1]!]).code).toBe(1);
    const r = fks(["scaffold", "health", ".", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const written = (JSON.parse(r.stdout) as { edits: Array<{ file: string }> }).edits.map((e) => e.file).filter((f) => COMPOSE_NAME.test(path.basename(f)));
    expect(written.sort()).toEqual(["compose.override.yaml", "compose.yaml"]);
    expect(project(), files.map((f) => `--- ${f}\n${readFileSync(f, "utf8")}`).join("\n")).toEqual({ code: 0, out: "" });
    // The api the base defines waits for the healthy redis its override adds, in the override.
    const over = parse(readFileSync(files[1]!, "utf8")) as { services: Record<string, { depends_on?: unknown; healthcheck?: unknown }> };
    expect(over.services.api!.depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(over.services.api!.healthcheck).toBeUndefined();
    const again = fks(["scaffold", "health", ".", "--format", "json"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { edits: unknown[] }).edits).toEqual([]);
  });

  it("an override never waits for a service whose base healthcheck can never pass", () => {
    const base = `services:
  api:
    build: { context: ., dockerfile: api/Dockerfile }
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
`;
    const override = `services:
  api:
    ports: ["8000:8000"]
  e2e:
    image: mcr.microsoft.com/playwright:v1.62.1-noble
    depends_on: [api]
`;
    const app = Object.fromEntries(Object.entries(APP).map(([k, v]) => [k, k === "api/Dockerfile" ? v.replace("COPY requirements.txt .", "COPY api/requirements.txt .").replace("COPY app ./app", "COPY api/app ./app") : v]));
    const dir = tempTree({ ...app, "compose.yaml": base, "compose.override.yaml": override });
    dirs.push(dir);
    const r = fks(["scaffold", "health", ".", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const over = parse(readFileSync(path.join(dir, "compose.override.yaml"), "utf8")) as { services: Record<string, { depends_on?: unknown }> };
    // curl is not in python:3.12-slim: without --force the check stays, so api is never healthy.
    expect(over.services.e2e!.depends_on).not.toEqual({ api: { condition: "service_healthy" } });
    expect(validate(["--project", path.join(dir, "compose.yaml"), path.join(dir, "compose.override.yaml")])).toEqual({ code: 0, out: "" });
  });

  it("rejects a compose file fks wrote once its healthcheck or depends_on is broken", () => {
    const [file] = scaffoldValid(platformCopy(), false);
    const text = readFileSync(file!, "utf8");
    const broken = [
      text.replace(/test: \["CMD",/, 'test: ["RUN",'),
      text.replace("condition: service_healthy", "condition: service_ready"),
      text.replace(/^( {4})healthcheck:$/m, "$1healthcheck:\n$1  probe: /live"),
      text.replace(/^( {6})postgres:$/m, "$1postgress:"),
    ];
    for (const t of broken) {
      expect(t).not.toBe(text);
      writeFileSync(file!, t);
      const r = validate([file!]);
      expect(r.code, t).toBe(1);
      expect(r.out).toMatch(new RegExp(`^${file!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\S`));
    }
  });
});
