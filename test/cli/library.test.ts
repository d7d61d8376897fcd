import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

describe("the published library", () => {
  it("is importable by its package name and runs a command without printing", () => {
    // Self-reference through package.json "exports", as a user's `import { … } from "fks"` resolves it.
    const script = `
      const fks = await import("fks");
      const names = ["discover", "init", "auditRoutes", "scaffoldHealth", "splitPlan", "ping", "loadConfig"];
      const missing = names.filter((n) => typeof fks[n] !== "function");
      const found = await fks.discover({ cwd: process.cwd(), paths: ["examples/platform"] });
      const routes = await fks.auditRoutes({ cwd: process.cwd(), paths: ["examples/platform"] });
      process.stderr.write(JSON.stringify({ missing, services: found.services.map((s) => s.name), routes: routes.routes.length }));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    const out = JSON.parse(r.stderr) as { missing: string[]; services: string[]; routes: number };
    expect(out.missing).toEqual([]);
    expect(out.services).toEqual(["api", "data", "execution", "web"]);
    expect(out.routes).toBeGreaterThan(40);
  });
});
