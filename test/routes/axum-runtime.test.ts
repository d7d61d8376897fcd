import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturesDir, staticRoutes } from "./helpers.js";
import type { Route } from "../../src/model.js";

/**
 * The axum oracle: the fixture crate is compiled once (shared cargo target folder) and
 * run, and every route the static extraction finds is requested: none may answer 404
 * (wrong path) or 405 (wrong method).
 */
const crate = path.join(fixturesDir, "..", "routes-crate", "ax-runtime");
const target = process.env.FKS_CARGO_TARGET || path.join(process.env.FKS_CACHE || path.join(os.homedir(), ".cache", "fks"), "cargo-target");
let skip = "";
let server: ChildProcess | undefined;
let port = 0;
let routes: Route[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function request(method: string, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: p, method, timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  if (spawnSync("cargo", ["--version"]).status !== 0) {
    skip = "cargo is not installed";
    return;
  }
  const build = spawnSync("cargo", ["build", "--offline", "-q", "--manifest-path", path.join(crate, "Cargo.toml")], {
    env: { ...process.env, CARGO_TARGET_DIR: target },
    encoding: "utf8",
    timeout: 600_000,
  });
  if (build.status !== 0) {
    skip = `cargo build --offline failed (run bash scripts/env/setup.sh to fetch axum/tokio): ${build.stderr.split("\n").slice(-5).join(" ")}`;
    return;
  }
  const bin = path.join(target, "debug", "fks-routes-fixture");
  if (!existsSync(bin)) {
    skip = `build produced no ${bin}`;
    return;
  }
  port = await freePort();
  server = spawn(bin, [], { env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    try {
      await request("GET", "/");
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  routes = (await staticRoutes(crate)).routes;
}, 620_000);

afterAll(() => {
  if (server?.pid) server.kill("SIGTERM");
});

describe("axum fixture crate", () => {
  it("answers every extracted route (never 404 or 405)", async (ctx) => {
    if (skip) {
      console.warn(`[axum runtime] skipped: ${skip}`);
      ctx.skip();
    }
    // 5 at the root, 7 under /api, 2 merged admin routes, 1 under /api/v2
    expect(routes.length).toBe(15);
    expect(routes.filter((r) => r.unresolved)).toEqual([]);
    for (const r of routes) {
      const url = r.path.replace(/\{(\w+)\}/g, (_, n: string) => (n === "path" ? "a/b/c.txt" : `x-${n}`));
      const status = await request(r.method === "ANY" ? "DELETE" : r.method, url);
      expect([r.method, r.path, status]).toEqual([r.method, r.path, 200]);
    }
  });

  it("finds the nested, merged and parameterised routes", async (ctx) => {
    if (skip) ctx.skip();
    const got = routes.map((r) => `${r.method} ${r.path}`);
    for (const want of ["GET /api", "POST /api", "PUT /api/orders/{id}", "PATCH /api/users/{user_id}/settings", "DELETE /admin/jobs/{job}", "GET /api/v2/orders", "GET /files/{path}", "ANY /echo/{a}/{b}", "PATCH /patch-only", "GET /health"]) {
      expect(got).toContain(want);
    }
  });
});
