import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

/**
 * bin/fks.js picks the split-plan bundle only for split-plan and only when it is at least as new
 * as the compiled CLI. Checked on a stand-in dist/ whose two entries say which one ran.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), "fks-split-entry-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

mkdirSync(path.join(tmp, "bin"));
mkdirSync(path.join(tmp, "dist"));
writeFileSync(path.join(tmp, "package.json"), JSON.stringify({ type: "module" }));
copyFileSync(path.join(ROOT, "bin/fks.js"), path.join(tmp, "bin/fks.js"));
const entry = (name: string) => `export function main(argv) { process.stdout.write(${JSON.stringify(name)} + " " + argv.slice(2).join(" ")); }\n`;
writeFileSync(path.join(tmp, "dist/cli.js"), entry("cli"));
const bundle = path.join(tmp, "dist/split-plan.bundle.js");
const run = (...args: string[]) => spawnSync(process.execPath, [path.join(tmp, "bin/fks.js"), ...args], { encoding: "utf8" }).stdout;
const age = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

describe("bin/fks.js entry", () => {
  it("runs the compiled CLI when there is no bundle", () => {
    rmSync(bundle, { force: true });
    expect(run("split-plan", ".")).toBe("cli split-plan .");
  });

  it("runs the bundle for split-plan when it is as new as the CLI, the CLI for everything else", () => {
    writeFileSync(bundle, entry("bundle"));
    age(path.join(tmp, "dist/cli.js"), 1_700_000_000);
    age(bundle, 1_700_000_000);
    expect(run("split-plan", ".", "--metrics-only")).toBe("bundle split-plan . --metrics-only");
    expect(run("services", ".")).toBe("cli services .");
    expect(run("--version")).toBe("cli --version");
  });

  it("ignores a bundle older than the compiled CLI (compiled again without bundling)", () => {
    writeFileSync(bundle, entry("bundle"));
    age(bundle, 1_700_000_000);
    age(path.join(tmp, "dist/cli.js"), 1_700_000_100);
    expect(run("split-plan", ".")).toBe("cli split-plan .");
  });
});
