/**
 * Access to the real engines prepared by scripts/env/setup.sh: the Python venv,
 * the shared cargo target folder, the Docker engine and Chromium.
 *
 * setup.sh writes ${FKS_CACHE:-~/.cache/fks}/env.sh (`export K='V'` lines); this
 * module parses it so tests work without sourcing it. Variables already set in
 * the process environment win over the file.
 *
 * Only node built-ins are used here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const examplesDir = path.join(repoRoot, "examples", "platform");

export function cacheDir(): string {
  return process.env.FKS_CACHE || path.join(os.homedir(), ".cache", "fks");
}

export function envFilePath(): string {
  return path.join(cacheDir(), "env.sh");
}

/** Parse `export K=V` / `K=V` lines; values may be bare, '…' (with '\'' escapes) or "…". */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(value: string): string {
  let result = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === "'") {
      const end = value.indexOf("'", i + 1);
      if (end < 0) return result + value.slice(i + 1);
      result += value.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < value.length && value[j] !== '"') {
        if (value[j] === "\\" && j + 1 < value.length) j++;
        result += value[j];
        j++;
      }
      i = j + 1;
    } else if (c === "\\" && i + 1 < value.length) {
      result += value[i + 1];
      i += 2;
    } else if (/\s/.test(c) || c === "#") {
      break;
    } else {
      result += c;
      i++;
    }
  }
  return result;
}

let cachedEnv: Record<string, string> | undefined;

/** The environment written by setup.sh, overlaid with the current process env. */
export function engineEnv(): Record<string, string> {
  if (!cachedEnv) {
    const file = envFilePath();
    cachedEnv = existsSync(file) ? parseEnvFile(readFileSync(file, "utf8")) : {};
  }
  const merged: Record<string, string> = { ...cachedEnv };
  for (const key of Object.keys(cachedEnv)) {
    const v = process.env[key];
    if (v !== undefined && v !== "") merged[key] = v;
  }
  for (const key of ["DOCKER_HOST", "FKS_PYTHON", "FKS_CARGO_TARGET", "FKS_CHROMIUM"]) {
    const v = process.env[key];
    if (v) merged[key] = v;
  }
  return merged;
}

/** Forget the parsed env file (e.g. after running setup.sh from a test). */
export function resetEngineEnv(): void {
  cachedEnv = undefined;
}

const SETUP_HINT = "run `bash scripts/env/setup.sh` first";

/** Path of the venv's python; throws with a hint when setup.sh has not run. */
export function pythonBin(): string {
  const p = engineEnv().FKS_PYTHON || path.join(cacheDir(), "pyenv", "bin", "python");
  if (!existsSync(p)) throw new Error(`Python venv not found at ${p}: ${SETUP_HINT}`);
  return p;
}

/** Shared CARGO_TARGET_DIR. */
export function cargoTarget(): string {
  return engineEnv().FKS_CARGO_TARGET || path.join(cacheDir(), "cargo-target");
}

/** The execution example binary built by setup.sh. */
export function executionBin(): string {
  const p = engineEnv().FKS_EXECUTION_BIN || path.join(cargoTarget(), "debug", "execution");
  if (!existsSync(p)) throw new Error(`execution binary not found at ${p}: ${SETUP_HINT}`);
  return p;
}

export interface Availability {
  ok: boolean;
  reason?: string;
}

/** Whether setup.sh left a Docker engine running; DOCKER_HOST is set on process.env when ok. */
export function dockerAvailable(): Availability {
  const env = engineEnv();
  if (env.FKS_DOCKER_UNAVAILABLE && !process.env.DOCKER_HOST) {
    return { ok: false, reason: `Docker engine unavailable: ${env.FKS_DOCKER_UNAVAILABLE}` };
  }
  const host = env.DOCKER_HOST;
  if (!host) {
    return { ok: false, reason: `DOCKER_HOST not set and ${envFilePath()} has no engine: ${SETUP_HINT}` };
  }
  if (host.startsWith("unix://")) {
    const sock = host.slice("unix://".length);
    if (!existsSync(sock)) {
      return { ok: false, reason: `Docker socket ${sock} is gone (engine stopped?): ${SETUP_HINT}` };
    }
  }
  process.env.DOCKER_HOST = host;
  return { ok: true };
}

/** Chromium executable for HTML report tests. */
export function chromiumAvailable(): Availability & { path?: string } {
  const env = engineEnv();
  const p = env.FKS_CHROMIUM;
  if (p && existsSync(p)) return { ok: true, path: p };
  return { ok: false, reason: env.FKS_CHROMIUM_UNAVAILABLE || `Chromium not found: ${SETUP_HINT}` };
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with a timeout; rejects on connection errors. */
export function httpRequest(
  url: string,
  opts: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const method = opts.method ?? "GET";
  const headers: Record<string, string | number> = { ...opts.headers };
  // Always a Content-Length: simple servers (Django's runserver) do not read chunked bodies.
  if (opts.body !== undefined) headers["content-length"] = Buffer.byteLength(opts.body);
  else if (method !== "GET" && method !== "HEAD") headers["content-length"] = 0;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers, timeout: opts.timeoutMs ?? 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 5000}ms: ${url}`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll until an HTTP GET on url gets any response (any status). Resolves with it;
 * rejects after timeoutMs with the last connection error, or as soon as
 * `abort()` returns a reason (e.g. the server process exited).
 */
export async function waitForHttp(
  url: string,
  timeoutMs = 15000,
  abort?: () => string | undefined,
): Promise<HttpResult> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no attempt";
  while (Date.now() < deadline) {
    const why = abort?.();
    if (why) throw new Error(`gave up waiting for ${url}: ${why}`);
    try {
      return await httpRequest(url, { timeoutMs: Math.max(200, Math.min(2000, deadline - Date.now())) });
    } catch (e) {
      lastError = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs}ms (last error: ${lastError})`);
}

