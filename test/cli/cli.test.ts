import { readFileSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fks, tempTree } from "../helpers.js";
import { buildProgram, requestedCommand } from "../../src/cli.js";

describe("fks CLI", () => {
  it("prints its version from package.json", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { version: string };
    const r = fks(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("loads only the command named on the command line, skipping global options and their values", async () => {
    expect(requestedCommand(["node", "fks", "-f", "json", "--cwd", "audit", "split-plan", "x"])).toBe("split-plan");
    expect(requestedCommand(["node", "fks", "--no-color", "ping", "--all"])).toBe("ping");
    expect(requestedCommand(["node", "fks", "--help"])).toBeUndefined();
    expect(requestedCommand(["node", "fks", "help", "ping"])).toBeUndefined();
    expect((await buildProgram("ping")).commands.map((c) => c.name())).toEqual(["ping"]);
    // A misspelt command still gets a suggestion: every command is loaded to find it.
    const r = fks(["split-plna"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/split-plan/);
  });

  it("lists every registered command in --help, and each command's help has an example", async () => {
    const r = fks(["--help"]);
    expect(r.code).toBe(0);
    const names = (await buildProgram()).commands.map((c) => c.name());
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const n of names) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${n}\\b`, "m"));
      const sub = fks([...n.split(" "), "--help"]);
      expect(sub.code, n).toBe(0);
      expect(sub.stdout, `${n} --help has examples`).toMatch(/Examples?:\n\s+fks /);
    }
  });

  it("fails with one line and exit 2 on a bad fks.yaml, listing every problem", () => {
    const dir = tempTree({ "fks.yaml": "services:\n  api:\n    port: 0\n    colour: blue\n" });
    const r = fks(["services", "."], { cwd: dir });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toContain("error: fks.yaml:3 services.api.port: Too small: expected number to be >=1 — fix it or run fks init to regenerate");
    expect(lines.some((l) => l.startsWith("error: fks.yaml:4 services.api.colour: unknown setting"))).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects an unknown format and a missing path with exit 2 and a hint", () => {
    const dir = tempTree({ "svc/requirements.txt": "fastapi\n" });
    const f = fks(["services", ".", "--format", "xml"], { cwd: dir });
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^error: unknown format "xml" — use one of: table, json\n$/);
    const p = fks(["services", "does/not/exist"], { cwd: dir });
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/path not found or not a folder: does\/not\/exist — /);
  });

  it("every command exits 2 with a one-line hint when a folder holds nothing to work on", () => {
    const dir = tempTree({ "notes.txt": "nothing here\n" });
    for (const args of [["services", "."], ["scaffold", "health", "--check", "."], ["scaffold", "health", "."], ["audit", "routes", "."], ["split-plan", "."], ["ping", "--all"]]) {
      const r = fks(args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n").filter((l) => l.trim()), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(/ — /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("init writes a commented fks.yaml that loads back, refuses to overwrite, and --dry-run writes nothing", () => {
    const dir = tempTree({
      "svc/requirements.txt": "fastapi\nredis\n",
      "svc/main.py": "import uvicorn\nuvicorn.run('main:app', port=8123)\n",
    });
    const dry = fks(["init", ".", "--dry-run"], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^# yaml-language-server: \$schema=.*fks\.schema\.json$/m);
    expect(existsSync(path.join(dir, "fks.yaml"))).toBe(false);

    const first = fks(["init", "."], { cwd: dir });
    expect(first.code).toBe(0);
    const written = readFileSync(path.join(dir, "fks.yaml"), "utf8");
    expect(written).toBe(dry.stdout);
    expect(written).toMatch(/port: 8123 {2}# from svc\/main\.py:2/);

    const again = fks(["init", "."], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/fks\.yaml already exists — use --force/);

    const listed = fks(["services", "--format", "json"], { cwd: dir });
    expect(listed.code).toBe(0);
    const svc = (JSON.parse(listed.stdout) as { services: Array<{ name: string; configured: boolean; port: number; dependsOn: string[] }> }).services;
    expect(svc).toEqual([expect.objectContaining({ name: "svc", configured: true, port: 8123, dependsOn: ["redis"] })]);

    writeFileSync(path.join(dir, "fks.yaml"), "old: true\n");
    expect(fks(["init", ".", "--force"], { cwd: dir }).code).toBe(0);
    expect(readFileSync(path.join(dir, "fks.yaml"), "utf8")).toBe(written);
  });
});
