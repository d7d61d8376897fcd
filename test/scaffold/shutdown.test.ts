/**
 * "/ready fails while the process is shutting down": the scaffolded services get a real SIGTERM while
 * a request is in flight, and must answer that request 503 naming `process:shutdown`, then exit as the
 * same server does without the generated health code (measured here on the unscaffolded example, not
 * assumed), and promptly.
 *
 * What each real server lets a client observe after SIGTERM (measured with uvicorn 0.54, Django 5.2
 * runserver, axum 0.8 / hyper 1):
 * - uvicorn closes its listening socket and every connection without a request in progress (idle
 *   keep-alive, freshly opened, or with a request head only partly received), and finishes only the
 *   requests already handed to the app. So the observable case is a /ready in flight: here its
 *   dependency check is held by a slow HTTP server on 127.0.0.1 until after SIGTERM. /live does no I/O
 *   and cannot be in flight across SIGTERM: under uvicorn "/live keeps answering" is unobservable,
 *   new connections are refused (asserted below so a change in uvicorn shows up here).
 * - Django's runserver installs no SIGTERM handler; the generated hook chains the default action, so
 *   the process dies at once, in-flight requests included, exactly as without the hook. Nothing can
 *   observe /ready=503 there; the test proves the exit is unchanged. The same Django views served as
 *   ASGI by uvicorn (the common production set-up besides gunicorn, which the test venv does not have)
 *   do answer the in-flight /ready with 503 and `process:shutdown`.
 * - axum's graceful shutdown stops accepting and closes idle connections, but a connection whose
 *   request head was partly received at SIGTERM is served: both /ready (503, process:shutdown) and
 *   /live (200) are observable that way, with `Connection: close`.
 * - An axum service without graceful shutdown of its own: the generated watcher marks the flag and
 *   exits 143 at once (a tokio handler replaces the default action), so nothing observes /ready=503;
 *   the process used to die by the signal itself. Container runtimes report both as exit code 143,
 *   which is what the test compares.
 * A drain delay inside the service (keep accepting with /ready=503 for N seconds after SIGTERM) is
 * not generated: in Kubernetes the pod leaves the endpoints when its deletion starts, and the preStop
 * sleep fks writes keeps it serving meanwhile, before SIGTERM; a second delay in the process would only
 * eat into terminationGracePeriodSeconds.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cargoTarget, executionBin, httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, ROOT } from "../helpers.js";
import { platformCopy, scaffolded } from "./platform.js";

type Report = { status: string; checks: Record<string, Array<{ status: string }>> };
interface Exit { code: number | null; signal: NodeJS.Signals | null; ms: number }

let plain = ""; // examples/platform as it is: the baseline exits
let dir = ""; // the same, scaffolded
const started: StartedProcess[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(() => {
  plain = platformCopy();
  dir = scaffolded();
  // Django served as ASGI by uvicorn needs the module Django's startproject writes; the example has only wsgi.py.
  for (const d of [plain, dir]) {
    writeFileSync(
      path.join(d, "web/webapp/asgi.py"),
      'import os\n\nfrom django.core.asgi import get_asgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")\napplication = get_asgi_application()\n',
    );
  }
});
afterAll(async () => {
  await Promise.all([...started.map((p) => p.stop()), ...closers.map((c) => c())]);
  for (const d of [plain, dir]) if (d) removeTree(d);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real HTTP dependency on 127.0.0.1 that answers 200, or holds each request while `hold` is set. */
async function slowDependency() {
  const held: http.ServerResponse[] = [];
  let arrived: () => void = () => {};
  const state = { hold: false, hits: 0 };
  const server = http.createServer((_req, res) => {
    state.hits++;
    if (!state.hold) return void res.end("ok");
    held.push(res);
    arrived();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Resolves when the next request is being held. */
    nextHeld: () => new Promise<void>((r) => (arrived = r)),
    release: () => { state.hold = false; for (const res of held.splice(0)) res.end("ok"); },
  };
}

/** SIGTERM to the server process itself (as a container runtime sends it), and how it ended. */
function terminate(p: StartedProcess, timeoutMs = 15_000): Promise<Exit> {
  const t0 = Date.now();
  const ended = new Promise<Exit>((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) resolve({ code: p.child.exitCode, signal: p.child.signalCode, ms: 0 });
    p.child.once("exit", (code, signal) => resolve({ code, signal, ms: Date.now() - t0 }));
  });
  process.kill(p.pid, "SIGTERM");
  return Promise.race([ended, sleep(timeoutMs).then(() => ({ code: null, signal: null, ms: Infinity }))]);
}

