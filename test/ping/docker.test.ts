import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, removeTree, tempTree } from "../helpers.js";
import { dockerHost } from "./engines.js";
import { refusedPort } from "./servers.js";

const engine = dockerHost();
if (!engine.host) console.warn(`skipping Docker health tests: ${engine.reason}`);
const NAME = `fks-ping-test-${process.pid}`;
const docker = (...args: string[]) => spawnSync("docker", ["-H", engine.host!, ...args], { encoding: "utf8", timeout: 60_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let port: number;
let dir: string;

describe.skipIf(!engine.host)("Docker health beside the HTTP result (real engine)", () => {
  beforeAll(async () => {
    port = await refusedPort();
    docker("rm", "-f", NAME);
    const run = docker(
      "run", "-d", "--name", NAME, "--network", "host",
      "--health-cmd", `wget -q -O- http://127.0.0.1:${port}/health`, "--health-interval", "1s", "--health-timeout", "1s", "--health-retries", "1",
      "fks-test/busybox:1", "sh", "-c", `mkdir -p /tmp/w && echo ok > /tmp/w/health && exec httpd -f -p ${port} -h /tmp/w`,
    );
    expect(run.status, run.stderr).toBe(0);
    for (let i = 0; i < 60; i++) {
      if (docker("inspect", "-f", "{{.State.Health.Status}}", NAME).stdout.trim() === "healthy") break;
      await sleep(500);
    }
    dir = tempTree({
      "fks.yaml": `version: 1\nservices:\n  web:\n    baseUrl: http://127.0.0.1:${port}\n    ping:\n      endpoints: [health]\n      container: ${NAME}\n`,
    });
  });
  afterAll(() => {
    docker("rm", "-f", NAME);
    if (dir) removeTree(dir);
  });

  it("a container stopped mid-run shows up unhealthy with Docker's state beside it", async () => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/fks.js"), "ping", "web", "--watch", "1", "--format", "json", "--timeout", "800", "--retries", "0"], {
      cwd: dir,
      env: { ...process.env, DOCKER_HOST: engine.host!, CI: "1" },
    });
    let buf = "";
    const rounds: Array<{ services: Array<{ status: string; endpoints: Array<{ status: string }>; docker?: { state: string; health: string } }> }> = [];
    child.stdout.on("data", (c) => {
      buf += c;
      let i: number;
      while ((i = buf.indexOf("\n}\n")) >= 0) {
        rounds.push(JSON.parse(buf.slice(0, i + 2)));
        buf = buf.slice(i + 3);
      }
    });
    try {
      const until = async (pred: () => boolean, ms: number) => {
        for (const t0 = Date.now(); !pred() && Date.now() - t0 < ms; ) await sleep(100);
        return pred();
      };
      expect(await until(() => rounds.length >= 1, 15_000)).toBe(true);
      const first = rounds[0]!.services[0]!;
      expect(first.status).toBe("healthy");
      expect(first.docker).toMatchObject({ state: "running", health: "healthy" });
      const stop = docker("stop", "-t", "1", NAME);
      expect(stop.status, stop.stderr).toBe(0);
      const seen = await until(() => rounds.some((r) => r.services[0]!.status === "unhealthy"), 15_000);
      expect(seen).toBe(true);
      const after = rounds.find((r) => r.services[0]!.status === "unhealthy")!.services[0]!;
      expect(after.endpoints[0]!.status).toBe("refused");
      expect(after.docker!.state).toBe("exited");
    } finally {
      child.kill("SIGINT");
      await new Promise((r) => child.once("close", r));
    }
  });
});
