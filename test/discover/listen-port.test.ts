/**
 * A service's port when no EXPOSE, compose port or code names one: the port its start command's
 * server listens on (`--port`, `--bind host:N`), else that server's documented default.
 */
import { describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { removeTree, tempTree } from "../helpers.js";

async function portOf(cmd: string[], expose?: number): Promise<{ port?: number; source?: string }> {
  const dir = tempTree({
    "app/__init__.py": "",
    "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "requirements.txt": "fastapi\nuvicorn\ngunicorn\n",
    "Dockerfile": `FROM python:3.12-slim\nWORKDIR /srv\nCOPY . /srv\n${expose ? `EXPOSE ${expose}\n` : ""}CMD ${JSON.stringify(cmd)}\n`,
  });
  try {
    const [s] = (await discover({ cwd: dir, paths: [dir] })).services;
    return { port: s!.port, source: s!.sources.port?.[0] };
  } finally {
    removeTree(dir);
  }
}

describe("the port a start command listens on", () => {
  it("fastapi run and uvicorn without a port listen on 8000, said by the Dockerfile line", async () => {
    expect(await portOf(["fastapi", "run", "app/main.py"])).toEqual({ port: 8000, source: "Dockerfile:4" });
    expect((await portOf(["uvicorn", "app.main:app", "--host", "0.0.0.0"])).port).toBe(8000);
  });

  it("--port N, --port=N and gunicorn's --bind host:N name it; gunicorn's -p is its pid file, not a port", async () => {
    expect((await portOf(["uvicorn", "app.main:app", "--port", "9001"])).port).toBe(9001);
    expect((await portOf(["fastapi", "run", "--port=9002"])).port).toBe(9002);
    expect((await portOf(["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-b", "0.0.0.0:7000", "-p", "/tmp/g.pid", "app.main:app"])).port).toBe(7000);
  });

  it("a port fks cannot read ($PORT, a unix socket) is left unknown, and EXPOSE still wins", async () => {
    expect((await portOf(["uvicorn", "app.main:app", "--port", "$PORT"])).port).toBeUndefined();
    expect((await portOf(["gunicorn", "--bind", "unix:/run/app.sock", "app.main:app"])).port).toBeUndefined();
    expect((await portOf(["uvicorn", "app.main:app"], 5000)).port).toBe(5000);
  });
});
