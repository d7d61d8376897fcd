/**
 * The shape of the full-stack FastAPI template: compose builds each image from the repository
 * root (`context: .`) with a Dockerfile in the service's folder, and a test image beside it copies
 * only the frontend.
 */
import { describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { fks, tempTree } from "../helpers.js";

const TREE = {
  "pyproject.toml": '[tool.uv.workspace]\nmembers = ["backend"]\n',
  "compose.yml": [
    "services:",
    "  backend:",
    "    image: backend:latest",
    "    build: { context: ., dockerfile: backend/Dockerfile }",
    "    ports: ['8000:8000']",
    "  playwright:",
    "    build: { context: ., dockerfile: frontend/Dockerfile.playwright }",
    "    depends_on: [backend]",
    "",
  ].join("\n"),
  "backend/Dockerfile": "FROM python:3.12\nWORKDIR /app/\nCOPY ./backend/pyproject.toml /app/backend/\nCOPY ./backend/app /app/backend/app\nWORKDIR /app/backend/\nCMD [\"fastapi\", \"run\", \"--workers\", \"4\"]\n",
  "backend/pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["fastapi[standard]"]\n\n[tool.fastapi]\nentrypoint = "app.main:app"\n',
  "backend/app/__init__.py": "",
  "backend/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
  "frontend/Dockerfile.playwright": "FROM mcr.microsoft.com/playwright:v1.62.1-noble\nWORKDIR /app\nCOPY package.json /app/\nCOPY ./frontend /app/frontend\n",
  "frontend/package.json": '{"name": "frontend"}\n',
  "package.json": '{"workspaces": ["frontend"]}\n',
};

describe("services built from the repository root with a Dockerfile in their folder", () => {
  it("one record per service: the compose service and the folder its Dockerfile lives in are the same", async () => {
    const dir = tempTree(TREE);
    const { services } = await discover({ cwd: dir, paths: [dir] });
    expect(services.map((s) => s.name).sort()).toEqual(["backend", "playwright"]);
    const backend = services.find((s) => s.name === "backend")!;
    expect(backend.framework).toBe("fastapi");
    expect(backend.entry!.chain.map((c) => `${c.file}:${c.line}`)).toEqual(["backend/Dockerfile:6", "backend/pyproject.toml:7", "backend/app/main.py:3"]);
    expect(backend.entry!.app).toBe("app.main:app");
  });

  it("an image that copies only the frontend does not serve the backend's app", async () => {
    const dir = tempTree(TREE);
    const { services } = await discover({ cwd: dir, paths: [dir] });
    const pw = services.find((s) => s.name === "playwright")!;
    expect(pw.entry!.app).toBeUndefined();
    expect(pw.entry!.confidence).toBe("none");
  });

  it("scaffold health wires the backend once, into backend/app/main.py", () => {
    const dir = tempTree(TREE);
    const r = fks(["scaffold", "health", "--dry-run", "--format", "json"], { cwd: dir });
    const edits = (JSON.parse(r.stdout) as { edits: Array<{ file: string }> }).edits.map((e) => e.file);
    expect(edits.filter((f) => f.endsWith(".py")).sort()).toEqual(["backend/app/health.py", "backend/app/main.py"]);
  });
});
