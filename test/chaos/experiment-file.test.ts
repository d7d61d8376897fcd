/** Bad experiment files are refused with file:line, exit 2 and nothing applied; safety refusals too. */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fks, removeTree, tempTree } from "../helpers.js";

const FKS_YAML = `version: 1
services:
  data: { baseUrl: "http://127.0.0.1:9" }
  api: { baseUrl: "http://127.0.0.1:9", dependsOn: [data] }
chaos:
  allow: ["unix:///nowhere/docker.sock"]
  targets: { data: { container: not-running-data } }
  edges: [{ from: api, to: data, listen: "127.0.0.1:19" }]
  experiments:
    short:
      faults: [{ service: data, action: stop, duration: 2s }]
`;

const BAD = `name: bad
faults:
  - service: data
    action: stop
    duration: 5s
  - service: pricing
    action: pause
    duration: 5s
  - service: data
    action: stop
    duration: -5s
  - service: data
    toxic: latnecy
    duration: 5s
`;

let dir: string;
beforeAll(() => {
  dir = tempTree({
    "fks.yaml": FKS_YAML,
    "bad.yaml": BAD,
    "latency.yaml": "faults:\n  - { service: data, toxic: latency, duration: 2s }\n",
    "ok.yaml": "faults:\n  - { service: data, action: stop, duration: 2s }\n  - { service: data, from: api, toxic: timeout, timeout: 0, duration: 1s }\n",
    "long.yaml": "faults:\n  - { service: data, action: stop, duration: 20m }\n",
  });
});
afterAll(() => removeTree(dir));
const env = { DOCKER_HOST: "unix:///nowhere/docker.sock" };

describe("fks chaos run with a bad experiment file", () => {
  it("names each problem at its file:line, exits 2 and applies nothing", () => {
    const r = fks(["chaos", "run", "bad.yaml", "--yes"], { cwd: dir, env });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toContain('error: bad.yaml:6 faults.1.service: unknown service "pricing" — use one of: api, data');
    expect(lines).toContain('error: bad.yaml:11 faults.2.duration: must be positive (got "-5s") — fix it and run again');
    expect(lines.some((l) => /^error: bad\.yaml:13 faults\.3\.toxic: must be one of "latency", "timeout", "bandwidth", "reset_peer", "slicer", "down" \(got "latnecy"\)/.test(l)), r.stderr).toBe(true);
    expect(r.stdout).toBe("");
    expect(existsSync(path.join(dir, ".fks"))).toBe(false);
  });

  it("a toxic without its setting is refused at the fault's line", () => {
    const r = fks(["chaos", "run", "latency.yaml", "--yes"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: latency.yaml:2 faults.0: a latency toxic needs latency — e.g. latency: 2s (and jitter: 200ms)");
  });

  it("--dry-run prints the plan and touches nothing", () => {
    const r = fks(["chaos", "run", "ok.yaml", "--dry-run"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("1. stop-data: stop container not-running-data for 2s");
    expect(r.stdout).toContain("2. blackhole-api-data: blackhole on api-data for 1s");
    expect(r.stdout).toContain("dry run: nothing was applied");
    expect(existsSync(path.join(dir, ".fks"))).toBe(false);
  });

  it("an experiment from fks.yaml runs by name; a missing one says which exist", () => {
    expect(fks(["chaos", "run", "short", "--dry-run"], { cwd: dir, env }).stdout).toContain("experiment short (sequence, 1 fault");
    const r = fks(["chaos", "run", "nope", "--dry-run"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("run one of: short");
  });

  it("refuses a Docker host not in chaos.allow, and a run longer than chaos.maxDuration", () => {
    const r = fks(["chaos", "run", "ok.yaml", "--yes"], { cwd: dir, env: { DOCKER_HOST: "tcp://prod.example:2376" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to inject faults on Docker host tcp://prod.example:2376: it is not listed in chaos.allow");
    const long = fks(["chaos", "run", "long.yaml", "--dry-run"], { cwd: dir, env });
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/more than chaos\.maxDuration 600 s/);
  });

  it("refuses to apply faults without --yes on a non-interactive terminal", () => {
    const r = fks(["chaos", "run", "ok.yaml"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to apply faults without confirmation");
    expect(r.stderr).toContain("1. stop-data");
    expect(existsSync(path.join(dir, ".fks"))).toBe(false);
  });

  it("--routes adds traffic to the GET routes without parameters that the route catalog finds", () => {
    const d = tempTree({
      "fks.yaml": "version: 1\nservices:\n  data: { baseUrl: \"http://127.0.0.1:9\" }\n  api: { path: api, framework: fastapi, baseUrl: \"http://127.0.0.1:9\" }\nchaos: { allow: [\"unix:///nowhere/docker.sock\"], targets: { data: { container: c } } }\n",
      "api/main.py": "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/quotes')\ndef quotes(): ...\n\n@app.get('/quotes/{sym}')\ndef quote(sym: str): ...\n\n@app.post('/orders')\ndef order(): ...\n\n@app.get('/live')\ndef live(): ...\n",
      "x.yaml": "faults:\n  - { service: data, action: stop, duration: 1s }\n",
    });
    try {
      const r = fks(["chaos", "run", "x.yaml", "--routes", "--dry-run"], { cwd: d, env });
      expect(r.code, r.stderr).toBe(0);
      const traffic = r.stdout.split("\n").filter((l) => l.startsWith("traffic:"));
      expect(traffic).toEqual(["traffic: GET api /quotes at 2/s, within 1500 ms, error budget 5% (from fks audit routes)"]);
    } finally {
      removeTree(d);
    }
  });
});
