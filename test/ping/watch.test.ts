/**
 * fks ping --watch against a real server that is stopped mid-run: as JSON documents on a pipe,
 * and as the redrawn table on a real pseudo-terminal (util-linux `script`), stopped with Ctrl-C.
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";
import { jsonDocs, type JsonResult } from "./cli.js";
import { healthJson, type Running } from "./servers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (pred: () => boolean, ms: number) => {
  for (const t0 = Date.now(); !pred() && Date.now() - t0 < ms; ) await sleep(50);
  return pred();
};
let server: Running | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("fks ping --watch", () => {
  it("--format json writes one document per round; a server stopped mid-run flips to unhealthy", async () => {
    server = await healthJson(200, { status: "pass" });
    const url = `${server.url}/health`;
    const child = spawn(process.execPath, [path.join(ROOT, "bin/fks.js"), "ping", "--url", url, "--watch", "1", "--format", "json", "--timeout", "500", "--retries", "0", "--no-docker"], {
      env: { ...process.env, CI: "1" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const closed = new Promise<number | null>((r) => child.once("close", r));
    const rounds = () => jsonDocs(out).docs;
    try {
      expect(await until(() => rounds().length >= 2, 10_000), err).toBe(true);
      await server.close();
      server = undefined;
      expect(await until(() => rounds().some((r) => !r.ok), 10_000), err).toBe(true);
    } finally {
      child.kill("SIGINT");
    }
    expect(await closed).toBe(1);
    const docs: JsonResult[] = rounds();
    const statuses = docs.map((d) => d.services[0]!.status);
    const firstBad = statuses.indexOf("unhealthy");
    // Healthy rounds, then unhealthy ones: never back, since nothing listens any more.
    expect(statuses.slice(0, firstBad).every((s) => s === "healthy")).toBe(true);
    expect(firstBad).toBeGreaterThanOrEqual(2);
    expect(statuses.slice(firstBad).every((s) => s === "unhealthy")).toBe(true);
    expect(docs[firstBad]!.services[0]!.endpoints[0]).toMatchObject({ url, status: "refused" });
    // Nothing but JSON on stdout: the rest parses as the tail of an unfinished document at most.
    expect(jsonDocs(out).rest.trim()).toBe("");
    expect(err).toBe("");
  });

  const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
  if (!hasScript) console.warn("skipping the --watch table test: util-linux `script` is not installed");

  it.skipIf(!hasScript)("on a terminal the table is redrawn each round and Ctrl-C stops it", async () => {
    server = await healthJson(200, { status: "pass" });
    const cmd = [process.execPath, path.join(ROOT, "bin/fks.js"), "ping", "--url", server.url, "--watch", "1", "--timeout", "500", "--retries", "0", "--no-docker"];
    const { CI: _ci, ...env } = process.env;
    // `script` gives fks a real pty; bytes written to script's stdin reach it as keyboard input.
    // `exec` makes fks the pty's only foreground process: a shell left in between (dash does not
    // exec the last command) would take the Ctrl-C itself and die of it.
    const child = spawn("script", ["-qfec", `exec ${cmd.map((a) => `'${a}'`).join(" ")}`, "/dev/null"], { env: { ...env, NO_COLOR: "1", TERM: "xterm" } });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    const closed = new Promise<number | null>((r) => child.once("close", r));
    const CLEAR = "\x1b[2J\x1b[H";
    const frames = () => out.split(CLEAR).slice(1);
    try {
      expect(await until(() => frames().length >= 2, 10_000), out).toBe(true);
      await server.close();
      server = undefined;
      expect(await until(() => frames().some((f) => /\sunhealthy\s+open/.test(f)), 10_000), out).toBe(true);
    } finally {
      child.stdin.write("\x03");
    }
    const code = await Promise.race([closed, sleep(5000).then(() => "still running")]);
    if (code === "still running") child.kill("SIGKILL");
    // script -e passes on fks's exit code: Ctrl-C ended it, and the last round was unhealthy.
    expect(code).toBe(1);
    const f = frames();
    expect(f[0]).toMatch(/^127\.0\.0\.1:\d+\s+pass\s+pass\s+pass\s+\S+\s+healthy\s+closed\r?$/m);
    expect(f.find((x) => /\sunhealthy\s+open/.test(x))).toMatch(/^127\.0\.0\.1:\d+\s+refused\s+refused\s+refused\s+.*unhealthy\s+open\r?$/m);
    // After the first round the previous table stays up while probing: no "probing" frame in between.
    expect(f.slice(1).join("")).not.toMatch(/probing/);
    expect(out).toMatch(/watching every 1s/);
  });
});
