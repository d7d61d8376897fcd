/**
 * Kubernetes probes that name their port (`port: mgmt`) refer to the container's `ports[].name`.
 * Discovery resolves them to the port's number, `fks ping --base-url …{containerPort}` probes each
 * probe path on its probe's port, and a name the container does not declare is a note with file:line.
 * Handwritten manifest: test/fixtures/ping/named-ports/deploy.yaml; every port is a real node:http server.
 */
import type http from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceRecord } from "../../src/model.js";
import { removeTree, ROOT, tempTree } from "../helpers.js";
import { byName, endpointsOf, fksAsync, type JsonResult } from "./cli.js";
import * as srv from "./servers.js";

const servers: srv.Running[] = [];
const hits = new Map<srv.Running, string[]>();
let app: srv.Running, mgmt: srv.Running, cart: srv.Running;
let dir = "";
let manifest = "";

async function server(paths: string[]): Promise<srv.Running> {
  const seen: string[] = [];
  const s = await srv.httpServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(req.url ?? "");
    if (!paths.includes(req.url ?? "")) return void res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": "application/health+json" }).end(JSON.stringify({ status: "pass" }));
  });
  hits.set(s, seen);
  servers.push(s);
  return s;
}

beforeAll(async () => {
  app = await server(["/health"]); // the shop's first port (http): no probes there
  mgmt = await server(["/livez", "/readyz"]); // its management port, which the probes name
  cart = await server(["/live", "/ready", "/health"]);
  manifest = readFileSync(path.join(ROOT, "test/fixtures/ping/named-ports/deploy.yaml"), "utf8")
    .replaceAll("{{APP}}", String(app.port))
    .replaceAll("{{MGMT}}", String(mgmt.port))
    .replaceAll("{{BROKEN}}", String(cart.port));
  dir = tempTree({ "deploy.yaml": manifest });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (dir) removeTree(dir);
});

const lineOf = (needle: string, after = 0) => manifest.split("\n").findIndex((l, i) => i >= after && l.includes(needle)) + 1;

describe("named probe ports", () => {
  it("discovery resolves a named probe port to the container port's number; an undeclared name stays a name", async () => {
    const r = await fksAsync(["services", "--format", "json"], dir);
    expect(r.code).toBe(0);
    const services = (JSON.parse(r.stdout) as { services: ServiceRecord[] }).services;
    const shop = services.find((s) => s.name === "shop")!.k8s!.probes;
    expect([shop.liveness?.port, shop.readiness?.port, shop.startup?.port]).toEqual([mgmt.port, mgmt.port, mgmt.port]);
    const c = services.find((s) => s.name === "cart")!.k8s!.probes;
    expect([c.liveness?.port, c.readiness?.port]).toEqual(["http", cart.port]);
  });

  it("fks ping --base-url …{containerPort} probes each probe path on its probe's port and names an undeclared port", async () => {
    const r = await fksAsync(["ping", "--all", "--base-url", "http://127.0.0.1:{containerPort}", "--format", "json", "--no-docker", "--timeout", "1000", "--retries", "0"], dir);
    const out = JSON.parse(r.stdout) as JsonResult;
    const s = byName(out);
    const e = endpointsOf(s.shop!);
    expect([e.live!.url, e.ready!.url, e.health!.url]).toEqual([`${mgmt.url}/livez`, `${mgmt.url}/readyz`, `${app.url}/health`]);
    expect([e.live!.status, e.ready!.status, e.health!.status]).toEqual(["pass", "pass", "pass"]);
    expect(hits.get(mgmt)!.sort()).toEqual(["/livez", "/readyz"]);
    expect(hits.get(app)).toEqual(["/health"]);
    expect(s.shop!.status).toBe("healthy");
    // cart's liveness probe names "http", which its container does not declare: a note at the probe.
    const probeLine = lineOf("livenessProbe:", lineOf("name: cart") - 1);
    expect(out.notes).toEqual([expect.stringContaining(`cart: livenessProbe port "http" is not a port of container "cart" (deploy.yaml:${probeLine})`)]);
    expect(endpointsOf(s.cart!).ready!.url).toBe(`${cart.url}/ready`);
    expect(r.code).toBe(0);
  });
});