/** Lines the server logged after SIGTERM, awaited so the test knows shutdown has begun. */
async function logged(p: StartedProcess, text: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!p.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" not logged; output:\n${p.output().slice(-2000)}`);
    await sleep(50);
  }
}

const connectionRefused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve(false); });
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });

/** True once new connections are refused (the server has stopped accepting), false if not within timeoutMs. */
async function refusedWithin(port: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await connectionRefused(port)) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

/** A request whose head is sent in two parts: `finish()` sends the rest and resolves with the raw answer. */
async function splitRequest(port: number, pathname: string) {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((r, j) => { socket.once("connect", () => r()); socket.once("error", j); });
  let raw = "";
  let done: () => void = () => {};
  const answered = new Promise<void>((r) => (done = r));
  socket.on("data", (c: Buffer) => {
    raw += c.toString("utf8");
    const at = raw.indexOf("\r\n\r\n");
    const length = Number(/content-length: *(\d+)/i.exec(raw.slice(0, at))?.[1] ?? NaN);
    if (at >= 0 && Buffer.byteLength(raw.slice(at + 4)) >= length) done();
  });
  socket.on("error", () => done());
  socket.once("close", () => done());
  socket.write(`GET ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
  return {
    finish: async () => {
      socket.write("\r\n");
      await Promise.race([answered, sleep(5000)]);
      socket.destroy();
      const [head = "", body = ""] = raw.split("\r\n\r\n");
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head: head.toLowerCase(), body };
    },
  };
}

const uvicorn = (cwd: string, app: string, env: Record<string, string>) =>
  startProcess(pythonBin(), ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", "{port}"], { cwd, env, readyUrl: "http://127.0.0.1:{port}/", timeoutMs: 30_000 }).then((p) => (started.push(p), p));

/** How the unscaffolded service ends on SIGTERM under the same server: the exit to preserve. */
async function baselineExit(start: () => Promise<StartedProcess>): Promise<Exit> {
  const p = await start();
  const exit = await terminate(p);
  expect(exit.ms).toBeLessThan(10_000);
  return exit;
}

/**
 * The Python case: /ready while the held dependency is answered before SIGTERM (control: 200, no
 * process:shutdown), then a /ready in flight across SIGTERM (503, process:shutdown, the dependency
 * itself passing), then the exit.
 */
async function inFlightReady(p: StartedProcess, dep: Awaited<ReturnType<typeof slowDependency>>, shutdownLogged: string) {
  const base = `http://127.0.0.1:${p.port}`;
  expect((await httpRequest(`${base}/live`)).status).toBe(200);

  dep.state.hold = true;
  let held = dep.nextHeld();
  const control = httpRequest(`${base}/ready`, { timeoutMs: 15_000 });
  await held;
  dep.release();
  const before = await control;
  expect(before.status).toBe(200);
  expect(Object.keys((JSON.parse(before.body) as Report).checks)).not.toContain("process:shutdown");
  await sleep(1700); // past the 1.5 s report cache, so the next /ready runs its checks again

  dep.state.hold = true;
  held = dep.nextHeld();
  const inFlight = httpRequest(`${base}/ready`, { timeoutMs: 20_000 });
  await held;
  const exit = terminate(p);
  await logged(p, shutdownLogged);
  expect(await refusedWithin(p.port)).toBe(true); // a new /live cannot even connect
  dep.release();
  const during = await inFlight;
  const body = JSON.parse(during.body) as Report;
  expect(during.status).toBe(503);
  expect(body.status).toBe("fail");
  expect(body.checks["process:shutdown"]).toEqual([{ status: "fail" }]);
  expect(body.checks["data:responseTime"]).toEqual([{ status: "pass" }]); // the dependency answered: only the shutdown fails it
  return exit;
}

describe("FastAPI (api) under uvicorn", () => {
  it("a /ready in flight at SIGTERM answers 503 naming process:shutdown; the process exits as without the hook", async () => {
    const env = { DATABASE_URL: "", REDIS_URL: "", EXECUTION_URL: "", FKS_HEALTH_CHECK_TIMEOUT: "20" };
    const normal = await baselineExit(() => uvicorn(path.join(plain, "api"), "app.main:app", env));
    const dep = await slowDependency();
    const p = await uvicorn(path.join(dir, "api"), "app.main:app", { ...env, DATA_URL: dep.url });
    const exit = await inFlightReady(p, dep, "Shutting down");
    const ended = await exit;
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: normal.code, signal: normal.signal });
    expect(ended.ms).toBeLessThan(10_000);
    expect(p.output()).toContain('"GET /ready HTTP/1.1" 503');
  }, 90_000);
});

