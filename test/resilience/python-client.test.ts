/**
 * The generated Python clients driven directly against a real HTTP server on 127.0.0.1 that
 * answers 503 and counts requests: GET is retried (1 + FKS_HTTP_RETRIES attempts), POST is sent
 * once, the fallback's value replaces the error, and the breaker check lands in the health
 * module's CHECKS. FastAPI's async client and Django's sync client, the same script.
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonBin } from "../env/engines.js";
import { removeTree } from "../helpers.js";
import { platformCopy } from "../scaffold/platform.js";
import { run } from "./platform.js";

const skip = existsSync(pythonBin()) ? undefined : `no Python venv at ${pythonBin()} (run scripts/env/setup.sh)`;
if (skip) console.warn(`[skip] generated Python clients: ${skip}`);

let dir = "";
let server: http.Server | undefined;
let url = "";
const hits: string[] = [];

beforeAll(async () => {
  if (skip) return;
  dir = platformCopy();
  run(["scaffold", "health", dir, "--force"]);
  run(["scaffold", "resilience", "api", dir]);
  run(["scaffold", "resilience", "web", dir]);
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(503, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}, 60_000);
afterAll(() => {
  server?.close();
  if (dir) removeTree(dir);
});

const SCRIPT = (mod: string, awaitable: boolean) => `
import json, sys
${awaitable ? "import asyncio\nloop = asyncio.new_event_loop()  # one loop, as in a server: the shared client lives in it" : ""}
from ${mod} import resilience, health

out = {}
def call(method, path):
    try:
        r = resilience.request("data", method, path)
        ${awaitable ? "r = loop.run_until_complete(r)" : ""}
        return "value:%s" % r
    except resilience.DownstreamUnavailable as e:
        return "error:%s" % e.reason

out["get"] = call("GET", "/get")
out["post"] = call("POST", "/post")

@resilience.fallback("data")
def stale(method, path, error):
    return "stale %s %s (%s)" % (method, path, error.reason)

out["fallback"] = call("GET", "/fallback")
out["checks"] = [c.name for c in health.CHECKS if c.name.endswith(":circuitBreaker")]
print(json.dumps(out))
`;

/** Runs the script without blocking this process, whose event loop serves the counting server. */
async function runScript(service: string, mod: string, awaitable: boolean): Promise<Record<string, unknown>> {
  const file = path.join(dir, service, "drive_client.py");
  writeFileSync(file, SCRIPT(mod, awaitable));
  const env = { ...process.env, DATA_URL: url, FKS_HTTP_RETRIES: "2", FKS_HTTP_TIMEOUT: "3", FKS_BREAKER_THRESHOLD: "10", DJANGO_SETTINGS_MODULE: "webapp.settings", WEB_SQLITE_PATH: ":memory:" };
  const child = spawn(pythonBin(), [file], { cwd: path.join(dir, service), env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.on("close", r));
  if (code !== 0) throw new Error(stderr);
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

describe.skipIf(!!skip).each([
  { name: "FastAPI (httpx.AsyncClient, purgatory)", service: "api", mod: "app", awaitable: true },
  { name: "Django (httpx.Client, pybreaker)", service: "web", mod: "webapp", awaitable: false },
])("$name", ({ service, mod, awaitable }) => {
  it("retries GET on 503, sends POST once, uses the fallback, and reports the breakers in /ready's checks", async () => {
    hits.length = 0;
    const out = await runScript(service, mod, awaitable);
    expect(out.get).toBe("error:HTTP 503");
    expect(out.post).toBe("error:HTTP 503");
    expect(out.fallback).toBe("value:stale GET /fallback (HTTP 503)");
    expect(hits.filter((h) => h === "GET /get")).toHaveLength(3);
    expect(hits.filter((h) => h === "POST /post")).toHaveLength(1);
    expect(out.checks).toEqual(["data:circuitBreaker", "execution:circuitBreaker"]);
  });
});
