import { symlinkSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { FksError } from "../../src/errors.js";
import { tempTree } from "../helpers.js";

const run = (dir: string, paths?: string[]) => discover({ cwd: dir, paths });

describe("discovery from compose, Dockerfiles and source", () => {
  const tree = () =>
    tempTree({
      "docker-compose.yml": [
        "services:",
        "  orders:",
        "    build: ./orders",
        "    ports: ['127.0.0.1:9001:8000']",
        "    environment:",
        "      - DATABASE_URL=postgresql://u:p@db:5432/x",
        "      - PRICING_URL=http://pricing:8080",
        "    depends_on:",
        "      db: {condition: service_healthy}",
        "    healthcheck:",
        "      test: [CMD, python, -c, 'print(1)']",
        "  pricing:",
        "    build: {context: ./pricing, dockerfile: Dockerfile.prod}",
        "    expose: ['8080']",
        "  db:",
        "    image: postgres:16-alpine",
        "",
      ].join("\n"),
      "orders/pyproject.toml": '[project]\nname = "orders"\ndependencies = [\n  "fastapi>=0.110",\n  "asyncpg",\n]\n',
      "orders/app.py": 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/healthz")\ndef h():\n    return {}\n',
      "orders/Dockerfile": "FROM python:3.12-slim\nEXPOSE 8000\nCMD [\"uvicorn\", \"app:app\"]\n",
      "pricing/Cargo.toml": '[package]\nname = "pricing"\n\n[dependencies]\ntokio = "1"\n\n[dependencies.axum]\nversion = "0.8"\n',
      "pricing/src/main.rs": 'use axum::Router;\nfn main() { let _ = "0.0.0.0:8080"; }\n',
      "pricing/Dockerfile.prod": "FROM rust:1.85 AS build\nHEALTHCHECK CMD true\nFROM build AS mid\nFROM gcr.io/distroless/cc\nCOPY --from=build /x /x\n",
    });

  it("merges compose, Dockerfile and source into one record per service, with sources", async () => {
    const dir = tree();
    const r = await run(dir);
    expect(r.services.map((s) => s.name)).toEqual(["orders", "pricing"]);
    const orders = r.services.find((s) => s.name === "orders")!;
    expect(orders).toMatchObject({ language: "python", framework: "fastapi", port: 8000, path: "orders", baseUrl: "http://127.0.0.1:9001" });
    expect(orders.sources.framework).toEqual(["orders/pyproject.toml:4"]);
    expect(orders.sources.compose).toEqual(["docker-compose.yml:2"]);
    expect(orders.dependsOn.sort()).toEqual(["db", "pricing"]);
    expect(orders.healthInCode).toEqual([{ path: "/healthz", file: "orders/app.py", line: 4 }]);
    expect(orders.compose?.healthcheck?.test).toBe("python -c print(1)");
    const pricing = r.services.find((s) => s.name === "pricing")!;
    expect(pricing).toMatchObject({ language: "rust", framework: "axum", port: 8080 });
    expect(pricing.sources.framework).toEqual(["pricing/Cargo.toml:7"]);
    expect(pricing.dockerfile?.finalImage).toBe("gcr.io/distroless/cc");
    expect(pricing.dockerfile?.healthchecks).toEqual([expect.objectContaining({ line: 2, inFinalStage: false })]);
    expect(r.dependencies).toEqual([expect.objectContaining({ name: "db", kind: "postgres", usedBy: ["orders"] })]);
  });

  it("reads Kubernetes workloads and Services, and keeps infrastructure out of services", async () => {
    const dir = tempTree({
      "deploy/all.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: shop-frontend",
        "spec:",
        "  template:",
        "    metadata: {labels: {app: fe}}",
        "    spec:",
        "      containers:",
        "        - name: web",
        "          image: registry.local/team/frontend:1.2",
        "          ports: [{containerPort: 3000}]",
        "          readinessProbe:",
        "            httpGet: {path: /ready, port: 3000}",
        "            periodSeconds: 5",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: fe-svc}",
        "spec: {selector: {app: fe}, ports: [{port: 80}]}",
        "---",
        "apiVersion: apps/v1",
        "kind: StatefulSet",
        "metadata: {name: cache}",
        "spec: {template: {spec: {containers: [{name: r, image: 'redis:7'}]}}}",
        "",
      ].join("\n"),
    });
    const r = await run(dir);
    expect(r.services).toHaveLength(1);
    const fe = r.services[0]!;
    expect(fe.name).toBe("shop-frontend");
    expect(fe.port).toBe(3000);
    expect(fe.k8s?.probes.readiness).toMatchObject({ type: "http", path: "/ready", periodSeconds: 5, line: 13 });
    expect(fe.k8s?.probes.liveness).toBeUndefined();
    expect(fe.k8s?.services).toEqual([expect.objectContaining({ name: "fe-svc", ports: [80] })]);
    expect(fe.sources.k8s).toEqual(["deploy/all.yaml:4"]);
    expect(r.dependencies.map((d) => [d.name, d.kind])).toEqual([["cache", "redis"]]);
  });

  it("recognises each framework from its manifest, Django's manage.py winning over a stray import", async () => {
    const dir = tempTree({
      "shop/manage.py": "import django\n",
      "shop/shop/views.py": "import flask\n",
      "gw/package.json": JSON.stringify({ dependencies: { fastify: "^5" } }, null, 2),
      "gw/index.js": "const f = require('fastify')\nf().listen({port: 3001})\n",
      "old/requirements.txt": "# legacy\nFlask==3.0\nredis>=5\n",
      "old/app.py": "from flask import Flask\n",
      "tool/package.json": JSON.stringify({ devDependencies: { vitest: "^4" } }),
    });
    const r = await run(dir);
    expect(r.services.map((s) => `${s.name}:${s.framework}`)).toEqual(["gw:fastify", "old:flask", "shop:django"]);
    expect(r.services.find((s) => s.name === "gw")!.port).toBe(3001);
    expect(r.services.find((s) => s.name === "old")!.dependsOn).toEqual(["redis"]);
  });

  it("does not take a framework's own repository for a service of that framework", async () => {
    const dir = tempTree({
      "pyproject.toml": '[project]\nname = "FastAPI"\ndependencies = ["starlette"]\n',
      "fastapi/applications.py": "from fastapi import routing\n",
      "docs_src/app.py": "from fastapi import FastAPI\n",
      "examples/shop/requirements.txt": "fastapi\n",
    });
    const r = await run(dir);
    expect(r.services.map((s) => `${s.name}:${s.framework}`)).toEqual(["shop:fastapi"]);
  });

  it("takes a distribution's own package folder for part of it, not a second service", async () => {
    const dir = tempTree({
      "shop/pyproject.toml": '[project]\nname = "Shop-Web"\ndependencies = ["django>=5"]\n',
      "shop/shop_web/manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'core.settings')\n",
      "shop/shop_web/core/urls.py": "from django.urls import path\nurlpatterns = [path('health', lambda r: None)]\n",
      "lib/pyproject.toml": '[project]\nname = "lib"\ndependencies = ["fastapi"]\n',
      "lib/src/lib/app.py": "from fastapi import FastAPI\napp = FastAPI()\n",
      // A folder with a manifest of its own stays its own service, even when named like the package.
      "mono/pyproject.toml": '[project]\nname = "api"\n',
      "mono/api/requirements.txt": "fastapi\n",
      "mono/api/main.py": "from fastapi import FastAPI\n",
    });
    const r = await run(dir);
    expect(r.services.map((s) => `${s.name}:${s.framework}:${s.path}`)).toEqual(["api:fastapi:mono/api", "lib:fastapi:lib", "shop:django:shop"]);
  });

  it("does not take a Cargo workspace root for a service: [workspace.dependencies] are its members'", async () => {
    const member = (name: string) => ({
      [`${name}/Cargo.toml`]: `[package]\nname = "${name}"\n\n[dependencies]\naxum.workspace = true\ntokio = { workspace = true }\n`,
      [`${name}/src/main.rs`]: 'use axum::Router;\nfn main() { let _ = "0.0.0.0:8080"; }\n',
    });
    const dir = tempTree({
      "Cargo.toml": '[workspace]\nmembers = ["orders", "billing"]\n\n[workspace.dependencies]\naxum = "0.8"\ntokio = "1"\n',
      ...member("orders"),
      ...member("billing"),
    });
    const r = await run(dir);
    expect(r.services.map((s) => `${s.name}:${s.framework}`)).toEqual(["billing:axum", "orders:axum"]);
  });

  it("reports unparsable files with file:line and still reads the rest", async () => {
    const dir = tree();
    const bad = tempTree({
      "docker-compose.yml": "services:\n  a:\n    image: x\n    image: y\n",
      "svc/Dockerfile": "FROM python:3.12\nRUNN pip install x\n",
      "svc/requirements.txt": "fastapi\n",
    });
    const r = await discover({ cwd: bad, paths: [bad, dir] });
    const errors = r.diagnostics.filter((d) => d.severity !== "note").map((d) => `${d.file}:${d.line} ${d.rule}`);
    expect(errors).toContain("docker-compose.yml:4 discover/parse-error");
    expect(errors).toContain("svc/Dockerfile:2 discover/dockerfile");
    expect(r.services.map((s) => s.name).sort()).toEqual(["orders", "pricing", "svc"]);
  });

  it("never follows a symlink out of the roots, survives loops and skips vendored folders", async () => {
    const outside = tempTree({ "evil/requirements.txt": "fastapi\n" });
    const dir = tempTree({
      "svc/requirements.txt": "fastapi\n",
      "svc/node_modules/x/package.json": JSON.stringify({ dependencies: { express: "4" } }),
      "svc/.venv/lib/requirements.txt": "flask\n",
    });
    symlinkSync(path.join(outside, "evil"), path.join(dir, "evil-link"));
    mkdirSync(path.join(dir, "loop"));
    symlinkSync(dir, path.join(dir, "loop", "back"));
    const r = await run(dir);
    expect(r.services.map((s) => s.name)).toEqual(["svc"]);
    expect(r.diagnostics.some((d) => d.file === "evil-link" && /outside/.test(d.message))).toBe(true);
  });

  it("keeps docs, CI, test projects and package modules named setup.py out of services, and test code out of their facts", async () => {
    const bundle = `var a=1;${"x".repeat(500)};r.get("/status",h);`;
    const dir = tempTree({
      "docker-compose.yml": [
        "services:",
        "  app: { build: ./app }",
        "  web: { build: ./frontend }",
        "  db: { build: { context: ./db, dockerfile: Dockerfile.postgres } }",
        "",
      ].join("\n"),
      "db/Dockerfile.postgres": "FROM postgres:16-alpine\nCOPY server.crt /etc/\n",
      "frontend/Dockerfile": "FROM node:22 AS build\nRUN npm run build\nFROM nginx:1.27-alpine\n",
      "app/pyproject.toml": '[project]\nname = "app"\ndependencies = ["fastapi"]\n',
      "app/app/__init__.py": "",
      "app/app/main.py": 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/ready")\ndef ready():\n    return {}\n',
      "app/app/client.py": 'def up(client):\n    return client.get("/health").ok\n',
      "app/app/static/bundle.js": bundle,
      "app/app/setup.py": "def setup(app):\n    return app\n",
      "app/tests/test_main.py": 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/live")\ndef live():\n    return {}\n\napp.run(port=9999)\n',
      "app/tests/project/manage.py": "import django\n",
      "app/docs/requirements.txt": "sphinx\ndjango\n",
      "app/.github/upgrade-check/manage.py": "import django\n",
      "app/.github/upgrade-check/requirements.txt": "django\n",
    });
    const r = await run(dir);
    expect(r.services.map((s) => s.name)).toEqual(["app", "web"]);
    const app = r.services.find((s) => s.name === "app")!;
    expect(app.framework).toBe("fastapi");
    expect(app.port).toBeUndefined();
    expect(app.healthInCode).toEqual([{ path: "/ready", file: "app/app/main.py", line: 4 }]);
    expect(r.dependencies).toEqual([expect.objectContaining({ name: "db", kind: "postgres" })]);
  });

  it("takes the port from the Dockerfile's EXPOSE before a literal in the code, and never from a config literal or a metrics server", async () => {
    const cargo = (n: string) => `[package]\nname = "${n}"\n\n[dependencies]\naxum = "0.8"\n`;
    const dir = tempTree({
      "a/Cargo.toml": cargo("a"),
      "a/Dockerfile": "FROM rust:1.85\nEXPOSE 8536\n",
      "a/src/main.rs": 'use axum::Router;\nfn main() { let _ = "0.0.0.0:3000"; }\n',
      "b/Cargo.toml": cargo("b"),
      "b/src/boot.rs": "fn console() { let _ = ConsoleLayer::builder().server_addr(([0, 0, 0, 0], 6669)); }\n",
      "b/src/main.rs": 'use axum::Router;\nfn main() {\n  let cfg = json!({ "address": "127.0.0.1:8080" });\n  let _ = "0.0.0.0:3000";\n}\n',
    });
    const r = await run(dir);
    expect(Object.fromEntries(r.services.map((s) => [s.name, s.port]))).toEqual({ a: 8536, b: 3000 });
  });

  it("a repository's root manifest above the folder holding the app is packaging, not a second service", async () => {
    const dir = tempTree({
      "pyproject.toml": '[project]\nname = "labeller"\ndependencies = ["django>=5"]\n',
      // Not the package's own folder (that one is part of the root project): the app lives elsewhere.
      "webapp/manage.py": "import django\n",
      "webapp/core/__init__.py": "",
      "webapp/core/urls.py": 'from django.urls import path\nurlpatterns = [path("health/", lambda r: None)]\n',
      "tools/pyproject.toml": '[project]\nname = "tools"\ndependencies = ["fastapi"]\n',
    });
    const r = await run(dir);
    expect(r.services.map((s) => [s.name, s.framework])).toEqual([["tools", "fastapi"], ["webapp", "django"]]);
  });

  it("refuses a path that does not exist", async () => {
    const dir = tempTree({});
    await expect(run(dir, ["nope"])).rejects.toThrow(FksError);
    await expect(run(dir, ["nope"])).rejects.toThrow(/path not found or not a folder: nope/);
  });
});