describe("Django (web)", () => {
  const env = { WEB_SQLITE_PATH: ":memory:", EXECUTION_URL: "", FKS_HEALTH_CHECK_TIMEOUT: "20" };
  const runserver = async (cwd: string, extra: Record<string, string> = {}) => {
    const p = await startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], {
      cwd, env: { ...env, ...extra }, readyUrl: "http://127.0.0.1:{port}/", timeoutMs: 30_000,
    });
    started.push(p);
    return p;
  };

  it("runserver: the hook keeps SIGTERM's default action; an in-flight /ready ends with the process, which exits at once as before", async () => {
    const normal = await baselineExit(() => runserver(path.join(plain, "web")));
    const dep = await slowDependency();
    const p = await runserver(path.join(dir, "web"), { DATA_URL: dep.url });
    expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status).toBe(200);
    dep.state.hold = true;
    const held = dep.nextHeld();
    const inFlight = httpRequest(`http://127.0.0.1:${p.port}/ready`, { timeoutMs: 20_000 }).then(
      (r) => `HTTP ${r.status}`,
      (e: Error) => e.message,
    );
    await held;
    const ended = await terminate(p);
    // runserver does not drain: the request dies with the process, no 503 is ever written.
    expect(await inFlight).toMatch(/socket hang up|ECONNRESET/);
    expect(ended.ms).toBeLessThan(3000); // the held dependency (20 s timeout) did not delay the exit
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: normal.code, signal: normal.signal });
    dep.release();
  }, 90_000);

  it("ASGI under uvicorn: a /ready in flight at SIGTERM answers 503 naming process:shutdown; the exit is unchanged", async () => {
    const normal = await baselineExit(() => uvicorn(path.join(plain, "web"), "webapp.asgi:application", env));
    const dep = await slowDependency();
    const p = await uvicorn(path.join(dir, "web"), "webapp.asgi:application", { ...env, DATA_URL: dep.url });
    const ended = await (await inFlightReady(p, dep, "Shutting down"));
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: normal.code, signal: normal.signal });
    expect(ended.ms).toBeLessThan(10_000);
  }, 90_000);
});

