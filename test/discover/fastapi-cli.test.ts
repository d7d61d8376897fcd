/**
 * `fastapi run` (the FastAPI CLI) as the start command: fks names the app the CLI itself serves.
 * Each tree has several apps whose GET /who answers with its own file and name; the real CLI is
 * started in the container's working directory and asked which one it serves.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { removeTree, tempTree } from "../helpers.js";

const cli = existsSync(pythonBin()) ? path.join(path.dirname(pythonBin()), "fastapi") : "";
const skip = !cli || !existsSync(cli) ? `no fastapi CLI in the test venv (${cli || pythonBin()}); run scripts/env/setup.sh` : undefined;
if (skip) console.warn(`[skip] the FastAPI CLI oracle: ${skip}`);

const app = (file: string, name: string) => `from fastapi import FastAPI\n\n${name} = FastAPI()\n\n\n@${name}.get("/who")\ndef who() -> str:\n    return "${file}:${name}"\n`;

const CASES: Array<{ name: string; cmd: string[]; files: Record<string, string> }> = [
  {
    name: "no path: the first of main.py, app.py, api.py, app/main.py… and its `app` or `api`",
    cmd: ["fastapi", "run"],
    files: { "api.py": app("api.py", "api"), "app/__init__.py": "", "app/main.py": app("app/main.py", "app"), "service/main.py": app("service/main.py", "app") },
  },
  {
    name: "no path: [tool.fastapi] entrypoint in the working directory's pyproject.toml beats the default files",
    cmd: ["fastapi", "run", "--workers", "1"],
    files: { "pyproject.toml": '[project]\nname = "svc"\nversion = "1"\n\n[tool.fastapi]\nentrypoint = "app.main:app"\n', "main.py": app("main.py", "app"), "app/__init__.py": "", "app/main.py": app("app/main.py", "app") },
  },
  {
    name: "a path and --app beat the pyproject entrypoint; the module is named through its packages",
    cmd: ["fastapi", "run", "src/service/web.py", "--app", "web_app"],
    files: { "pyproject.toml": '[tool.fastapi]\nentrypoint = "main:app"\n', "main.py": app("main.py", "app"), "src/service/__init__.py": "", "src/service/web.py": app("src/service/web.py", "web_app") + app("src/service/web.py", "app") },
  },
  {
    name: "neither `app` nor `api`: the module's other FastAPI instance",
    cmd: ["fastapi", "run", "server.py"],
    files: { "server.py": app("server.py", "service"), "main.py": app("main.py", "app") },
  },
  {
    name: "--entrypoint names module:attr",
    cmd: ["fastapi", "run", "--entrypoint", "pkg.server:api"],
    files: { "main.py": app("main.py", "app"), "pkg/__init__.py": "", "pkg/server.py": app("pkg/server.py", "api") },
  },
];

const started: StartedProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const d of dirs) removeTree(d);
});

describe.skipIf(!!skip)("fks follows `fastapi run` to the app the FastAPI CLI serves", () => {
  it.each(CASES)("$name", async ({ cmd, files }) => {
    const dir = tempTree({ ...files, "Dockerfile": `FROM python:3.12-slim\nWORKDIR /srv\nCOPY . /srv\nCMD ${JSON.stringify(cmd)}\n` });
    dirs.push(dir);
    const { services } = await discover({ cwd: dir, paths: [dir] });
    expect(services).toHaveLength(1);
    const e = services[0]!.entry!;
    expect(e.confidence, e.reason).toBe("command");
    expect(e.appFile, e.reason).toBeDefined();
    const said = `${e.appFile}:${e.app!.split(":")[1]}`;
    const p = await startProcess(cli, [...cmd.slice(1), "--host", "127.0.0.1", "--port", "{port}"], { cwd: dir, readyUrl: "http://127.0.0.1:{port}/who", timeoutMs: 30_000 });
    started.push(p);
    const served = JSON.parse((await httpRequest(`http://127.0.0.1:${p.port}/who`)).body) as string;
    expect(said).toBe(served);
    await p.stop();
  }, 60_000);
});
