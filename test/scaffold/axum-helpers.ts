/**
 * Shared by the axum-*.test.ts files: copy a fixture, scaffold it with fks, build a crate of it with
 * cargo into the shared target folder, run it and read its health reports.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cargoTarget, httpRequest, startProcess, type StartedProcess } from "../env/engines.js";
import { fks } from "../helpers.js";

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
