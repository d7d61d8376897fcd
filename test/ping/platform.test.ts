import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM } from "../helpers.js";
import { ping } from "../../src/features/ping/index.js";
import { python } from "./engines.js";
import { refusedPort } from "./servers.js";

const py = python();
if (!py.bin) console.warn(`skipping example platform ping: ${py.reason}`);
let child: ChildProcess | undefined;
let port: number;
let log = "";

describe.skipIf(!py.bin)("the example platform's data service under uvicorn", () => {
  beforeAll(async () => {
    port = await refusedPort();
    child = spawn(py.bin!, ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", String(port)], { cwd: path.join(PLATFORM, "data"), detached: true });
    child.stdout!.on("data", (c) => (log += c));
    child.stderr!.on("data", (c) => (log += c));
    // fks ping --wait is the start-up poller here: it is what CI would use.
    const r = await ping({ cwd: process.cwd(), urls: [`http://127.0.0.1:${port}/health`], waitMs: 20_000, waitIntervalMs: 200, settings: { timeout: 1000, retries: 0 }, docker: false });
    if (!r.ok) throw new Error(`uvicorn did not come up: ${log.slice(-2000)}`);
  });
  afterAll(() => {
    if (child?.pid) process.kill(-child.pid, "SIGTERM");
  });

  it("reads its legacy {status: healthy} /health as pass and reports the endpoints it lacks", async () => {
    const r = await ping({ cwd: process.cwd(), urls: [`http://127.0.0.1:${port}`], settings: { timeout: 2000 }, docker: false });
    const s = r.services[0]!;
    const by = Object.fromEntries(s.endpoints.map((e) => [e.endpoint, e]));
    expect(by.health!.status).toBe("pass");
    expect(by.health!.httpStatus).toBe(200);
    expect(by.health!.message).toBe("HTTP 200, health pass");
    // FastAPI answers 404 for /live and /ready: reported, not retried, not counted against a guessed endpoint.
    expect(by.live!.status).toBe("missing");
    expect(by.live!.attempts).toBe(1);
    expect(by.ready!.status).toBe("missing");
    expect(s.status).toBe("healthy");
    expect(r.ok).toBe(true);
  });
});
