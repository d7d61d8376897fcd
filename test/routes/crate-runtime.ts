import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A Rust fixture service for the runtime route tests: built once with the shared cargo
 * target folder, started on a free port, asked with real HTTP requests.
 */
export interface RunningCrate {
  /** Why the crate could not be built or started; empty when it runs. */
  skip: string;
  request(method: string, p: string): Promise<number>;
  stop(): void;
}

const target = process.env.FKS_CARGO_TARGET || path.join(process.env.FKS_CACHE || path.join(os.homedir(), ".cache", "fks"), "cargo-target");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function ask(port: number, method: string, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: p, method, timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

export async function startCrate(crate: string, bin: string): Promise<RunningCrate> {
  const none = (skip: string): RunningCrate => ({ skip, request: () => Promise.reject(new Error(skip)), stop: () => {} });
  if (spawnSync("cargo", ["--version"]).status !== 0) return none("cargo is not installed");
  const build = spawnSync("cargo", ["build", "--offline", "-q", "--manifest-path", path.join(crate, "Cargo.toml")], {
    env: { ...process.env, CARGO_TARGET_DIR: target },
    encoding: "utf8",
    timeout: 600_000,
  });
  if (build.status !== 0) return none(`cargo build --offline failed (run bash scripts/env/setup.sh to fetch the crates): ${build.stderr.split("\n").slice(-5).join(" ")}`);
  const exe = path.join(target, "debug", bin);
  if (!existsSync(exe)) return none(`build produced no ${exe}`);
  const port = await freePort();
  const server: ChildProcess = spawn(exe, [], { env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    try {
      await ask(port, "GET", "/");
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { skip: "", request: (m, p) => ask(port, m, p), stop: () => void (server.pid && server.kill("SIGTERM")) };
}

const PROBE = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Strict precision and recall of extracted routes against the running service: an extracted
 * METHOD path is right when that request answers neither 404 nor 405 (ANY: when every probed
 * method does); a method the extraction left out of a path it found is missed when the service
 * answers it anyway.
 */
export async function probeRoutes(
  routes: Array<{ method: string; path: string }>,
  request: RunningCrate["request"],
  fill: (param: string) => string,
): Promise<{ tp: number; fp: number; fn: number; wrong: string[]; missed: string[] }> {
  const served = async (m: string, url: string) => ![404, 405].includes(await request(m, url));
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method));
  const wrong: string[] = [];
  const missed: string[] = [];
  let tp = 0;
  for (const [p, methods] of byPath) {
    const url = p.replace(/\{(\w+)\}/g, (_, n: string) => fill(n));
    for (const m of methods) {
      const ok = m === "ANY" ? (await Promise.all(PROBE.map((x) => served(x, url)))).every(Boolean) : await served(m, url);
      if (ok) tp++;
      else wrong.push(`${m} ${p}`);
    }
    if (methods.has("ANY")) continue;
    for (const m of PROBE.filter((x) => !methods.has(x))) if (await served(m, url)) missed.push(`${m} ${p}`);
  }
  return { tp, fp: wrong.length, fn: missed.length, wrong, missed };
}
