/**
 * An attempt that used up its whole deadline is not retried by default (ping.timeoutRetries 0):
 * a lone blackholed URL costs one deadline, not three. Fast failures still retry with backoff.
 */
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ping } from "../../src/features/ping/index.js";
import { fksAsync } from "./cli.js";
import * as srv from "./servers.js";

const TIMEOUT = 600;
let dead: srv.Running;
let warming: srv.Running;
let warmingHits = 0;
const held: ServerResponse[] = [];

beforeAll(async () => {
  await srv.warmUpPing();
  dead = await srv.blackhole();
  // Its first request starts a warm-up and gets no answer in time; later ones are served.
  warming = await srv.httpServer((_q, res) => {
    if (++warmingHits === 1) return void held.push(res);
    res.writeHead(200, { "content-type": "application/health+json" }).end('{"status":"pass"}');
  });
});
afterAll(async () => {
  for (const r of held) r.destroy();
  await dead.close();
  await warming.close();
});

const run = (url: string, settings: Record<string, number>) =>
  ping({ cwd: process.cwd(), urls: [url], settings: { timeout: TIMEOUT, retries: 2, threshold: 3, ...settings }, backoff: { initialMs: 10, maxMs: 20 }, docker: false });

describe("retries after a timeout", () => {
  it("by default a blackholed URL costs one deadline and says why it was not retried", async () => {
    const t0 = performance.now();
    const r = await run(`${dead.url}/health`, {});
    const elapsed = performance.now() - t0;
    const e = r.services[0]!.endpoints[0]!;
    expect(e.status).toBe("no-response");
    expect(e.attempts).toBe(1);
    expect(e.message).toMatch(/not retried after a timeout: ping\.timeoutRetries \/ --timeout-retries/);
    expect(r.services[0]!.status).toBe("unhealthy");
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT);
    expect(elapsed).toBeLessThan(TIMEOUT * 1.8);
  });

  it("timeoutRetries 1 allows one more full deadline", async () => {
    const t0 = performance.now();
    const r = await run(`${dead.url}/health`, { timeoutRetries: 1 });
    const e = r.services[0]!.endpoints[0]!;
    expect(e.attempts).toBe(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(TIMEOUT * 2);
  });

  it("timeoutRetries lets a service that hangs on its first request pass on the next", async () => {
    warmingHits = 0;
    const off = await run(`${warming.url}/health`, {});
    expect(off.services[0]!.endpoints[0]).toMatchObject({ status: "no-response", attempts: 1 });
    warmingHits = 0;
    const on = await run(`${warming.url}/health`, { timeoutRetries: 1 });
    expect(on.services[0]!.endpoints[0]).toMatchObject({ status: "pass", attempts: 2 });
  });

  it("a refused port is a fast failure and keeps its retries", async () => {
    const port = await srv.refusedPort();
    const r = await run(`http://127.0.0.1:${port}/health`, {});
    const e = r.services[0]!.endpoints[0]!;
    expect(e.status).toBe("refused");
    expect(e.attempts).toBe(3);
  });

  it("timed-out endpoints still open their service's breaker", async () => {
    const r = await run(dead.url, {});
    const s = r.services[0]!;
    expect(s.endpoints.map((e) => [e.status, e.attempts])).toEqual([["no-response", 1], ["no-response", 1], ["no-response", 1]]);
    expect(s.breaker).toBe("open");
  });

  it("--timeout-retries is a flag with a range", async () => {
    const bad = await fksAsync(["ping", "--url", `${dead.url}/health`, "--timeout-retries", "x", "--no-docker"], process.cwd());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--timeout-retries must be a whole number from 0 to 20/);
    const ok = await fksAsync(["ping", "--url", `${dead.url}/health`, "--timeout", `${TIMEOUT}`, "--timeout-retries", "1", "--format", "json", "--no-docker"], process.cwd());
    expect(ok.code).toBe(1);
    expect(JSON.parse(ok.stdout).services[0].endpoints[0].attempts).toBe(2);
  });
});
