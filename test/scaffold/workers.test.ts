import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { discover } from "../../src/features/discover/index.js";
import { scaffoldHealth } from "../../src/index.js";
import type { ServiceRecord } from "../../src/model.js";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, ROOT, tempTree } from "../helpers.js";

/**
 * The shape of a real compose project: one Dockerfile with a stage per container (build.target),
 * the repository root as build context, an API, a click worker and a celery worker whose folders
 * list FastAPI too, an nginx stage in front and a caddy image for the docs.
 */
const FIXTURE = path.join(ROOT, "test/fixtures/entry-proxy-worker");
const started: StartedProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

async function byName(): Promise<Record<string, ServiceRecord>> {
  const { services } = await discover({ cwd: FIXTURE, paths: [FIXTURE] });
  return Object.fromEntries(services.map((s) => [s.name, s]));
}

describe("a service is what it runs, not the folder it is built from", () => {
  it("the nginx stage and the caddy image are off-the-shelf servers: no language, no framework", async () => {
    const s = await byName();
    for (const [name, server] of [["proxy", "nginx"], ["docs", "caddy"]] as const) {
      expect(s[name]!.language, name).toBeUndefined();
      expect(s[name]!.framework, name).toBeUndefined();
      expect(s[name]!.entry!.offTheShelf).toBe(server);
    }
  });

  it("a click CLI and a celery worker are Python workers, though their requirements list FastAPI", async () => {
    const s = await byName();
    for (const name of ["shipper", "mailer"]) {
      expect(s[name]!.language, name).toBe("python");
      expect(s[name]!.framework, name).toBeUndefined();
      expect(s[name]!.entry!.notHttp, name).toBe(true);
    }
    expect(s.shipper!.entry!.reason).toMatch(/click command/);
    expect(s.mailer!.entry!.reason).toMatch(/celery/);
  });

  it("the API keeps the framework its served app is created with", async () => {
    const s = await byName();
    expect(s.orders!.framework).toBe("fastapi");
    expect(s.orders!.entry!.appFile).toBe("services/orders/app/main.py");
  });
});

describe("fks services says what each container runs", () => {
  it("the table marks workers and off-the-shelf servers, and JSON gives each service its role", () => {
    const table = fks(["services", FIXTURE]);
    expect(table.code).toBe(0);
    const kind = (name: string) => new RegExp(`^${name}\\s+(.+?)\\s{2,}`, "m").exec(table.stdout)?.[1];
    expect(kind("shipper")).toBe("python worker");
    expect(kind("mailer")).toBe("python worker");
    expect(kind("proxy")).toBe("nginx (off-the-shelf)");
    expect(kind("docs")).toBe("caddy (off-the-shelf)");
    expect(kind("orders")).toBe("python/fastapi");
    const json = fks(["services", FIXTURE, "--format", "json"]);
    const roles = Object.fromEntries((JSON.parse(json.stdout) as { services: Array<{ name: string; role: string }> }).services.map((s) => [s.name, s.role]));
    expect(roles).toEqual({ orders: "http", shipper: "worker", mailer: "worker", proxy: "off-the-shelf", docs: "off-the-shelf" });
  });
});

