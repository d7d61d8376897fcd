/**
 * Shared by the axum-*.test.ts files: copy a fixture, scaffold it with fks, build a crate of it with
 * cargo into the shared target folder, run it and read its health reports.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { cargoTarget, engineEnv, httpRequest, postgresAvailable, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree } from "../helpers.js";

export type Report = { status: string; checks: Record<string, Array<{ status: string; output?: string }>> };

/** A copy of a fixture scaffolded by fks. */
export function scaffoldedFixture(fixture: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `fks-${path.basename(fixture)}-`));
  cpSync(fixture, dir, { recursive: true });
  const r = fks(["scaffold", "health", dir]);
  if (r.code !== 0) throw new Error(`scaffold failed (${r.code}): ${r.stderr}`);
  return dir;
}

/**
 * Builds one scaffolded crate (`crate`, relative to `dir`) from the committed Cargo.lock in `lockDir`
 * (the crate itself, or its workspace root); returns the binary.
 */
export function buildCrate(dir: string, crate: string, pkg: string, lockDir = crate): string {
  const renamed = `${pkg}-scaffolded`;
  // Its own package name (in the lock file too, for --locked), so the shared target keeps no stale binary of another copy.
  for (const f of [path.join(dir, crate, "Cargo.toml"), path.join(dir, lockDir, "Cargo.lock")]) {
    writeFileSync(f, readFileSync(f, "utf8").replace(`name = "${pkg}"`, `name = "${renamed}"`));
  }
  const cwd = path.join(dir, crate);
  const env = { ...process.env, CARGO_TARGET_DIR: cargoTarget() };
  // Downloads what the lock file names once; offline afterwards (and in CI after setup.sh).
  spawnSync("cargo", ["fetch", "--locked", "--quiet"], { cwd, env, encoding: "utf8", timeout: 300_000 });
  const r = spawnSync("cargo", ["build", "--offline", "--locked", "--quiet", "-p", renamed], { cwd, env, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`cargo build of the scaffolded ${pkg} failed:\n${r.stderr}`);
  return path.join(cargoTarget(), "debug", renamed);
}

/** Starts a built service on a free port with the health token "tok"; returns its base URL. */
export async function serve(started: StartedProcess[], bin: string, env: Record<string, string>): Promise<string> {
  const p = await startProcess(bin, [], { env: { PORT: "{port}", FKS_HEALTH_TOKEN: "tok", ...env }, readyUrl: "http://127.0.0.1:{port}/live" });
  started.push(p);
  return `http://127.0.0.1:${p.port}`;
}

/** The report at `url` (with the token), polled until it answers `want`: /ready caches its report for a moment. */
export async function report(url: string, want: number, timeoutMs = 8000): Promise<{ status: number; body: Report }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpRequest(url, { headers: { Authorization: "Bearer tok" } });
    if (r.status === want || Date.now() > deadline) return { status: r.status, body: JSON.parse(r.body) as Report };
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** `url` with its sslmode query parameter set. */
export function withSslmode(url: string, mode: string): string {
  const u = new URL(url);
  u.searchParams.set("sslmode", mode);
  return u.toString();
}

/** The answer of a Postgres server to an SSLRequest: "S" (TLS follows), "N" (no TLS), or an error. */
export function sslAnswer(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = net.connect({ host: hostname, port: Number(port || 5432) });
    const done = (answer: string) => {
      sock.destroy();
      resolve(answer);
    };
    sock.setTimeout(3000, () => done("no answer"));
    sock.on("error", (e) => done(e.message));
    sock.on("connect", () => sock.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
    sock.on("data", (d) => done(String.fromCharCode(d[0]!)));
  });
}

/** The test PostgreSQL when it takes TLS connections (it answers "S" to an SSLRequest), else why the TLS tests skip. */
export async function tlsPostgres(): Promise<{ url: string; skip?: undefined } | { url?: undefined; skip: string }> {
  const pg = postgresAvailable();
  if (!pg.ok) return { skip: pg.reason! };
  const answer = await sslAnswer(pg.url!);
  if (answer === "S") return { url: pg.url! };
  return { skip: `PostgreSQL at ${new URL(pg.url!).host} does not offer TLS (answered ${JSON.stringify(answer)}): ${engineEnv().FKS_POSTGRES_TLS_UNAVAILABLE ?? "run scripts/env/setup.sh"}` };
}

/** Processes, servers and folders a test file starts or makes, stopped and removed after all its tests. */
export function cleanedUpAfterAll(): { started: StartedProcess[]; servers: net.Server[]; dirs: string[] } {
  const res = { started: [] as StartedProcess[], servers: [] as net.Server[], dirs: [] as string[] };
  afterAll(async () => {
    await Promise.all(res.started.map((p) => p.stop()));
    for (const s of res.servers) s.close();
    for (const d of res.dirs) removeTree(d);
  });
  return res;
}

/**
 * A stand-in for a Postgres server started with ssl = off (a mock: the shared test server has TLS on):
 * it answers an SSLRequest with "N", as such a server does, and says nothing more.
 */
export async function serverWithoutTls(servers: net.Server[]): Promise<number> {
  const server = net.createServer((sock) => {
    sock.once("data", () => sock.write("N"));
    sock.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  return (server.address() as net.AddressInfo).port;
}
