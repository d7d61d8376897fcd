import path from "node:path";
import { describe, expect, it } from "vitest";
import { fks, ROOT } from "../helpers.js";

const fixture = (name: string) => path.join(ROOT, "test/fixtures", name);

describe("every command names the same served app", () => {
  it("fks services: one entry line per service in the table, {chain, app, reason} in JSON", () => {
    const table = fks(["services", "."], { cwd: fixture("entry-script") });
    expect(table.code).toBe(0);
    const line = table.stdout.split("\n").find((l) => l.includes("entry:"))!;
    expect(line).toMatch(/^entry-script\s+entry: Dockerfile:14 ENTRYPOINT .* → entrypoint\.sh:9 exec uvicorn .* → fastapi_main\.py:2 .* → app\/__init__\.py:9 .* ⇒ app:app$/);
    const json = JSON.parse(fks(["services", ".", "--format", "json"], { cwd: fixture("entry-script") }).stdout) as { services: Array<{ entry: { chain: Array<{ file: string; line: number; text: string }>; app: string; reason: string } }> };
    const e = json.services[0]!.entry;
    expect(e.chain.map((c) => `${c.file}:${c.line}`)).toEqual(["Dockerfile:14", "entrypoint.sh:9", "fastapi_main.py:2", "app/__init__.py:9"]);
    expect(e.app).toBe("app:app");
    expect(e.reason).toContain("fastapi_main:app");
  });

  it("fks audit routes: the secondary app's routes are not served, with one note naming the served app", () => {
    const r = fks(["audit", "routes", ".", "--format", "json"], { cwd: fixture("entry-script") });
    const out = JSON.parse(r.stdout) as { routes: Array<{ path: string; served?: boolean; app?: string }>; diagnostics?: Array<{ rule: string; file?: string; line?: number; message: string }>; findings?: Array<{ rule: string; file?: string; message: string }> };
    const byPath = new Map(out.routes.map((x) => [x.path, x]));
    expect(byPath.get("/admin/reindex")!.served).toBe(false);
    expect(byPath.get("/orders/")!.served).toBeUndefined();
    const notes = [...(out.diagnostics ?? []), ...(out.findings ?? [])].filter((d) => d.rule === "routes/not-served");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.file).toBe("admin/main.py");
    expect(notes[0]!.message).toContain("app/__init__.py:9");
  });

  it("fks scaffold health --dry-run: the worker sharing the API's folder gets no endpoints and the Dockerfile one HEALTHCHECK", () => {
    const r = fks(["scaffold", "health", ".", "--dry-run"], { cwd: fixture("entry-compose") });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^\+\+\+ b\/backend\/Dockerfile/gm)).toHaveLength(1);
    expect(r.stdout).toMatch(/^\+\+\+ b\/backend\/app\/main\.py\s+include the health router .*app\.main:app/m);
    expect(r.stderr).toMatch(/worker .*no health endpoints, HEALTHCHECK or probes added: its start command runs `celery/);
    // The worker runs the API's image: the HEALTHCHECK it inherits is switched off for it.
    expect(r.stdout).toMatch(/^\+\s+disable: true$/m);
  });
});
