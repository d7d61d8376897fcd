import { afterAll, beforeAll, expect, it } from "vitest";
import type { FksConfig } from "../../src/config/schema.js";
import { ping } from "../../src/features/ping/index.js";
import { httpServer, type Running } from "./servers.js";

let server: Running;
const seen: Array<{ path: string; auth?: string }> = [];
beforeAll(async () => {
  server = await httpServer((req, res) => {
    seen.push({ path: req.url ?? "", auth: req.headers.authorization });
    res.writeHead(200, { "content-type": "application/health+json" }).end('{"status":"pass"}');
  });
});
afterAll(() => server.close());

it("endpoints on one path share a request, made as health (with the token); one with its own assertions asks alone", async () => {
  const config = {
    version: 1,
    services: { svc: { baseUrl: server.url, health: { live: "/h", ready: "/h", health: "/h" }, ping: { assert: { ready: { status: 200 } } } } },
  } as FksConfig;
  const r = await ping({ cwd: process.cwd(), config, env: { FKS_HEALTH_TOKEN: "s3cret-token" }, docker: false });
  const s = r.services[0]!;
  expect(s.endpoints.map((e) => [e.endpoint, e.status])).toEqual([["live", "pass"], ["ready", "pass"], ["health", "pass"]]);
  expect(seen.sort((a, b) => (a.auth ?? "").localeCompare(b.auth ?? ""))).toEqual([
    { path: "/h", auth: undefined },
    { path: "/h", auth: "Bearer s3cret-token" },
  ]);
  // Two requests, two latencies: the shared one is not counted twice.
  expect(s.endpoints[0]!.latencies).toBe(s.endpoints[2]!.latencies);
});
