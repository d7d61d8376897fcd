import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM, ROOT } from "../helpers.js";
import { plantMonolith } from "../split/helpers.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "fks-split-pipe-"));
  plantMonolith(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs fks with a reader that has gone before fks writes, like `| head -1` on a long report. */
function readerGone(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/fks.js"), ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.destroy();
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("fks … | head", () => {
  it("split-plan ends quietly when the reader stops early: no EPIPE stack trace, the usual exit code", async () => {
    const r = await readerGone(["split-plan", dir, "--format", "json", "--no-cache"]);
    expect(r.stderr).not.toMatch(/EPIPE|at .*node:internal/);
    expect(r.code).toBe(0);
  });

  it("scaffold health --dry-run too, with its findings still on stderr", async () => {
    const r = await readerGone(["scaffold", "health", "--dry-run", path.join(ROOT, "test/fixtures/scaffold/django-unwired")]);
    expect(r.stderr).not.toMatch(/EPIPE|at .*node:internal/);
    expect(r.stderr).toContain("health/endpoints-missing");
  });

  it.each([
    [["services", PLATFORM], 0],
    [["init", PLATFORM, "--dry-run"], 0],
    [["audit", "routes", PLATFORM, "--format", "json"], 1],
    [["scaffold", "health", "--check", PLATFORM], 1],
  ])("%j keeps its exit code %i and prints no stack trace", async (args, code) => {
    const r = await readerGone(args as string[]);
    expect(r.stderr).not.toMatch(/EPIPE|at .*node:internal|internal error/);
    expect(r.code).toBe(code);
  });
});
