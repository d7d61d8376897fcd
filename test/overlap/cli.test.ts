import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";
import { platformFiles, writeTree } from "./fixture.js";

/** `fks audit overlap` as users run it: the built CLI. */
const tmp = mkdtempSync(path.join(os.tmpdir(), "fks-overlap-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const platform = path.join(tmp, "platform");
writeTree(platform, platformFiles());

function fks(args: string[], cwd = platform) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "fks.js"), "audit", "overlap", ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("fks audit overlap", () => {
  it("prints the copied folders and the routes served twice, exit 1", () => {
    const r = fks([]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^framework\/ copied in billing, orders, users/m);
    expect(r.out).toMatch(/settings\.py\s+similar \d+%/);
    expect(r.out).toMatch(/GET\s+\/api\/v1\/customers\/\{customer_id\}\s+billing .*orders/);
  });

  it("writes JSON with the copies, their drift and the routes", () => {
    const r = fks(["--format", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { copies: Array<{ name: string; files: Array<{ name: string; drift: unknown[] }> }>; routes: unknown[]; findings: Array<{ rule: string }> };
    expect(j.copies.find((c) => c.name === "framework")!.files.find((f) => f.name === "settings.py")!.drift).toHaveLength(1);
    expect(j.routes).toHaveLength(1);
    expect(new Set(j.findings.map((f) => f.rule))).toEqual(new Set(["overlap/copied-module", "overlap/copy-drift", "overlap/route-served-twice"]));
  });

  it("writes SARIF through the shared writer, one result per finding with its file and line", () => {
    const j = JSON.parse(fks(["--format", "sarif"]).out) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    const results = j.runs[0]!.results;
    const json = JSON.parse(fks(["--format", "json"]).out) as { findings: unknown[] };
    expect(results).toHaveLength(json.findings.length);
    const route = results.find((x) => x.ruleId === "overlap/route-served-twice")!;
    expect(route.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/services\/(billing|orders)\/app\/api\.py$/);
  });

  it("--no-routes compares the source files only", () => {
    const r = fks(["--no-routes", "--format", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { copies: unknown[]; routes: unknown[]; stats: { routes: number } };
    expect(j.routes).toEqual([]);
    expect(j.stats.routes).toBe(0);
    expect(j.copies.length).toBeGreaterThan(0);
  });

  it("writes a markdown report", () => {
    const r = fks(["--format", "markdown"]);
    expect(r.out).toContain("## Copied modules");
    expect(r.out).toMatch(/### `framework\/` in billing/);
    expect(r.out).toContain("## Routes served by more than one service");
  });

  it("exits 0 when nothing is copied or served twice", () => {
    const dir = path.join(tmp, "clean");
    writeTree(dir, {
      "a/requirements.txt": "fastapi\n",
      "a/app/main.py": `from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/orders")\ndef orders():\n    return []\n\n\n@app.get("/health")\ndef health():\n    return {}\n`,
      "b/requirements.txt": "fastapi\n",
      "b/app/main.py": `from fastapi import FastAPI\nimport os\n\napplication = FastAPI(title=os.environ.get("TITLE", "billing"))\n\n\n@application.post("/invoices/{invoice_id}/pay")\nasync def pay(invoice_id: int, amount: float):\n    return {"paid": amount, "invoice": invoice_id}\n\n\n@application.get("/health")\nasync def health():\n    return {"status": "pass"}\n`,
    });
    const r = fks([], dir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("no modules copied between services");
  });

  it.each([
    [["no-such-dir"], /path not found or not a folder: no-such-dir/],
    [["--threshold", "1.5"], /--threshold must be a number above 0 and at most 1/],
    [["--threshold", "abc"], /--threshold must be/],
    [["--min-lines", "0"], /--min-lines must be a whole number/],
    [["--format", "openapi"], /unknown format "openapi"/],
  ])("bad input %j: one line, exit 2, nothing on stdout", (args, message) => {
    const before = readdirSync(platform).sort();
    const r = fks(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(readdirSync(platform).sort()).toEqual(before);
  });

  it("exits 2 when the folder holds no source file", () => {
    const dir = path.join(tmp, "empty");
    writeTree(dir, { "README.md": "# nothing here\n" });
    const r = fks([], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no Python, Rust or JavaScript\/TypeScript files found/);
  });
});
