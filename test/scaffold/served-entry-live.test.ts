import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { classify } from "../../src/features/discover/entry-command.js";
import { shellCommands } from "../../src/features/discover/entry-shell.js";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, ROOT } from "../helpers.js";

const started: StartedProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

/** A fixture copied to a temp folder, scaffolded with the real CLI. */
function scaffolded(fixture: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fks-entry-"));
  cpSync(path.join(ROOT, "test/fixtures", fixture), dir, { recursive: true });
  const r = fks(["scaffold", "health", "."], { cwd: dir });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return dir;
}

/**
 * The server command as the chain's step spells it (the line of the script or Dockerfile that starts
 * the server), read back with the same words the container would get: module:app and --app-dir/--chdir.
 */
async function servedCommand(dir: string): Promise<{ target: string; appDir?: string; env: Record<string, string> }> {
  const [s] = (await discover({ cwd: dir })).services;
  const env = { ...s!.dockerfile?.env, ...s!.compose?.environment };
  for (const step of s!.entry!.chain) {
    for (const cmd of shellCommands(step.text, env)) {
      const l = classify(cmd.words);
      if (l.kind === "server") return { target: l.target, appDir: l.appDir, env };
    }
  }
  throw new Error(`no server command in the chain: ${JSON.stringify(s!.entry)}`);
}

describe("scaffold health wires the app the start command serves (uvicorn started for real)", () => {
  it("entrypoint.sh → exec uvicorn fastapi_main:app: /live answers on the served app, the secondary app is untouched", async () => {
    const dir = scaffolded("entry-script");
    const admin = path.join("admin", "main.py");
    expect(readFileSync(path.join(dir, admin), "utf8")).toBe(readFileSync(path.join(ROOT, "test/fixtures/entry-script", admin), "utf8"));
    const { target } = await servedCommand(dir);
    expect(target).toBe("fastapi_main:app");
    const p = await startProcess(pythonBin(), ["-m", "uvicorn", target, "--host", "127.0.0.1", "--port", "{port}"], { cwd: dir, readyUrl: "http://127.0.0.1:{port}/live", timeoutMs: 30_000 });
    started.push(p);
    const live = await httpRequest(`http://127.0.0.1:${p.port}/live`);
    expect(live.status).toBe(200);
    expect(live.headers["content-type"]).toBe("application/health+json");
    // Still the orders app: its own routes answer beside the probes.
    expect((await httpRequest(`http://127.0.0.1:${p.port}/orders/`)).status).toBe(200);
  });

  it("gunicorn -k UvicornWorker --chdir src ${APP_MODULE}: the factory's app serves /live", async () => {
    const dir = scaffolded("entry-gunicorn");
    const legacy = path.join("src", "service", "legacy.py");
    expect(readFileSync(path.join(dir, legacy), "utf8")).toBe(readFileSync(path.join(ROOT, "test/fixtures/entry-gunicorn", legacy), "utf8"));
    const { target, appDir } = await servedCommand(dir);
    expect(target).toBe("service.main:application");
    // The UvicornWorker runs the ASGI app with uvicorn: the same app, started from --chdir.
    const p = await startProcess(pythonBin(), ["-m", "uvicorn", target, "--app-dir", path.join(dir, appDir!.replace(/^\/srv\/?/, "")), "--host", "127.0.0.1", "--port", "{port}"], { cwd: dir, readyUrl: "http://127.0.0.1:{port}/live", timeoutMs: 30_000 });
    started.push(p);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status).toBe(200);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/invoices`)).status).toBe(200);
  });

  it("Django under gunicorn proj.wsgi: the production settings' URL conf serves /live; the dev URL conf is untouched", async () => {
    const dir = scaffolded("entry-django");
    const dev = path.join("proj", "urls_dev.py");
    expect(readFileSync(path.join(dir, dev), "utf8")).toBe(readFileSync(path.join(ROOT, "test/fixtures/entry-django", dev), "utf8"));
    const [s] = (await discover({ cwd: dir })).services;
    const p = await startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], {
      cwd: dir,
      env: { DJANGO_SETTINGS_MODULE: s!.entry!.settings },
      readyUrl: "http://127.0.0.1:{port}/live",
      timeoutMs: 30_000,
    });
    started.push(p);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status).toBe(200);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/products/`)).status).toBe(200);
  });
});
