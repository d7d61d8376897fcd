/**
 * `fks scaffold health --check` on probes that name their ports (test/fixtures/ping/named-ports):
 * a name the container declares is its port; a name it does not declare is an error at the
 * probe's `port:` line that says which ports the container has.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fks, removeTree, ROOT, tempTree } from "../helpers.js";

interface F { rule: string; service: string; file: string; line: number; message: string }
let manifest = "";
const dirs: string[] = [];

beforeAll(() => {
  manifest = readFileSync(path.join(ROOT, "test/fixtures/ping/named-ports/deploy.yaml"), "utf8")
    .replaceAll("{{APP}}", "8080")
    .replaceAll("{{MGMT}}", "9090")
    .replaceAll("{{BROKEN}}", "8081");
});
afterAll(() => dirs.forEach(removeTree));

function portFindings(text: string): F[] {
  const dir = tempTree({ "deploy.yaml": text });
  dirs.push(dir);
  const r = fks(["scaffold", "health", "--check", dir, "--format", "json"]);
  return (JSON.parse(r.stdout) as { findings: F[] }).findings.filter((f) => f.rule === "health/k8s-probe-port-not-exposed");
}

describe("scaffold --check: named probe ports", () => {
  it("a declared name (mgmt) is the container's port; an undeclared one (http) is an error at its port: line", () => {
    const found = portFindings(manifest);
    const lines = manifest.split("\n");
    const cart = lines.findIndex((l) => l.includes("name: cart"));
    const portLine = lines.findIndex((l, i) => i > cart && l.includes("port: http")) + 1;
    expect(found.map((f) => [f.service, f.line])).toEqual([["cart", portLine]]);
    expect(found[0]!.message).toBe('livenessProbe names port "http", which container "cart" does not declare (its ports: web (8081)): the kubelet fails this probe');
  });

  it("a port number written as a string counts as that number", () => {
    const text = manifest.replace("httpGet: {path: /readyz, port: mgmt}", 'httpGet: {path: /readyz, port: "9090"}');
    expect(text).not.toBe(manifest);
    expect(portFindings(text).map((f) => f.service)).toEqual(["cart"]);
    expect(portFindings(text.replace('port: "9090"', 'port: "9091"')).map((f) => [f.service, f.message])).toEqual([
      ["cart", expect.stringContaining('"http"')],
      ["shop", 'readinessProbe port 9091 is not a port of the container (its ports: http (8080), mgmt (9090))'],
    ]);
  });
});
