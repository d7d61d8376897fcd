import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ping } from "../../src/features/ping/index.js";
import type { FksConfig } from "../../src/config/schema.js";
import * as srv from "./servers.js";
import { freePort } from "../env/engines.js";

// A port derived from the pid collided with other suites' servers; ask the kernel for a free one.
let DOWNSTREAM_PORT = 0;
const TOKEN = "s3cret-health-token-value";
const servers: srv.Running[] = [];
let echo: srv.Running, silent: srv.Running, forwards: srv.Running, copies: srv.Running, tokenEcho: srv.Running;
const seenAuth: Record<string, string | undefined> = {};

/** Calls the capture server the way an instrumented service calls its dependencies. */
function callDownstream(traceparent: string): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port: DOWNSTREAM_PORT, path: "/dep", headers: { traceparent } }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    req.on("error", () => resolve());
    req.end();
  });
}

beforeAll(async () => {
  DOWNSTREAM_PORT = await freePort();
  const up = async (h: http.RequestListener) => {
    const s = await srv.httpServer(h);
    servers.push(s);
    return s;
  };
  echo = await up((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-request-id": String(req.headers["x-request-id"]) }).end('{"status":"pass"}');
  });
  silent = await up((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"pass"}'));
  // A service with a new span of its own: same trace-id, new parent-id.
  forwards = await up(async (req, res) => {
    const [v, trace] = String(req.headers.traceparent).split("-");
    await callDownstream(`${v}-${trace}-${"ab".repeat(8)}-01`);
    res.writeHead(200, { traceparent: String(req.headers.traceparent) }).end("ok");
  });
  // A proxy that forwards the header unchanged: the trace is kept but no span was made.
  copies = await up(async (req, res) => {
    await callDownstream(String(req.headers.traceparent));
    res.writeHead(200, { traceparent: String(req.headers.traceparent) }).end("ok");
  });
  tokenEcho = await up((req, res) => {
    seenAuth[req.url!] = req.headers.authorization;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: req.url === "/health" ? "fail" : "pass", checks: { "auth:echo": [{ status: "fail", output: `got ${req.headers.authorization}` }] } }));
  });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe("--trace", () => {
  it("passes when the service returns the ids and fails when it does not", async () => {
    const r = await ping({ cwd: process.cwd(), urls: [`${echo.url}/health`, `${silent.url}/health`], trace: true, settings: { timeout: 1000, retries: 0 }, docker: false });
    const [a, b] = [echo, silent].map((s) => r.services.find((x) => x.baseUrl === s.url)!.endpoints[0]!);
    expect(a!.status).toBe("pass");
    expect(a!.trace?.returned).toBe("header");
    expect(a!.trace?.traceId).toMatch(/^[\da-f]{32}$/);
    expect(b!.status).toBe("untraced");
    expect(r.ok).toBe(false);
  });

  it("--trace-downstream passes when the trace-id is kept and the parent-id changes", async () => {
    const r = await ping({ cwd: process.cwd(), urls: [`${forwards.url}/health`, `${copies.url}/health`], traceDownstreamPort: DOWNSTREAM_PORT, settings: { timeout: 1000, retries: 0 }, docker: false });
    const [a, b] = [forwards, copies].map((s) => r.services.find((x) => x.baseUrl === s.url)!.endpoints[0]!);
    expect(a!.trace?.downstream).toBe("propagated");
    expect(a!.status).toBe("pass");
    expect(b!.trace?.downstream).toBe("same-parent");
    expect(b!.status).toBe("untraced");
  });
});

describe("health token", () => {
  it("goes to /health only and never shows up in results", async () => {
    const config = { version: 1, services: { t: { baseUrl: tokenEcho.url } }, ping: { tokenEnv: "MY_TOKEN" } } as unknown as FksConfig;
    const r = await ping({ cwd: process.cwd(), config, env: { MY_TOKEN: TOKEN }, settings: { timeout: 1000, retries: 0 }, docker: false });
    expect(seenAuth["/health"]).toBe(`Bearer ${TOKEN}`);
    expect(seenAuth["/live"]).toBeUndefined();
    expect(seenAuth["/ready"]).toBeUndefined();
    expect(r.services[0]!.endpoints.find((e) => e.endpoint === "health")!.status).toBe("fail");
    // The service echoed the token into a check's output; fks shows the check with the token masked.
    expect(r.services[0]!.endpoints.find((e) => e.endpoint === "health")!.message).toContain("got Bearer ***");
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });
});

describe("assertions from fks.yaml", () => {
  it("fails an endpoint whose answer breaks an assertion, naming it", async () => {
    const config = {
      version: 1,
      services: {
        e: { baseUrl: echo.url, ping: { endpoints: ["health"], assert: { health: { status: 200, json: { "$.status": "pass" }, headers: { "content-type": "application/health+json" } } } } },
      },
    } as unknown as FksConfig;
    const r = await ping({ cwd: process.cwd(), config, settings: { timeout: 1000, retries: 0 }, docker: false });
    const e = r.services[0]!.endpoints[0]!;
    expect(e.status).toBe("assertion");
    expect(e.assertions).toEqual(['header content-type is "application/json", expected application/health+json']);
  });
});
