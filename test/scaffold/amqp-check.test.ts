/**
 * A service that depends on RabbitMQ gets an AMQP check in /ready: the protocol handshake against
 * the real broker setup.sh started, for FastAPI (uvicorn), Django (runserver) and axum (cargo
 * build). A server that accepts the connection but speaks another protocol fails it, which a bare
 * TCP connect would pass.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { httpRequest, pythonBin, rabbitmqAvailable, startProcess, type StartedProcess } from "../env/engines.js";
import { removeTree } from "../helpers.js";
import { buildExecution, run, runserver, uvicorn } from "../resilience/platform.js";
import { platformCopy } from "./platform.js";

const broker = rabbitmqAvailable();
const skip = !existsSync(pythonBin()) ? `no Python venv at ${pythonBin()} (run scripts/env/setup.sh)` : !broker.ok ? broker.reason : undefined;
if (skip) console.warn(`[skip] AMQP check against a real RabbitMQ: ${skip}`);
const cargo = spawnSync("cargo", ["--version"], { encoding: "utf8" }).status === 0;
if (!cargo) console.warn("[skip] AMQP check of execution (axum): cargo is not installed");

let dir = "";
let impostor: net.Server;
let impostorUrl = "";
const started: StartedProcess[] = [];

/** The platform's compose with a RabbitMQ the api, web and execution services use. */
function addQueue(root: string): void {
  const file = path.join(root, "docker-compose.yml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(["services", "queue"], doc.createNode({ image: "rabbitmq:3.13-management", ports: ["5672:5672"] }));
  for (const s of ["api", "web", "execution"]) {
    doc.setIn(["services", s, "environment", "AMQP_URL"], "amqp://guest:guest@queue:5672/");
    const deps = doc.getIn(["services", s, "depends_on"]) as { items?: unknown[] } | undefined;
    if (!deps) doc.setIn(["services", s, "depends_on"], doc.createNode(["queue"]));
    else if (doc.getIn(["services", s, "depends_on", 0]) !== undefined) doc.addIn(["services", s, "depends_on"], "queue");
    else doc.setIn(["services", s, "depends_on", "queue"], doc.createNode({ condition: "service_started" }));
  }
  writeFileSync(file, doc.toString());
}

beforeAll(async () => {
  if (skip) return;
  dir = platformCopy();
  addQueue(dir);
  run(["scaffold", "health", dir, "--force"]);
  // Accepts and answers like an HTTP server: a TCP check would pass it.
  impostor = net.createServer((sock) => {
    // The check closes as soon as it has read the first byte.
    sock.on("error", () => undefined);
    sock.once("data", () => sock.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
  });
  await new Promise<void>((res) => impostor.listen(0, "127.0.0.1", res));
  impostorUrl = `amqp://guest:guest@127.0.0.1:${(impostor.address() as net.AddressInfo).port}/`;
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  impostor?.close();
  if (dir) removeTree(dir);
});

type Checks = Record<string, Array<{ status: string; output?: string }>>;
async function rabbitCheck(port: number): Promise<{ status: number; check?: { status: string; output?: string } }> {
  const r = await httpRequest(`http://127.0.0.1:${port}/ready`, { timeoutMs: 10_000 });
  return { status: r.status, check: (JSON.parse(r.body) as { checks: Checks }).checks["rabbitmq:responseTime"]?.[0] };
}

const SERVICES = [
  { name: "api (FastAPI, uvicorn)", file: "api/app/health.py", start: (amqp: string) => uvicorn(dir, "api", { AMQP_URL: amqp }) },
  { name: "web (Django, runserver)", file: "web/webapp/health.py", start: (amqp: string) => runserver(dir, { AMQP_URL: amqp }) },
  {
    name: "execution (axum, cargo build)",
    file: "execution/src/health.rs",
    skip: !cargo,
    start: (amqp: string) => startProcess(bin(), [], { env: { PORT: "{port}", BIND_ADDR: "127.0.0.1", AMQP_URL: amqp, DATA_URL: "" }, readyUrl: "http://127.0.0.1:{port}/live", timeoutMs: 30_000 }),
  },
];
let built = "";
const bin = () => (built ||= buildExecution(dir, "execution-amqp"));

describe.skipIf(!!skip).each(SERVICES.filter((s) => !s.skip))("$name depends on RabbitMQ", (svc) => {
  it("its /ready has a critical AMQP check that passes on the real broker and fails on a server that is not one", async () => {
    expect(readFileSync(path.join(dir, svc.file), "utf8")).toContain("rabbitmq:responseTime");
    const good = await svc.start(broker.url!);
    started.push(good);
    const up = await rabbitCheck(good.port);
    expect(up.check, JSON.stringify(up)).toMatchObject({ status: "pass" });
    await good.stop();

    const bad = await svc.start(impostorUrl);
    started.push(bad);
    const down = await rabbitCheck(bad.port);
    expect(down.check?.status, JSON.stringify(down)).toBe("fail");
    expect(down.status).toBe(503);
    // The URL (and its password) never reaches the report.
    expect(JSON.stringify(down.check)).not.toMatch(/guest|amqp:\/\//);
    await bad.stop();
  }, 600_000);
});
