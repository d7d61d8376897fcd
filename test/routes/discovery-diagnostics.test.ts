import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fks, removeTree } from "../helpers.js";

/**
 * `audit routes` and `scaffold health --check` say what discovery could not read, one line each
 * with file:line, as `fks services` does: on stderr for the table, under `diagnostics` in JSON.
 */
let root = "";
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "fks-diag-"));
  const files: Record<string, string> = {
    "api/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/orders")\ndef orders():\n    return []\n',
    "api/requirements.txt": "fastapi\n",
    // Malformed compose: an unclosed flow sequence on line 4.
    "docker-compose.yml": "services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"\n",
    // Malformed Kubernetes manifest: a bad indentation on line 5.
    "k8s/api.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n spec: {}\n  bad: [\n",
    // A generated file bigger than fks reads.
    "api/static/bundle.yaml": "x: " + "a".repeat(2 * 1024 * 1024) + "\n",
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
});
afterAll(() => removeTree(root));

type Diag = { rule: string; file?: string; line?: number; message: string };

function expectDiagnostics(ds: Diag[]): void {
  const files = ds.map((d) => d.file);
  expect(files).toContain("docker-compose.yml");
  expect(files).toContain(path.join("k8s", "api.yaml"));
  expect(files).toContain(path.join("api", "static", "bundle.yaml"));
  for (const d of ds) expect(d.line, JSON.stringify(d)).toBeGreaterThan(0);
}

/** `severity: file:line message` lines of stderr. */
function stderrLines(stderr: string): Diag[] {
  return stderr
    .split("\n")
    .map((l) => /^(error|warning|note): (\S+?):(\d+) (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ rule: m[1]!, file: m[2]!, line: Number(m[3]), message: m[4]! }));
}

describe("discovery diagnostics outside fks services", () => {
  it("fks services lists them (the reference)", () => {
    const r = fks(["services", ".", "--format", "json"], { cwd: root });
    expectDiagnostics((JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics);
  });

  it("audit routes: one stderr line each for the table, `diagnostics` in JSON, and the routes still listed", () => {
    const table = fks(["audit", "routes", "."], { cwd: root });
    expect(table.stdout).toContain("/orders");
    expectDiagnostics(stderrLines(table.stderr));
    expect(table.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const json = fks(["audit", "routes", ".", "--format", "json"], { cwd: root });
    const doc = JSON.parse(json.stdout) as { diagnostics: Diag[]; routes: Array<{ path: string }> };
    expectDiagnostics(doc.diagnostics);
    expect(doc.routes.map((r) => r.path)).toContain("/orders");
    expect(stderrLines(json.stderr)).toEqual([]);
  });

  it("scaffold health --check: one stderr line each for the table, `diagnostics` in JSON", () => {
    const table = fks(["scaffold", "health", "--check", "."], { cwd: root });
    expectDiagnostics(stderrLines(table.stderr));
    const json = fks(["scaffold", "health", "--check", ".", "--format", "json"], { cwd: root });
    expectDiagnostics((JSON.parse(json.stdout) as { diagnostics: Diag[] }).diagnostics);
  });
});
