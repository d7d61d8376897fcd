import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTree, tempTree } from "../helpers.js";
import { fksAsync } from "./cli.js";
import * as srv from "./servers.js";

const servers: srv.Running[] = [];
let dir: string;

const fks = fksAsync;

beforeAll(async () => {
  const healthy = await srv.healthJson(200, { status: "pass" });
  const failing = await srv.healthJson(503, { status: "fail", checks: { "postgres:connection": [{ status: "fail", output: "timeout" }] } });
  const dead = await srv.blackhole();
  servers.push(healthy, failing, dead);
  dir = tempTree({
    "fks.yaml": [
      "version: 1",
      "ping:",
      "  timeout: 1000",
      "services:",
      "  api:",
      `    baseUrl: ${healthy.url}`,
      "  orders:",
      `    baseUrl: ${failing.url}`,
      "    ping:",
      "      endpoints: [health]",
      "  ledger:",
      `    baseUrl: ${dead.url}`,
      "",
    ].join("\n"),
  });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  removeTree(dir);
});

describe("fks ping (built CLI)", () => {
  it("--all --format junit exits 1 within its deadline and names each failure", async () => {
    const r = await fks(["ping", "--all", "--format", "junit", "--no-docker"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    // One deadline (1 s) for the blackhole, plus Node start-up and discovery of the temp folder.
    expect(r.ms).toBeLessThan(3000);
    // Python's XML parser is the oracle for "valid JUnit".
    const py = spawnSync("python3", ["-c", [
      "import sys, xml.etree.ElementTree as ET",
      "root = ET.fromstring(sys.stdin.read())",
      "assert root.tag == 'testsuites', root.tag",
      "for tc in root.iter('testcase'):",
      "    f = tc.find('failure')",
      "    print(tc.get('name'), '|', 'FAIL ' + f.get('type') if f is not None else 'ok')",
    ].join("\n")], { input: r.stdout, encoding: "utf8" });
    expect(py.stderr).toBe("");
    const lines = py.stdout.trim().split("\n").map((l) => l.replace(/ http:\/\/\S+/, "")).sort();
    expect(lines).toEqual([
      "api health | ok",
      "api live | ok",
      "api ready | ok",
      "ledger health | FAIL no-response",
      "ledger live | FAIL no-response",
      "ledger ready | FAIL no-response",
      "orders health | FAIL fail",
    ]);
  });

  it("exits 0 when the named services are healthy, with a table", async () => {
    const r = await fks(["ping", "api", "--no-docker"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^api\s+pass\s+pass\s+pass\s+\S+\s+healthy\s+closed$/m);
    expect(r.stdout).toMatch(/1 healthy, 0 degraded, 0 unhealthy/);
  });

  it("--format github annotates failing endpoints", async () => {
    const r = await fks(["ping", "orders", "--format", "github", "--no-docker"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=fks ping orders health::http:\/\/127\.0\.0\.1:\d+\/health fail: HTTP 503, health fail: postgres:connection fail \(timeout\)$/m);
  });

  it.each([
    [["ping", "nope"], /unknown service: nope — known services: api, ledger, orders/],
    [["ping", "api", "--timeout", "soon"], /--timeout must be a duration/],
    [["ping", "api", "--fail-on", "maybe"], /--fail-on must be warn or fail/],
    [["ping", "--url", "ftp://x/health"], /must be http or https/],
  ])("usage error %j exits 2 with one line", async (args, msg) => {
    const r = await fks([...args, "--no-docker"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe("");
  });

  it("a bad ping section in fks.yaml is a config error with its line", async () => {
    const bad = tempTree({ "fks.yaml": "version: 1\nping:\n  timeout: fast\n" });
    try {
      const r = await fks(["ping", "--all", "--no-docker"], bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/fks\.yaml:3 ping\.timeout: must be a number/);
    } finally {
      removeTree(bad);
    }
  });
});
