import { mkdtempSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { auditRoutes } from "../../src/index.js";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, tempTree } from "../helpers.js";

/** App factories in the shapes real services write them; each tree is one service. */
const ROUTES = 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/items")\ndef items():\n    return []\n';
const FACTORY = 'from fastapi import FastAPI\n\nfrom service.routes import router\n\n\ndef create_app(env: str = "dev") -> FastAPI:\n    application = FastAPI(title=env)\n    application.include_router(router)\n    return application\n';
const base = (cmd: string, extra: Record<string, string>) => ({
  Dockerfile: `FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ${cmd}\n`,
  "requirements.txt": "fastapi\nuvicorn\n",
  "service/__init__.py": "",
  "service/routes.py": ROUTES,
  "service/factory.py": FACTORY,
  ...extra,
});

const SHAPES: Record<string, { files: Record<string, string>; app: string; created: string; run: string[] }> = {
  "app = create_app() imported from another module": {
    files: base('["uvicorn", "main:app"]', { "main.py": "from service.factory import create_app\n\napp = create_app()\n" }),
    app: "main:app", created: "service/factory.py:7", run: ["main:app"],
  },
  "uvicorn --factory on a factory the package re-exports": {
    files: base('["uvicorn", "--factory", "service:create_app"]', { "service/__init__.py": 'from .factory import create_app\n\n__all__ = ["create_app"]\n' }),
    app: "service:create_app()", created: "service/factory.py:7", run: ["--factory", "service:create_app"],
  },
  'gunicorn "pkg.factory:create_app(\'prod\')" with arguments': {
    files: base(`gunicorn -k uvicorn.workers.UvicornWorker "service.factory:create_app('prod')"`, {}),
    app: "service.factory:create_app()", created: "service/factory.py:7", run: ["--factory", "service.factory:create_app"],
  },
  "a factory that configures and returns the module-level app": {
    files: base('["uvicorn", "main:app"]', {
      "main.py": "from service import factory\n\napp = factory.create_app()\n",
      "service/factory.py": 'from fastapi import FastAPI\n\nfrom service.routes import router\n\napp = FastAPI(title="global")\n\n\ndef create_app() -> FastAPI:\n    app.include_router(router)\n    return app\n',
    }),
    app: "main:app", created: "service/factory.py:5", run: ["main:app"],
  },
  "uvicorn.run(…, factory=True) under __main__": {
    files: base('["python", "run.py"]', { "run.py": 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("service.factory:create_app", factory=True, host="0.0.0.0")\n' }),
    app: "service.factory:create_app()", created: "service/factory.py:7", run: ["--factory", "service.factory:create_app"],
  },
  "get_application() defined in the module that binds app to its result": {
    files: base('["uvicorn", "main:app"]', { "main.py": 'from fastapi import FastAPI\n\nfrom service.routes import router\n\n\ndef get_application() -> FastAPI:\n    _app = FastAPI()\n    _app.include_router(router)\n    return _app\n\n\napp = get_application()\n' }),
    app: "main:app", created: "main.py:7", run: ["main:app"],
  },
};

const dirs: string[] = [];
const started: StartedProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  dirs.forEach(removeTree);
});

describe("app factories: the served app is followed into the factory", () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`${name}: the app, the line creating it, and its routes served`, async () => {
      const dir = tempTree(shape.files);
      dirs.push(dir);
      const [s] = (await discover({ cwd: dir })).services;
      expect(s!.entry!.confidence).toBe("command");
      expect(s!.entry!.app).toBe(shape.app);
      expect(`${s!.entry!.appFile}:${s!.entry!.appLine}`).toBe(shape.created);
      const res = await auditRoutes({ cwd: dir });
      expect(res.routes.filter((r) => r.served !== false).map((r) => r.path)).toEqual(["/items"]);
    });
  }

  it("each shape, scaffolded and started for real: /live answers beside /items on the app the command serves", async () => {
    for (const [name, shape] of Object.entries(SHAPES)) {
      const dir = mkdtempSync(path.join(tmpdir(), "fks-factory-"));
      dirs.push(dir);
      cpSync(tempTree(shape.files), dir, { recursive: true });
      const r = fks(["scaffold", "health", "."], { cwd: dir });
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      const p = await startProcess(pythonBin(), ["-m", "uvicorn", ...shape.run, "--host", "127.0.0.1", "--port", "{port}"], { cwd: dir, readyUrl: "http://127.0.0.1:{port}/items", timeoutMs: 30_000 });
      started.push(p);
      expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status, name).toBe(200);
      expect((await httpRequest(`http://127.0.0.1:${p.port}/items`)).status, name).toBe(200);
      await p.stop();
    }
  }, 120_000);
});
