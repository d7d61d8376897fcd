import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ping, type EndpointResult } from "../../src/features/ping/index.js";
import * as srv from "./servers.js";

const TIMEOUT = 800;
const servers: srv.Running[] = [];
const urls: Record<string, string> = {};

beforeAll(async () => {
  const keep = async (name: string, s: Promise<srv.Running>, path = "/health", scheme = "http") => {
    const r = await s;
    servers.push(r);
    urls[name] = `${scheme}://127.0.0.1:${r.port}${path}`;
  };
  urls.refused = `http://127.0.0.1:${await srv.refusedPort()}/health`;
  await keep("blackhole", srv.blackhole());
  await keep("slowHeaders", srv.slowHeaders());
  await keep("slowBody", srv.slowBody());
  await keep("hugeBody", srv.hugeBody());
  await keep("redirectLoop", srv.redirectLoop(), "/a");
  await keep("fail503", srv.healthJson(503, { status: "fail", checks: { "db:connection": [{ status: "fail", output: "connection refused" }] } }));
  await keep("warn", srv.healthJson(200, { status: "warn", checks: { "disk:utilization": [{ status: "warn", observedValue: 91, observedUnit: "percent" }] } }));
  await keep("invalidJson", srv.healthJson(200, '{"status": "pass",', "application/json"));
  await keep("tlsOnPlain", srv.healthJson(200, { status: "pass" }), "/health", "https");
  await keep("healthy", srv.healthJson(200, { status: "pass" }));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const EXPECTED: Record<string, string> = {
  refused: "refused",
  blackhole: "no-response",
  slowHeaders: "headers-timeout",
  slowBody: "body-timeout",
  hugeBody: "body-too-large",
  redirectLoop: "redirect-loop",
  fail503: "fail",
  warn: "warn",
  invalidJson: "invalid-body",
  tlsOnPlain: "tls",
  healthy: "pass",
};

describe("fks ping against real misbehaving servers", () => {
  it("gives each fault its own status, all within one deadline", async () => {
    const names = Object.keys(EXPECTED);
    const t0 = performance.now();
    const result = await ping({ cwd: process.cwd(), urls: names.map((n) => urls[n]!), settings: { timeout: TIMEOUT, retries: 0 }, docker: false });
    const elapsed = performance.now() - t0;
    const byUrl = new Map<string, EndpointResult>(result.services.flatMap((s) => s.endpoints).map((e) => [e.url, e]));
    const got = Object.fromEntries(names.map((n) => [n, byUrl.get(urls[n]!)?.status]));
    expect(got).toEqual(EXPECTED);
    // Every status is distinct: a CI log tells which way each service failed.
    expect(new Set(Object.values(got)).size).toBe(names.length);
    for (const n of names) expect(byUrl.get(urls[n]!)!.elapsedMs, n).toBeLessThan(TIMEOUT + 150);
    expect(elapsed).toBeLessThan(TIMEOUT + 1000);
    expect(byUrl.get(urls.fail503!)!.httpStatus).toBe(503);
    expect(byUrl.get(urls.fail503!)!.checks).toEqual([{ name: "db:connection", status: "fail", output: "connection refused" }]);
    expect(byUrl.get(urls.warn!)!.level).toBe("warn");
    expect(result.ok).toBe(false);
  });

  it("treats a warn as degraded: exit-worthy only with failOn warn", async () => {
    const failOnFail = await ping({ cwd: process.cwd(), urls: [urls.warn!], settings: { timeout: TIMEOUT }, docker: false });
    expect(failOnFail.services[0]!.status).toBe("degraded");
    expect(failOnFail.ok).toBe(true);
    const failOnWarn = await ping({ cwd: process.cwd(), urls: [urls.warn!], settings: { timeout: TIMEOUT, failOn: "warn" }, docker: false });
    expect(failOnWarn.ok).toBe(false);
  });
});
