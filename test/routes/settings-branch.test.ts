/**
 * A router mounted under a branch on a pydantic setting (`if settings.ENVIRONMENT == "local":`) is
 * served whenever the environment sets it: fks counts its routes as served, as the app really
 * serves them with that variable set (Python oracle), while a branch on a module constant is
 * decided by the constant.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTree, tempTree } from "../helpers.js";
import { findPython, pair, staticRoutes } from "./helpers.js";

const { python, why } = findPython();
const FILES = {
  "app/__init__.py": "",
  "app/config.py": 'from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    API_PREFIX: str = "/api"\n    ENVIRONMENT: str = "production"\n\n\nsettings = Settings()\n',
  "app/main.py": [
    "from fastapi import APIRouter, FastAPI",
    "from app.config import settings",
    "",
    "LEGACY = False",
    "app = FastAPI()",
    "private = APIRouter(prefix=\"/private\")",
    "legacy = APIRouter(prefix=\"/legacy\")",
    "",
    "",
    "@private.post(\"/users\")",
    "def create_user() -> dict:",
    "    return {}",
    "",
    "",
    "@legacy.get(\"/old\")",
    "def old() -> dict:",
    "    return {}",
    "",
    "",
    "if settings.ENVIRONMENT == \"local\":",
    "    app.include_router(private, prefix=settings.API_PREFIX)",
    "if LEGACY:",
    "    app.include_router(legacy)",
    "",
  ].join("\n"),
};
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

describe("branches on settings the environment can change", () => {
  it("the router under `if settings.ENVIRONMENT == …` is served; the one under a false constant is not mounted", async () => {
    const dir = tempTree(FILES);
    dirs.push(dir);
    const { routes } = await staticRoutes(dir);
    const byPath = Object.fromEntries(routes.map((r) => [pair(r), r.status]));
    expect(byPath).toEqual({ "POST /api/private/users": "served", "GET /legacy/old": "not-mounted" });
  });

  it.skipIf(!python)(`the app really serves it with ENVIRONMENT=local (oracle)${python ? "" : `: skipped, ${why}`}`, async () => {
    const dir = tempTree(FILES);
    dirs.push(dir);
    const res = spawnSync(python!, [path.join(import.meta.dirname, "oracle.py"), "fastapi", dir, "app.main:app"], { encoding: "utf8", env: { ...process.env, ENVIRONMENT: "local", PYTHONDONTWRITEBYTECODE: "1" } });
    expect(res.status, res.stderr).toBe(0);
    const real = (JSON.parse(res.stdout) as Array<[string, string]>).map(([m, p]) => `${m} ${p}`);
    const { routes } = await staticRoutes(dir);
    expect(routes.filter((r) => r.status === "served").map(pair).sort()).toEqual(real.sort());
  });
});
