// Generates a synthetic platform of N services (FastAPI, axum, Django mix) with compose and k8s files.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export function generatePlatform(dir, n) {
  const w = (rel, text) => {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  };
  const compose = ["services:"];
  for (let i = 0; i < n; i++) {
    const name = `svc${i}`;
    const kind = i % 3;
    if (kind === 0) {
      w(`${name}/requirements.txt`, "fastapi==0.115\nuvicorn\nredis\npsycopg[binary]\n");
      w(`${name}/app/main.py`, `from fastapi import FastAPI, APIRouter\nimport redis\napp = FastAPI()\nrouter = APIRouter(prefix="/items")\n${Array.from({ length: 20 }, (_, j) => `@router.get("/r${j}")\ndef r${j}():\n    return {"i": ${j}}\n`).join("\n")}\n@app.get("/health")\ndef health():\n    return {}\napp.include_router(router)\n`);
      w(`${name}/Dockerfile`, `FROM python:3.12-slim\nCOPY . /app\nEXPOSE ${8000 + i}\nCMD ["uvicorn", "app.main:app"]\n`);
    } else if (kind === 1) {
      w(`${name}/Cargo.toml`, `[package]\nname = "${name}"\n\n[dependencies]\naxum = "0.8"\ntokio = "1"\n`);
      w(`${name}/src/main.rs`, `use axum::{Router, routing::get};\n${Array.from({ length: 10 }, (_, j) => `async fn h${j}() -> &'static str { "x" }`).join("\n")}\nfn app() -> Router { Router::new()${Array.from({ length: 10 }, (_, j) => `.route("/r${j}", get(h${j}))`).join("")} }\nfn main() { let _ = "0.0.0.0:${8000 + i}"; }\n`);
      w(`${name}/Dockerfile`, `FROM rust:1.85 AS build\nRUN cargo build\nFROM gcr.io/distroless/cc\nCOPY --from=build /t /t\n`);
    } else {
      w(`${name}/manage.py`, "import django\n");
      w(`${name}/requirements.txt`, "django\n");
      w(`${name}/site/urls.py`, `from django.urls import path\nurlpatterns = [${Array.from({ length: 10 }, (_, j) => `path("r${j}/", v)`).join(", ")}]\n`);
      w(`${name}/Dockerfile`, "FROM python:3.12-slim\nHEALTHCHECK CMD python -c 'print(1)'\n");
    }
    compose.push(`  ${name}:`, `    build: ./${name}`, `    ports: ["${9000 + i}:${8000 + i}"]`, "    depends_on: [redis]");
    w(`k8s/${name}.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers:\n        - name: ${name}\n          image: reg/${name}:1\n          ports: [{containerPort: ${8000 + i}}]\n          livenessProbe: {httpGet: {path: /live, port: ${8000 + i}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {selector: {app: ${name}}, ports: [{port: 80}]}\n`);
  }
  compose.push("  redis:", "    image: redis:7");
  w("docker-compose.yml", compose.join("\n") + "\n");
}
