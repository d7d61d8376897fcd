/**
 * The scaffolded axum service compiles (one cargo build into the shared target) and answers
 * its probes; its `healthcheck` subcommand drives a real Docker HEALTHCHECK, written by fks into
 * a Dockerfile on the busybox base, from starting to healthy to unhealthy.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cargoTarget, dockerAvailable, engineEnv, freePort, httpRequest, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, tempTree } from "../helpers.js";
import { scaffolded } from "./platform.js";

const TOKEN = "axum-token";
const docker = dockerAvailable();
if (!docker.ok) console.warn(`[skip] scaffold Docker HEALTHCHECK test: ${docker.reason}`);
let dir = "";
let bin = "";
const started: StartedProcess[] = [];
// execution calls data for quotes (DATA_URL in compose), so its /ready checks data's /live: a stub answers it.
const data = http.createServer((_, res) => res.writeHead(200, { "content-type": "application/health+json" }).end('{"status":"pass"}'));

beforeAll(async () => {
  await new Promise<void>((r) => data.listen(0, "127.0.0.1", r));
  dir = scaffolded();
  const crate = path.join(dir, "execution");
  // Its own package name, so the shared target keeps the unscaffolded example binary intact.
  const toml = path.join(crate, "Cargo.toml");
  writeFileSync(toml, readFileSync(toml, "utf8").replace('name = "execution"', 'name = "execution-scaffolded"'));
  const r = spawnSync("cargo", ["build", "--offline", "--quiet"], { cwd: crate, env: { ...process.env, CARGO_TARGET_DIR: cargoTarget() }, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`cargo build of the scaffolded crate failed:\n${r.stderr}`);
  bin = path.join(cargoTarget(), "debug", "execution-scaffolded");
}, 660_000);
afterAll(async () => {
  data.close();
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

describe("scaffolded axum service (execution)", () => {
  it("compiles, serves /live, /ready, /health with the same semantics, and `healthcheck` reports the server's state", async () => {
    const closed = await freePort();
    const p = await startProcess(bin, [], {
      env: { PORT: "{port}", BIND_ADDR: "127.0.0.1", FKS_HEALTH_TOKEN: TOKEN, DATA_URL: `http://127.0.0.1:${(data.address() as AddressInfo).port}` },
      readyUrl: "http://127.0.0.1:{port}/live",
    });
    started.push(p);
    const base = `http://127.0.0.1:${p.port}`;
    const live = await httpRequest(`${base}/live`);
    expect(live.status).toBe(200);
    expect(live.headers["content-type"]).toBe("application/health+json");
    expect(live.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(live.body).status).toBe("pass");
    expect((await httpRequest(`${base}/ready`)).status).toBe(200);
    expect(JSON.parse((await httpRequest(`${base}/health`)).body)).toEqual({ status: "pass" });
    const full = JSON.parse((await httpRequest(`${base}/health`, { headers: { "X-Health-Token": TOKEN } })).body);
    expect(full.serviceId).toBe("execution");
    expect(full.version).toBe("0.3.1");
    // The existing routes still work.
    expect((await httpRequest(`${base}/api/orders`)).status).toBe(200);

    const codes: number[] = [];
    for (let i = 0; i < 15; i++) codes.push((await httpRequest(`${base}/health`)).status);
    expect(codes).toContain(429);
    for (let i = 0; i < 20; i++) expect((await httpRequest(`${base}/ready`)).status).toBe(200);

    const check = (port: number) => spawnSync(bin, ["healthcheck"], { env: { ...process.env, PORT: String(port) }, timeout: 10_000 }).status;
    expect(check(p.port)).toBe(0);
    expect(check(closed)).toBe(1);
    await p.stop();
    expect(check(p.port)).toBe(1);
  });

  it.skipIf(!docker.ok)("Docker reports the scaffolded HEALTHCHECK healthy, then unhealthy when the service stops answering", async () => {
    const engine = new Docker();
    const base = engineEnv().FKS_DOCKER_BASE_IMAGE || "fks-test/busybox:1";
    const port = await freePort();
    const ctx = tempTree({
      "Dockerfile": [`FROM ${base}`, "COPY execution /app/execution", `ENV PORT=${port} BIND_ADDR=127.0.0.1`, `EXPOSE ${port}`,
        // A shell keeps the container up after the service is killed, so Docker can watch it turn unhealthy.
        `CMD ["sh", "-c", "/app/execution & echo $! > /tmp/service.pid; wait; sleep 3600"]`, ""].join("\n"),
      "Cargo.toml": '[package]\nname = "execution"\nversion = "0.3.1"\n\n[dependencies]\naxum = "0.8"\n',
      "src/main.rs": 'use axum::Router;\n#[tokio::main]\nasync fn main() {\n    let _ = Router::new();\n}\n',
    });
    let container: Docker.Container | undefined;
    const tag = `fks-test/scaffold-health-${process.pid}-${port}:latest`;
    try {
      mkdirSync(ctx, { recursive: true });
      copyFileSync(bin, path.join(ctx, "execution"));
      const r = fks(["scaffold", "health", ctx, "--format", "json"]);
      expect(r.code, r.stderr).toBe(0);
      const dockerfile = readFileSync(path.join(ctx, "Dockerfile"), "utf8");
      // busybox has wget and no curl or python: fks picks wget.
      expect(dockerfile).toContain(`CMD ["wget", "-q", "-O-", "http://127.0.0.1:${port}/ready"]`);
      expect(dockerfile).toMatch(/--interval=15s --timeout=3s --start-period=10s --retries=3/);

      const stream = await engine.buildImage({ context: ctx, src: ["Dockerfile", "execution"] }, { t: tag, rm: true });
      const out = await new Promise<Array<{ error?: string; stream?: string }>>((res, rej) => engine.modem.followProgress(stream, (e: Error | null, o: Array<{ error?: string }>) => (e ? rej(e) : res(o))));
      expect(out.find((o) => o.error)?.error).toBeUndefined();
      container = await engine.createContainer({
        Image: tag,
        HostConfig: {
          NetworkMode: "host",
          // The binary is linked against the host's glibc.
          Binds: ["/lib:/lib:ro", "/lib64:/lib64:ro", "/usr/lib:/usr/lib:ro"],
        },
        // Same command as the Dockerfile's HEALTHCHECK, faster timing so the test takes seconds.
        Healthcheck: { Test: ["CMD", "wget", "-q", "-O-", `http://127.0.0.1:${port}/ready`], Interval: 500_000_000, Timeout: 2_000_000_000, Retries: 3, StartPeriod: 0 },
      });
      await container.start();
      expect(await waitForHealth(container, "healthy", 30_000)).toContain("healthy");
      const exec = await container.exec({ Cmd: ["sh", "-c", "kill $(cat /tmp/service.pid)"] });
      await exec.start({});
      expect(await waitForHealth(container, "unhealthy", 30_000)).toContain("unhealthy");
    } finally {
      await container?.remove({ force: true }).catch(() => undefined);
      await engine.getImage(tag).remove({ force: true }).catch(() => undefined);
      removeTree(ctx);
    }
  }, 120_000);
});

async function waitForHealth(container: Docker.Container, want: string, timeoutMs: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = (await container.inspect()).State.Health?.Status ?? "none";
    if (seen.at(-1) !== status) seen.push(status);
    if (status === want) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`health did not become ${want} within ${timeoutMs}ms; seen: ${seen.join(" → ")}`);
}
