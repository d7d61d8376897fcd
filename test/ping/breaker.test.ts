import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ping } from "../../src/features/ping/index.js";
import type { FksConfig } from "../../src/config/schema.js";
import * as srv from "./servers.js";

const TIMEOUT = 1000;
let dead: srv.Running;
let flaky: srv.Running;
let flakyHits = 0;

beforeAll(async () => {
  await srv.warmUpPing();
  dead = await srv.blackhole();
  // Fails twice with 503, then recovers: a service still starting up.
  flaky = await srv.httpServer((_q, res) => {
    flakyHits++;
    res.writeHead(flakyHits <= 2 ? 503 : 200, { "content-type": "application/health+json" }).end(JSON.stringify({ status: flakyHits <= 2 ? "fail" : "pass" }));
  });
});
afterAll(async () => {
  await dead.close();
  await flaky.close();
});

const cfg = (baseUrl: string, extra: Partial<NonNullable<FksConfig["services"]>[string]> = {}) =>
  ({ version: 1, services: { svc: { baseUrl, ...extra } } }) as FksConfig;

describe("circuit breaker per service", () => {
  it("a dead service with 3 endpoints × 3 attempts costs about one deadline", async () => {
    const t0 = performance.now();
    const r = await ping({ cwd: process.cwd(), config: cfg(dead.url), settings: { timeout: TIMEOUT, retries: 2, threshold: 3 }, docker: false });
    const elapsed = performance.now() - t0;
    const s = r.services[0]!;
    expect(s.status).toBe("unhealthy");
    expect(s.breaker).toBe("open");
    expect(s.endpoints.map((e) => e.status)).toEqual(["no-response", "no-response", "no-response"]);
    // 9 attempts would be 3 deadlines one after another; the breaker stops after the first wave.
    expect(s.endpoints.reduce((n, e) => n + e.attempts, 0)).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT);
    // Well under two deadlines even on a loaded CI machine; the next test shows the 3× it would cost without.
    expect(elapsed).toBeLessThan(TIMEOUT * 1.5);
  });

  it("without the breaker (threshold above the attempts) the same service costs three deadlines", async () => {
    const t0 = performance.now();
    const r = await ping({
      cwd: process.cwd(),
      config: cfg(dead.url),
      settings: { timeout: TIMEOUT, retries: 2, threshold: 100, timeoutRetries: 2 },
      backoff: { initialMs: 10, maxMs: 20 },
      docker: false,
    });
    const elapsed = performance.now() - t0;
    expect(r.services[0]!.breaker).toBe("closed");
    expect(r.services[0]!.endpoints.reduce((n, e) => n + e.attempts, 0)).toBe(9);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT * 3);
  });

  it("retries with backoff until a starting service answers pass", async () => {
    flakyHits = 0;
    const r = await ping({ cwd: process.cwd(), urls: [`${flaky.url}/health`], settings: { timeout: TIMEOUT, retries: 2, threshold: 3 }, backoff: { initialMs: 20, maxMs: 100 }, docker: false });
    const e = r.services[0]!.endpoints[0]!;
    expect(e.status).toBe("pass");
    expect(e.attempts).toBe(3);
    expect(flakyHits).toBe(3);
  });

  it("stays unhealthy after the threshold of consecutive failures", async () => {
    flakyHits = -100; // fails for the whole run
    const r = await ping({ cwd: process.cwd(), urls: [`${flaky.url}/health`], settings: { timeout: TIMEOUT, retries: 5, threshold: 2 }, backoff: { initialMs: 5, maxMs: 10 }, docker: false });
    const e = r.services[0]!.endpoints[0]!;
    expect(e.status).toBe("fail");
    // Two consecutive failures open the breaker; the other four retries are short-circuited.
    expect(e.attempts).toBe(2);
    expect(r.services[0]!.breaker).toBe("open");
  });
});