export interface StartOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** URL polled until it answers; `{port}` is replaced by the chosen port. */
  readyUrl?: string;
  /** Port to substitute into args/env/readyUrl (`{port}`); chosen with freePort() when absent. */
  port?: number;
  timeoutMs?: number;
}

export interface StartedProcess {
  port: number;
  pid: number;
  child: ChildProcess;
  /** stdout+stderr so far */
  output(): string;
  /** SIGTERM the process group, SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Spawn a server in its own process group and wait until readyUrl answers.
 * The string `{port}` in args, env values and readyUrl is replaced by the port.
 */
export async function startProcess(cmd: string, args: string[], opts: StartOptions = {}): Promise<StartedProcess> {
  const port = opts.port ?? (await freePort());
  const sub = (s: string) => s.replaceAll("{port}", String(port));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...opts.env })) if (v !== undefined) env[k] = sub(v);

  const child = spawn(cmd, args.map(sub), {
    cwd: opts.cwd,
    env,
    detached: true, // own process group, so stop() also ends grandchildren
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const append = (c: Buffer) => {
    out += c.toString("utf8");
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let exitInfo: string | undefined;
  let spawnError: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exitInfo = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.on("error", (e) => {
      spawnError = e.message;
      exitInfo = `failed to start: ${e.message}`;
      resolve();
    });
  });

  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      try {
        child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (exitInfo === undefined) {
        killGroup("SIGTERM");
        const timer = setTimeout(() => killGroup("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      killGroup("SIGKILL"); // leftovers in the group, if any
    })());

  const started: StartedProcess = { port, pid: child.pid ?? -1, child, output: () => out, stop };
  if (spawnError) throw new Error(`${cmd}: ${spawnError}`);
  if (opts.readyUrl) {
    try {
      await waitForHttp(sub(opts.readyUrl), opts.timeoutMs ?? 20000, () => exitInfo);
    } catch (e) {
      await stop();
      throw new Error(`${cmd} ${args.map(sub).join(" ")}: ${(e as Error).message}\n--- output ---\n${out.slice(-4000)}`);
    }
  }
  return started;
}

/** The Redis server setup.sh started (FKS_REDIS_URL), or why there is none. */
export function redisAvailable(): Availability & { url?: string; server?: string } {
  const env = engineEnv();
  const url = process.env.FKS_REDIS_URL || env.FKS_REDIS_URL;
  if (url) return { ok: true, url, server: env.FKS_REDIS_SERVER };
  return { ok: false, reason: `Redis unavailable: ${env.FKS_REDIS_UNAVAILABLE || `FKS_REDIS_URL not set: ${SETUP_HINT}`}` };
}

/** The PostgreSQL server setup.sh started (FKS_POSTGRES_URL), or why there is none. */
export function postgresAvailable(): Availability & { url?: string } {
  const env = engineEnv();
  const url = process.env.FKS_POSTGRES_URL || env.FKS_POSTGRES_URL;
  if (url) return { ok: true, url };
  return { ok: false, reason: `PostgreSQL unavailable: ${env.FKS_POSTGRES_UNAVAILABLE || `FKS_POSTGRES_URL not set: ${SETUP_HINT}`}` };
}

/** The RabbitMQ broker setup.sh started (FKS_RABBITMQ_URL), or why there is none. */
export function rabbitmqAvailable(): Availability & { url?: string } {
  const env = engineEnv();
  const url = process.env.FKS_RABBITMQ_URL || env.FKS_RABBITMQ_URL;
  if (url) return { ok: true, url };
  return { ok: false, reason: `RabbitMQ unavailable: ${env.FKS_RABBITMQ_UNAVAILABLE || `FKS_RABBITMQ_URL not set: ${SETUP_HINT}`}` };
}

/** Sends PING over RESP and resolves true on +PONG; false on any error or after timeoutMs. */
export function redisPing(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on("error", () => done(false));
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d: Buffer) => done(d.toString("utf8").startsWith("+PONG")));
  });
}

/**
 * A private redis-server (the binary setup.sh installed) on a free port, for tests that stop it;
 * the shared one stays up for everyone else. Persistence is off.
 */
export async function startRedis(): Promise<StartedProcess & { url: string }> {
  const avail = redisAvailable();
  const server = avail.server || "redis-server";
  const p = await startProcess(server, ["--port", "{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
  const deadline = Date.now() + 10_000;
  while (!(await redisPing(p.port))) {
    if (Date.now() > deadline || p.child.exitCode !== null) {
      await p.stop();
      throw new Error(`${server} did not answer PING on 127.0.0.1:${p.port}\n--- output ---\n${p.output().slice(-2000)}`);
    }
    await sleep(50);
  }
  return Object.assign(p, { url: `redis://127.0.0.1:${p.port}/0` });
}