/** Builds the crate under its own package name, so the shared target keeps the other builds intact. */
function build(crate: string, from: string, to: string): string {
  const toml = path.join(crate, "Cargo.toml");
  writeFileSync(toml, readFileSync(toml, "utf8").replace(`name = "${from}"`, `name = "${to}"`));
  const r = spawnSync("cargo", ["build", "--offline", "--quiet"], { cwd: crate, env: { ...process.env, CARGO_TARGET_DIR: cargoTarget() }, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`cargo build of ${crate} failed:\n${r.stderr}`);
  return path.join(cargoTarget(), "debug", to);
}

/** The exit status a container runtime reports: the code, or 128 + the signal's number. */
const runtimeStatus = (e: Exit) => e.code ?? (e.signal === "SIGTERM" ? 143 : e.signal === "SIGKILL" ? 137 : -1);

describe("axum (execution), compiled", () => {
  let bin = "";
  // execution calls data for quotes (DATA_URL in compose), so its /ready checks data's /live: a stub answers it.
  const data = http.createServer((_, res) => res.writeHead(200, { "content-type": "application/health+json" }).end('{"status":"pass"}'));
  beforeAll(async () => {
    await new Promise<void>((r) => data.listen(0, "127.0.0.1", r));
    bin = build(path.join(dir, "execution"), "execution", "execution-shutdown");
  }, 660_000);
  afterAll(() => {
    data.close();
  });

  const serve = async (file: string) => {
    const env = { PORT: "{port}", BIND_ADDR: "127.0.0.1", DATA_URL: `http://127.0.0.1:${(data.address() as AddressInfo).port}` };
    const p = await startProcess(file, [], { env, readyUrl: "http://127.0.0.1:{port}/" });
    started.push(p);
    return p;
  };

  it("requests under way at SIGTERM: /ready answers 503 naming process:shutdown, /live 200; the exit is unchanged", async () => {
    const normal = await baselineExit(() => serve(executionBin()));
    const p = await serve(bin);
    // Control: the same split request without SIGTERM passes.
    const control = await (await splitRequest(p.port, "/ready")).finish();
    expect(control.status).toBe(200);
    expect(control.body).not.toContain("process:shutdown");

    const ready = await splitRequest(p.port, "/ready");
    const live = await splitRequest(p.port, "/live");
    await sleep(500); // accepted, and the partial heads read
    const exit = terminate(p);
    expect(await refusedWithin(p.port)).toBe(true); // graceful shutdown accepts nothing new
    await sleep(200);
    const r = await ready.finish();
    expect(r.status).toBe(503);
    expect(r.head).toContain("connection: close");
    // data answers (the stub), so its non-critical check passes beside the shutdown.
    expect(JSON.parse(r.body)).toEqual({ status: "fail", serviceId: "execution", checks: { "data:responseTime": [{ status: "pass" }], "process:shutdown": [{ status: "fail" }] } });
    const l = await live.finish();
    expect(l.status).toBe(200);
    expect(JSON.parse(l.body).status).toBe("pass");
    const ended = await exit;
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: normal.code, signal: normal.signal });
    expect(ended.ms).toBeLessThan(5000);
  }, 60_000);
});

describe("axum without graceful shutdown of its own (test/fixtures/scaffold/axum-guarded), compiled", () => {
  let plainBin = "";
  let bin = "";
  let crates = "";
  beforeAll(() => {
    crates = mkdtempSync(path.join(tmpdir(), "fks-axum-noshutdown-"));
    for (const d of ["plain", "scaffolded"]) cpSync(path.join(ROOT, "test/fixtures/scaffold/axum-guarded"), path.join(crates, d), { recursive: true });
    const r = fks(["scaffold", "health", path.join(crates, "scaffolded")]);
    if (r.code !== 0) throw new Error(`scaffold failed (${r.code}): ${r.stderr}`);
    plainBin = build(path.join(crates, "plain"), "fks-fixture-axum-guarded", "fks-fixture-axum-guarded-plain");
    bin = build(path.join(crates, "scaffolded"), "fks-fixture-axum-guarded", "fks-fixture-axum-guarded-shutdown");
  }, 660_000);
  afterAll(() => {
    if (crates) removeTree(crates);
  });

  const serve = async (file: string) => {
    const p = await startProcess(file, [], { env: { PORT: "{port}" }, readyUrl: "http://127.0.0.1:{port}/" });
    started.push(p);
    return p;
  };

  it("SIGTERM still ends it at once, with the exit status the runtime reported before (143)", async () => {
    const normal = await baselineExit(() => serve(plainBin));
    expect(normal.signal).toBe("SIGTERM"); // no handler of its own: the default action
    const p = await serve(bin);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status).toBe(200);
    const ended = await terminate(p);
    expect(ended.ms).toBeLessThan(3000);
    expect(runtimeStatus(ended)).toBe(runtimeStatus(normal));
  }, 60_000);
});