describe("scaffold health agrees: workers and proxies get no HTTP probes", () => {
  it("--check reports errors only for the API; workers and proxies get one note each", async () => {
    const res = await scaffoldHealth({ cwd: FIXTURE, check: true });
    const errors = res.findings.filter((f) => f.severity === "error").map((f) => `${f.service} ${f.rule}`);
    expect(errors.filter((e) => !e.startsWith("orders "))).toEqual([]);
    for (const name of ["shipper", "mailer", "proxy", "docs"]) expect(res.findings.some((f) => f.service === name && f.rule === "health/manual-step"), name).toBe(true);
  });

  it("the HEALTHCHECK goes into the API's build stage, not the final nginx stage; compose probes only the API", async () => {
    const res = await scaffoldHealth({ cwd: FIXTURE, dryRun: true });
    const docker = res.edits.find((e) => e.file === "Dockerfile")!;
    const after = docker.after.split("\n");
    const hc = after.findIndex((l) => l.startsWith("HEALTHCHECK"));
    const stageOf = (line: number) => after.slice(0, line + 1).filter((l) => l.startsWith("FROM")).pop();
    expect(stageOf(hc)).toMatch(/AS orders$/);
    expect(after.filter((l) => l.startsWith("HEALTHCHECK"))).toHaveLength(1);
    const compose = parse(res.edits.find((e) => e.file === "compose.yaml")!.after) as { services: Record<string, { healthcheck?: Record<string, unknown>; depends_on?: Record<string, { condition: string }> }> };
    expect(compose.services.orders!.healthcheck?.test).toBeDefined();
    for (const name of ["shipper", "proxy", "docs"]) expect(compose.services[name]!.healthcheck, name).toBeUndefined();
    expect(compose.services.mailer!.healthcheck).toEqual({ disable: true });
    expect(compose.services.proxy!.depends_on).toEqual({ orders: { condition: "service_healthy" }, shipper: { condition: "service_started" } });
  });

  it("written, then checked again: nothing left to report for the workers and the proxies", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fks-workers-"));
    cpSync(FIXTURE, dir, { recursive: true });
    expect(fks(["scaffold", "health", "."], { cwd: dir }).code).toBe(0);
    const again = fks(["scaffold", "health", "--check", "--format", "json"], { cwd: dir });
    const findings = (JSON.parse(again.stdout) as { findings: Array<{ severity: string; service: string }> }).findings;
    expect(findings.filter((f) => f.severity !== "note")).toEqual([]);
    expect(readFileSync(path.join(dir, "services/shipper/app/main.py"), "utf8")).toBe(readFileSync(path.join(FIXTURE, "services/shipper/app/main.py"), "utf8"));
  });

  it("the API's entrypoint command, run for real with uvicorn, serves /live and its own routes after scaffold", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fks-workers-"));
    cpSync(FIXTURE, dir, { recursive: true });
    expect(fks(["scaffold", "health", "."], { cwd: dir }).code).toBe(0);
    // entrypoint.sh: `cd /usr/src/app/; uvicorn app.main:app`, where the Dockerfile copies services/orders/app to /usr/src/app/app.
    const p = await startProcess(pythonBin(), ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}"], { cwd: path.join(dir, "services/orders"), readyUrl: "http://127.0.0.1:{port}/live", timeoutMs: 30_000 });
    started.push(p);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status).toBe(200);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/orders`)).status).toBe(200);
  });
});

describe("a worker started from the API's image inherits its HEALTHCHECK", () => {
  it("an existing HEALTHCHECK is an error for the worker, fixed by switching it off there and only there", async () => {
    const dir = tempTree({
      "compose.yaml": "services:\n  api:\n    build: ./app\n    ports: [\"8000:8000\"]\n  worker:\n    build: ./app\n    command: celery -A tasks worker\n",
      "app/Dockerfile": 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nHEALTHCHECK --interval=15s --timeout=3s --retries=3 CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/ready\')"]\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
      "app/requirements.txt": "fastapi\ncelery\n",
      "app/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/ready")\ndef ready():\n    return {}\n',
      "app/tasks.py": 'from celery import Celery\n\ncelery = Celery("tasks")\n',
    });
    try {
      const check = await scaffoldHealth({ cwd: dir, check: true });
      expect(check.findings.filter((f) => f.rule === "health/worker-inherits-healthcheck").map((f) => `${f.service} ${f.file}:${f.line}`)).toEqual(["worker compose.yaml:5"]);
      const dry = await scaffoldHealth({ cwd: dir, dryRun: true });
      const compose = parse(dry.edits.find((e) => e.file === "compose.yaml")!.after) as { services: Record<string, { healthcheck?: unknown }> };
      expect(compose.services.worker!.healthcheck).toEqual({ disable: true });
      expect(compose.services.api!.healthcheck).not.toEqual({ disable: true });
    } finally {
      removeTree(dir);
    }
  });
});

describe("a development container (command: sleep infinity) idles: its project keeps its framework, the container gets no probes", () => {
  const files = {
    ".devcontainer/docker-compose.yml": "services:\n  app:\n    build:\n      context: ..\n      dockerfile: .devcontainer/Dockerfile\n    volumes:\n      - ..:/workspace:cached\n    # Keeps the container up; the code is started by hand.\n    command: sleep infinity\n  db:\n    image: postgres:16\n",
    ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.12\nENV PYTHONUNBUFFERED 1\n",
    "requirements.txt": "Django==5.0\npsycopg2-binary\n",
    "manage.py": 'import os\nimport sys\n\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n\n\nif __name__ == "__main__":\n    main()\n',
    "core/__init__.py": "",
    "core/settings.py": 'SECRET_KEY = "x"\nROOT_URLCONF = "core.urls"\nINSTALLED_APPS = ["django.contrib.contenttypes"]\nDATABASES = {}\n',
    "core/urls.py": 'from django.http import HttpResponse\nfrom django.urls import path\n\nurlpatterns = [\n    path("books/", lambda r: HttpResponse("[]")),\n]\n',
  };
  let dir = "";
  afterAll(() => dir && removeTree(dir));

  it("the entry comes from manage.py; the idle command is named; health endpoints are still due, container checks are not", async () => {
    dir = tempTree(files);
    const [s] = (await discover({ cwd: dir })).services.filter((x) => x.name === "app");
    expect(s!.framework).toBe("django");
    expect(s!.entry!.idle).toBe("sleep infinity");
    expect(s!.entry!.settings).toBe("core.settings");
    const res = await scaffoldHealth({ cwd: dir, check: true });
    const rules = res.findings.filter((f) => f.severity !== "note").map((f) => f.rule);
    expect(rules).toEqual(["health/endpoints-missing"]);
    const dry = await scaffoldHealth({ cwd: dir, dryRun: true });
    expect(dry.edits.map((e) => e.file).sort()).toEqual(["core/health.py", "core/urls.py"]);
  });
});

describe("a worker started from the tag the API's compose service builds", () => {
  it("gets healthcheck: disable: true, as a worker built from the same Dockerfile does", async () => {
    const dir = tempTree({
      "compose.yaml": "services:\n  api:\n    image: shop-api:dev\n    build: ./app\n    ports: [\"8000:8000\"]\n  worker:\n    image: shop-api:dev\n    command: celery -A tasks worker\n",
      "app/Dockerfile": 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
      "app/requirements.txt": "fastapi\ncelery\n",
      "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
      "app/tasks.py": 'from celery import Celery\n\ncelery = Celery("tasks")\n',
    });
    try {
      const dry = await scaffoldHealth({ cwd: dir, dryRun: true });
      const docker = dry.edits.find((e) => e.file === "app/Dockerfile");
      expect(docker?.after).toMatch(/^HEALTHCHECK /m);
      const compose = parse(dry.edits.find((e) => e.file === "compose.yaml")!.after) as { services: Record<string, { healthcheck?: unknown }> };
      expect(compose.services.worker!.healthcheck).toEqual({ disable: true });
      expect(compose.services.api!.healthcheck).not.toEqual({ disable: true });
    } finally {
      removeTree(dir);
    }
  });
});
