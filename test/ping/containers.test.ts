/**
 * fks ping --all finds running containers on a real Docker engine. The engine here runs every
 * container with --network host, so nothing is "published": the address must come from the
 * fks.port label, the HEALTHCHECK's URL or the image's single EXPOSE.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTree, tempTree } from "../helpers.js";
import { byName, endpointsOf, fksAsync, type JsonResult } from "./cli.js";
import { dockerHost } from "./engines.js";
import { httpServer, refusedPort, type Running } from "./servers.js";

const engine = dockerHost();
if (!engine.host) console.warn(`skipping container target tests: ${engine.reason}`);
const docker = (...args: string[]) => spawnSync("docker", ["-H", engine.host!, ...args], { encoding: "utf8", timeout: 60_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tag = `p${process.pid}`;
const NAMES = { hc: `fks-ping-hc-${tag}`, label: `fks-ping-label-${tag}`, exposed: `fks-ping-exposed-${tag}`, bare: `fks-ping-bare-${tag}`, infra: `fks-ping-infra-${tag}` };
const IMAGES = { exposed: `fks-test/ping-exposed:${tag}`, infra: `fks-test/redis:${tag}` };
const ports: Record<string, number> = {};
let fakeRedis: Running;
const redisHits: string[] = [];
let dir: string;

/** busybox httpd on the host network serving /www/<file> = "ok". */
function httpd(port: number, file: string): string[] {
  return ["sh", "-c", `mkdir -p /www && echo ok > /www/${file} && exec httpd -f -p ${port} -h /www`];
}

describe.skipIf(!engine.host)("fks ping --all with running host-network containers (real engine)", () => {
  beforeAll(async () => {
    for (const k of ["hc", "label", "exposed", "bare"]) ports[k] = await refusedPort();
    fakeRedis = await httpServer((req, res) => (redisHits.push(req.url ?? ""), res.writeHead(200).end("ok")));
    const run = (...args: string[]) => {
      const r = docker("run", "-d", "--network", "host", ...args);
      expect(r.status, r.stderr).toBe(0);
    };
    run("--name", NAMES.hc, "--health-cmd", `wget -q -O- http://localhost:${ports.hc}/status`, "--health-interval", "1s", "fks-test/busybox:1", ...httpd(ports.hc!, "status"));
    run("--name", NAMES.label, "--label", `fks.port=${ports.label}`, "fks-test/busybox:1", ...httpd(ports.label!, "health"));
    run("--name", NAMES.bare, "fks-test/busybox:1", ...httpd(ports.bare!, "health"));
    // An image whose only clue is EXPOSE, built from the test base image (metadata only, no registry).
    const ctx = tempTree({ Dockerfile: `FROM fks-test/busybox:1\nEXPOSE ${ports.exposed}\n` });
    try {
      const b = docker("build", "-q", "-t", IMAGES.exposed, ctx);
      expect(b.status, b.stderr).toBe(0);
    } finally {
      removeTree(ctx);
    }
    run("--name", NAMES.exposed, IMAGES.exposed, ...httpd(ports.exposed!, "ready"));
    // Infrastructure by image name, labelled at a real HTTP server: if fks probed it, the server would see it.
    expect(docker("tag", "fks-test/busybox:1", IMAGES.infra).status).toBe(0);
    run("--name", NAMES.infra, "--label", `fks.port=${fakeRedis.port}`, IMAGES.infra, "sleep", "600");
    dir = tempTree({ "README.md": "nothing to discover here\n" });
    // httpd binds within milliseconds; wait until all three answer so the test judges fks, not start-up.
    for (const [k, file] of [["hc", "status"], ["label", "health"], ["exposed", "ready"]] as const) {
      let ok = false;
      for (let i = 0; i < 150 && !ok; i++) {
        ok = await fetch(`http://127.0.0.1:${ports[k]}/${file}`).then((r) => r.ok, () => false);
        if (!ok) await sleep(100);
      }
      expect(ok, `busybox httpd in ${NAMES[k]} did not answer within 15 s: ${docker("logs", NAMES[k]).stderr}`).toBe(true);
    }
  });
  afterAll(async () => {
    docker("rm", "-f", ...Object.values(NAMES));
    docker("rmi", "-f", ...Object.values(IMAGES));
    await fakeRedis?.close();
    if (dir) removeTree(dir);
  });

  it("finds each container's address by label, HEALTHCHECK URL or EXPOSE, and skips infrastructure", async () => {
    const r = await fksAsync(["ping", "--all", "--format", "json", "--timeout", "1000", "--retries", "0"], dir, { DOCKER_HOST: engine.host });
    expect(r.stderr).toBe("");
    // Other containers on a shared engine may appear too; judge only ours.
    const out = JSON.parse(r.stdout) as JsonResult;
    const s = byName(out);
    const seen = `services ${out.services.map((x) => `${x.service} ${x.baseUrl} ${x.status}`).join(", ")}; notes ${out.notes.join("; ")}`;

    expect(s[NAMES.hc], seen).toMatchObject({ baseUrl: `http://127.0.0.1:${ports.hc}`, origin: `container ${NAMES.hc} (HEALTHCHECK)`, status: "healthy" });
    const hc = endpointsOf(s[NAMES.hc]!);
    expect(hc.health).toMatchObject({ url: `http://127.0.0.1:${ports.hc}/status`, status: "pass" });
    expect(hc.live!.status).toBe("missing");
    expect(s[NAMES.hc]!.docker).toMatchObject({ container: NAMES.hc, state: "running" });

    expect(s[NAMES.label], seen).toMatchObject({ baseUrl: `http://127.0.0.1:${ports.label}`, origin: `container ${NAMES.label} (label fks.port)`, status: "healthy" });
    expect(endpointsOf(s[NAMES.label]!).health!.status).toBe("pass");

    expect(s[NAMES.exposed], seen).toMatchObject({ baseUrl: `http://127.0.0.1:${ports.exposed}`, origin: `container ${NAMES.exposed} (EXPOSE)`, status: "healthy" });
    expect(endpointsOf(s[NAMES.exposed]!).ready!.status).toBe("pass");

    // No clue where it listens: not guessed at, but named in a note with the fix.
    expect(s[NAMES.bare]).toBeUndefined();
    expect(out.notes).toContain(`${NAMES.bare}: container not probed (host network, no HEALTHCHECK URL or single EXPOSE) — label it fks.port=<port> or fks.url=<url>`);

    expect(s[NAMES.infra]).toBeUndefined();
    expect(redisHits).toEqual([]);
  });

  it("a container fks.yaml names without a URL is probed at the container's address", async () => {
    const cfg = tempTree({ "fks.yaml": `version: 1\nservices:\n  edge:\n    ping:\n      container: ${NAMES.hc}\n` });
    try {
      const r = await fksAsync(["ping", "edge", "--format", "json", "--timeout", "1000"], cfg, { DOCKER_HOST: engine.host });
      const out = JSON.parse(r.stdout) as JsonResult;
      expect(out.services[0]).toMatchObject({ service: "edge", baseUrl: `http://127.0.0.1:${ports.hc}`, status: "healthy" });
      expect(r.code).toBe(0);
    } finally {
      removeTree(cfg);
    }
  });
});
