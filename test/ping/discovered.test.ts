/**
 * Targets that come from discovery, not fks.yaml: compose services with published ports and
 * Kubernetes manifests filled into --base-url. Every port points at a real node:http server.
 */
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTree, tempTree } from "../helpers.js";
import { byName, endpointsOf, fksAsync, type JsonResult } from "./cli.js";
import * as srv from "./servers.js";

const servers: srv.Running[] = [];
const dirs: string[] = [];
/** Requests each server saw, by server, so "not probed" is an observation, not an absence of output. */
const hits = new Map<srv.Running, string[]>();

async function server(routes: Record<string, [number, unknown]>): Promise<srv.Running> {
  const seen: string[] = [];
  const s = await srv.httpServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(req.url ?? "");
    const r = routes[req.url ?? ""];
    if (!r) return void res.writeHead(404).end("not found");
    res.writeHead(r[0], { "content-type": "application/json" }).end(JSON.stringify(r[1]));
  });
  hits.set(s, seen);
  servers.push(s);
  return s;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const d of dirs) removeTree(d);
});

describe("fks ping --all with services from docker-compose.yml (no fks.yaml)", () => {
  let api: srv.Running, worker: srv.Running, pg: srv.Running, cache: srv.Running, broken: srv.Running;
  let dir: string;
  beforeAll(async () => {
    api = await server({ "/live": [200, { status: "pass" }], "/ready": [200, { status: "pass" }], "/health": [200, { status: "pass" }] });
    // Serves only what its compose healthcheck calls.
    worker = await server({ "/healthz": [200, { status: "ok" }] });
    broken = await server({ "/health": [503, { status: "fail" }] });
    // Infrastructure answering HTTP on its published port: probing it would be a mistake we can see.
    pg = await server({ "/health": [200, { status: "pass" }] });
    cache = await server({ "/health": [200, { status: "pass" }] });
    dir = tempTree({
      "api/Dockerfile": "FROM python:3.12-slim\nEXPOSE 8000\n",
      "docker-compose.yml": [
        "services:",
        "  api:",
        "    build: ./api",
        `    ports: ["127.0.0.1:${api.port}:8000"]`,
        "    depends_on: [db, cache]",
        "  worker:",
        "    image: acme/worker:1.4",
        "    ports:",
        `      - "127.0.0.1:${worker.port}:8000"`,
        "    healthcheck:",
        '      test: ["CMD", "curl", "-fsS", "http://localhost:8000/healthz"]',
        "  billing:",
        "    image: acme/billing:2",
        `    ports: ["${broken.port}:8000"]`,
        "  db:",
        "    image: postgres:16-alpine",
        `    ports: ["127.0.0.1:${pg.port}:5432"]`,
        "  cache:",
        "    image: redis:7",
        `    ports: ["127.0.0.1:${cache.port}:6379"]`,
        "",
      ].join("\n"),
    });
    dirs.push(dir);
  });

  it("probes the app services on their published ports and never the databases", async () => {
    const r = await fksAsync(["ping", "--all", "--format", "json", "--no-docker", "--timeout", "1000", "--retries", "0"], dir);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as JsonResult;
    expect(out.services.map((s) => s.service).sort()).toEqual(["api", "billing", "worker"]);
    const s = byName(out);
    expect(s.api).toMatchObject({ baseUrl: api.url, origin: "compose", status: "healthy" });
    expect(Object.values(endpointsOf(s.api!)).map((e) => e.status)).toEqual(["pass", "pass", "pass"]);
    // The compose healthcheck's path replaces the guessed /health; /live and /ready are missing, not failing.
    const w = endpointsOf(s.worker!);
    expect(w.health).toMatchObject({ url: `${worker.url}/healthz`, status: "pass" });
    expect(w.live!.status).toBe("missing");
    expect(s.worker!.status).toBe("healthy");
    // "PORT:8000" without an address is published on every interface; 127.0.0.1 reaches it.
    expect(s.billing).toMatchObject({ baseUrl: `http://127.0.0.1:${broken.port}`, status: "unhealthy" });
    expect(r.code).toBe(1);
    expect(hits.get(pg)).toEqual([]);
    expect(hits.get(cache)).toEqual([]);
    expect(hits.get(api)!.sort()).toEqual(["/health", "/live", "/ready"]);
  });

  it("a named discovered service is probed alone", async () => {
    const r = await fksAsync(["ping", "worker", "--no-docker"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^worker\s/m);
    expect(r.stdout).not.toMatch(/^api\s/m);
  });

  it("naming infrastructure is a usage error that lists the services", async () => {
    const r = await fksAsync(["ping", "db", "--no-docker"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown service: db — known services: api, billing, worker/);
  });
});

describe("fks ping --all --base-url with Kubernetes manifests", () => {
  let web: srv.Running, jobs: srv.Running, db: srv.Running;
  let dir: string;
  beforeAll(async () => {
    // The Service's `port` is the real server's port; the containerPort (8080) is not listened on.
    web = await server({ "/livez": [200, { status: "pass" }], "/readyz": [200, { status: "pass" }], "/health": [200, { status: "pass" }] });
    // No Service selects this workload: its containerPort is the port. Its probes share one path.
    jobs = await server({ "/health": [200, "ok"] });
    db = await server({ "/health": [200, { status: "pass" }] });
    dir = tempTree({
      "deploy/web.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: web}",
        "spec:",
        "  selector: {matchLabels: {app: web}}",
        "  template:",
        "    metadata: {labels: {app: web}}",
        "    spec:",
        "      containers:",
        "        - name: web",
        "          image: acme/web:3",
        "          ports: [{containerPort: 8080}]",
        "          livenessProbe: {httpGet: {path: /livez, port: 8080}}",
        "          readinessProbe: {httpGet: {path: /readyz, port: 8080}}",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: web-svc}",
        "spec:",
        "  selector: {app: web}",
        `  ports: [{port: ${web.port}, targetPort: 8080}]`,
        "",
      ].join("\n"),
      "deploy/jobs.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: jobs}",
        "spec:",
        "  template:",
        "    metadata: {labels: {app: jobs}}",
        "    spec:",
        "      containers:",
        "        - name: jobs",
        "          image: acme/jobs:1",
        `          ports: [{name: http, containerPort: ${jobs.port}}]`,
        "          livenessProbe: {httpGet: {path: /health, port: http}}",
        "          readinessProbe: {httpGet: {path: /health, port: http}}",
        "",
      ].join("\n"),
      "deploy/db.yaml": [
        "apiVersion: apps/v1",
        "kind: StatefulSet",
        "metadata: {name: db}",
        "spec:",
        "  template:",
        "    metadata: {labels: {app: db}}",
        "    spec:",
        "      containers:",
        "        - name: db",
        "          image: postgres:16",
        `          ports: [{containerPort: ${db.port}}]`,
        "",
      ].join("\n"),
    });
    dirs.push(dir);
  });

  it("fills {port} with the Service port, else the containerPort, and probes the probe paths", async () => {
    const r = await fksAsync(["ping", "--all", "--base-url", "http://127.0.0.1:{port}", "--format", "json", "--no-docker", "--timeout", "1000"], dir);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as JsonResult;
    expect(out.services.map((s) => s.service).sort()).toEqual(["jobs", "web"]);
    const s = byName(out);
    expect(s.web).toMatchObject({ baseUrl: web.url, origin: "k8s + --base-url", status: "healthy" });
    const e = endpointsOf(s.web!);
    expect([e.live!.url, e.ready!.url, e.health!.url]).toEqual([`${web.url}/livez`, `${web.url}/readyz`, `${web.url}/health`]);
    expect([e.live!.status, e.ready!.status, e.health!.status]).toEqual(["pass", "pass", "pass"]);
    expect(s.jobs).toMatchObject({ baseUrl: jobs.url, status: "healthy" });
    // Liveness, readiness and health on one path: three results from one request.
    expect(s.jobs!.endpoints.map((x) => [x.endpoint, x.url, x.status])).toEqual(["live", "ready", "health"].map((k) => [k, `${jobs.url}/health`, "pass"]));
    expect(hits.get(jobs)).toEqual(["/health"]);
    expect(r.code).toBe(0);
    expect(hits.get(db)).toEqual([]);
  });

  it("{name} is the Service that selects the workload; {containerPort} the pod's port", async () => {
    // web-svc does not resolve here, so the probe must fail with dns — proving the name was used.
    const r = await fksAsync(["ping", "web", "--base-url", "http://{name}.invalid:{containerPort}", "--format", "json", "--no-docker", "--timeout", "1000", "--retries", "0"], dir);
    const out = JSON.parse(r.stdout) as JsonResult;
    expect(out.services[0]!.baseUrl).toBe("http://web-svc.invalid:8080");
    expect(out.services[0]!.endpoints[0]!.status).toBe("dns");
    expect(r.code).toBe(1);
  });

  it("without --base-url a manifest alone gives nothing to probe, and says how to fix it", async () => {
    const r = await fksAsync(["ping", "--all", "--no-docker"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to ping: jobs: no URL to probe .* or pass --base-url; web: no URL to probe/);
  });
});

