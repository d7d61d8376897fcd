/**
 * A real little platform for chaos tests: FastAPI services under uvicorn from the project venv,
 * each in its own container on the real Docker engine (read-only bind mounts, --network host),
 * and a real Toxiproxy proxy between the caller and data.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { PLATFORM, ROOT, fks, removeTree, tempTree } from "../helpers.js";
import { cacheDir, dockerAvailable, engineEnv, freePort, pythonBin } from "../env/engines.js";

export const APPS = path.join(ROOT, "test/fixtures/chaos/apps");

export interface Engines {
  dockerHost?: string;
  toxiproxy?: string;
  python?: string;
  reason?: string;
}

/** The engines chaos tests need, or why they are missing. */
export function chaosEngines(): Engines {
  const d = dockerAvailable();
  if (!d.ok) return { reason: `Docker engine unavailable: ${d.reason}` };
  let python: string;
  try {
    python = pythonBin();
  } catch (e) {
    return { reason: (e as Error).message };
  }
  const env = engineEnv();
  let toxiproxy = process.env.FKS_TOXIPROXY_URL || env.FKS_TOXIPROXY_URL;
  const portFile = path.join(cacheDir(), "toxiproxy", "port");
  if (!toxiproxy && existsSync(portFile)) toxiproxy = `http://127.0.0.1:${readFileSync(portFile, "utf8").trim()}`;
  if (!toxiproxy) return { reason: `Toxiproxy unavailable: ${env.FKS_TOXIPROXY_UNAVAILABLE ?? "not set up (run bash scripts/env/setup.sh)"}` };
  const ok = spawnSync("curl", ["-fsS", "-m", "3", `${toxiproxy}/version`], { encoding: "utf8" });
  if (ok.status !== 0) return { reason: `Toxiproxy at ${toxiproxy} does not answer: ${ok.stderr.trim()}` };
  return { dockerHost: process.env.DOCKER_HOST ?? env.DOCKER_HOST, toxiproxy, python };
}

export function docker(host: string, ...args: string[]) {
  return spawnSync("docker", ["-H", host, ...args], { encoding: "utf8", timeout: 60_000 });
}

export interface Platform {
  dir: string;
  tag: string;
  ports: { data: number; api: number; proxy: number };
  containers: { data: string; api: string };
  proxy: string;
  close(): Promise<void>;
}

/** Starts data and a caller (graceful or fragile) as containers; writes fks.yaml into a temp folder. */
export async function startPlatform(e: Engines, caller: "graceful" | "fragile", extra: Record<string, string> = {}): Promise<Platform> {
  const tag = `${caller}${process.pid}${Math.floor(Math.random() * 1e4)}`;
  const ports = { data: await freePort(), api: await freePort(), proxy: await freePort() };
  const containers = { data: `fks-chaos-${tag}-data`, api: `fks-chaos-${tag}-api` };
  const proxy = `fks-${tag}-api-data`;
  const venv = path.dirname(path.dirname(e.python!));
  const pyHome = path.dirname(path.dirname(realpathSync(e.python!)));
  const mounts = ["/usr", "/lib", "/lib64", "/etc/ssl", pyHome, venv, APPS].filter((m, i, a) => existsSync(m) && a.indexOf(m) === i).flatMap((m) => ["-v", `${m}:${m}:ro`]);
  const run = (name: string, module: string, port: number, env: string[]) => {
    const r = docker(e.dockerHost!, "run", "-d", "--name", name, "--network", "host", ...mounts, "-w", APPS, ...env, "--label", `fks.port=${port}`,
      "fks-test/busybox:1", e.python!, "-m", "uvicorn", `${module}:app`, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning");
    if (r.status !== 0) throw new Error(`docker run ${name}: ${r.stderr}`);
  };
  run(containers.data, "data", ports.data, []);
  run(containers.api, caller, ports.api, ["-e", `DATA_URL=http://127.0.0.1:${ports.proxy}`]);
  const dir = tempTree({
    "fks.yaml": [
      "version: 1",
      "services:",
      `  data: { baseUrl: "http://127.0.0.1:${ports.data}" }`,
      `  api: { baseUrl: "http://127.0.0.1:${ports.api}", dependsOn: [data] }`,
      "chaos:",
      `  allow: ["${e.dockerHost}"]`,
      `  toxiproxy: ${e.toxiproxy}`,
      "  recovery: 20s",
      `  targets: { data: { container: ${containers.data} }, api: { container: ${containers.api} } }`,
      `  edges: [{ name: ${proxy}, from: api, to: data, listen: "127.0.0.1:${ports.proxy}" }]`,
      "",
    ].join("\n"),
    ...extra,
  });
  const up = async (port: number, name: string) => {
    for (let i = 0; i < 200; i++) {
      if (await fetch(`http://127.0.0.1:${port}/live`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status < 600, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} did not answer within 20 s: ${docker(e.dockerHost!, "logs", name).stderr.slice(-1500)}`);
  };
  await up(ports.data, containers.data);
  await up(ports.api, containers.api);
  return {
    dir,
    tag,
    ports,
    containers,
    proxy,
    close: () => teardown(e, [containers.data, containers.api], proxy, dir),
  };
}

/** Removes a chaos test's containers, its Toxiproxy proxy and its folder. */
export async function teardown(e: Engines, containers: string[], proxy: string, dir: string | undefined): Promise<void> {
  docker(e.dockerHost!, "rm", "-f", ...containers);
  await fetch(`${e.toxiproxy}/proxies/${proxy}`, { method: "DELETE" }).catch(() => undefined);
  if (dir) removeTree(dir);
}

/** State of the containers and the toxics on the proxy, to check that nothing is left faulted. */
export async function faultState(e: Engines, p: Platform): Promise<{ states: string[]; toxics: string[]; enabled?: boolean }> {
  const states = [p.containers.data, p.containers.api].map((c) => docker(e.dockerHost!, "inspect", "-f", "{{.State.Status}}", c).stdout.trim());
  const r = await fetch(`${e.toxiproxy}/proxies/${p.proxy}`).then((x) => (x.ok ? x.json() : undefined), () => undefined) as { toxics: Array<{ name: string }>; enabled: boolean } | undefined;
  return { states, toxics: (r?.toxics ?? []).map((t) => t.name), enabled: r?.enabled };
}

/** A copy of the example platform without build output, after the given fks commands ran in it. */
export function examplePlatformCopy(steps: string[][]): string {
  const dir = tempTree({});
  cpSync(PLATFORM, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}target`) });
  for (const s of steps) {
    const r = fks(s, { cwd: dir });
    if (r.code === null || r.code >= 2) throw new Error(`fks ${s.join(" ")} failed (${r.code}): ${r.stderr}`);
  }
  return dir;
}

/** Runs one FastAPI service of an example platform copy as a container: uvicorn from the venv, host network, read-only mounts. */
export function runExampleService(e: Engines, dir: string, container: string, service: string, port: number, env: string[]): void {
  const py = e.python!;
  const mounts = ["/usr", "/lib", "/lib64", path.dirname(path.dirname(realpathSync(py))), path.dirname(path.dirname(py)), dir].filter(existsSync).flatMap((m) => ["-v", `${m}:${m}:ro`]);
  const r = docker(e.dockerHost!, "run", "-d", "--name", container, "--network", "host", ...mounts, "-w", path.join(dir, service), ...env.flatMap((x) => ["-e", x]),
    "fks-test/busybox:1", py, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning");
  if (r.status !== 0) throw new Error(`docker run ${container}: ${r.stderr}`);
}