describe("fks ping --all skips services whose containers serve no HTTP of the repository's code", () => {
  let api: srv.Running, celery: srv.Running, proxy: srv.Running, dev: srv.Running;
  let dir: string;
  beforeAll(async () => {
    const ok: Record<string, [number, unknown]> = { "/live": [200, { status: "pass" }], "/ready": [200, { status: "pass" }], "/health": [200, { status: "pass" }] };
    api = await server(ok);
    // Each answers HTTP on its published port, so probing it would be seen in its hits.
    celery = await server(ok);
    proxy = await server(ok);
    dev = await server(ok);
    dir = tempTree({
      "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
      "app/tasks.py": "from celery import Celery\ncelery = Celery('tasks')\n",
      "requirements.txt": "fastapi\ncelery[redis]\nuvicorn\n",
      // A proxy built from the repository: a service of its own, but nginx answers, not its code.
      "web/Dockerfile": "FROM nginx:1.27-alpine\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\n",
      "web/nginx.conf": "server { listen 80; location / { proxy_pass http://api:8000; } }\n",
      "Dockerfile": 'FROM python:3.12-slim\nCOPY . /srv\nWORKDIR /srv\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
      "docker-compose.yml": [
        "services:",
        "  api:",
        "    build: .",
        `    ports: ["127.0.0.1:${api.port}:8000"]`,
        "  worker:",
        "    build: .",
        "    command: celery -A app.tasks worker --loglevel=info",
        `    ports: ["127.0.0.1:${celery.port}:8000"]`,
        "  proxy:",
        "    build: ./web",
        `    ports: ["127.0.0.1:${proxy.port}:80"]`,
        "  devbox:",
        "    build: .",
        "    command: sleep infinity",
        `    ports: ["127.0.0.1:${dev.port}:8000"]`,
        "",
      ].join("\n"),
    });
    dirs.push(dir);
  });

  it("probes only the API and says why each other service was skipped", async () => {
    const r = await fksAsync(["ping", "--all", "--format", "json", "--no-docker", "--timeout", "1000", "--retries", "0"], dir);
    const out = JSON.parse(r.stdout) as JsonResult;
    expect(out.services.map((s) => s.service)).toEqual(["api"]);
    expect(r.code).toBe(0);
    expect(out.notes.find((n) => n.startsWith("worker:"))).toMatch(/skipped \(a worker/);
    expect(out.notes.find((n) => n.startsWith("proxy:"))).toMatch(/skipped \(an off-the-shelf server/);
    expect(out.notes.find((n) => n.startsWith("devbox:"))).toMatch(/skipped \(its container only idles/);
    for (const s of [celery, proxy, dev]) expect(hits.get(s)).toEqual([]);
  });

  it("a worker named on the command line is probed", async () => {
    const r = await fksAsync(["ping", "worker", "--format", "json", "--no-docker", "--timeout", "1000"], dir);
    const out = JSON.parse(r.stdout) as JsonResult;
    expect(out.services.map((s) => [s.service, s.status])).toEqual([["worker", "healthy"]]);
    expect(hits.get(celery)!.length).toBeGreaterThan(0);
  });
});
