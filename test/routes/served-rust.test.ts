import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRoutes, scaffoldHealth } from "../../src/index.js";
import { discover } from "../../src/features/discover/index.js";
import { startCrate, type RunningCrate } from "./crate-runtime.js";
import { ROOT } from "../helpers.js";

/**
 * An axum service laid out as real ones are: a package named after the framework (axum-web), main.rs
 * calling the library's start_server, routers named `routes` in several modules, and a second
 * binary (src/bin/seed.rs) with a server of its own that the container never runs.
 */
const crate = path.join(ROOT, "test/fixtures/entry-axum-lib");
let run: RunningCrate | undefined;

beforeAll(async () => {
  run = await startCrate(crate, "axum-web");
}, 620_000);
afterAll(() => run?.stop());

describe("axum: the bin the container runs is the served app", () => {
  it("a package named axum-web that depends on axum is an axum service, not axum's own repository", async () => {
    const [s] = (await discover({ cwd: crate, paths: [crate] })).services;
    expect(s!.framework).toBe("axum");
    expect(s!.entry!.app).toBe("bin:axum-web");
    expect(s!.entry!.confidence).toBe("command");
  });

  it("routers called `routes` in several modules are each mounted once, under their nest prefix", async () => {
    const res = await auditRoutes({ cwd: crate });
    const served = res.routes.filter((r) => r.served !== false).map((r) => `${r.method} ${r.path}`).sort();
    expect(served).toEqual(["GET /", "GET /{version}/users", "POST /{version}/auth/login", "POST /{version}/auth/logout"]);
  });

  it("the router another bin serves is not served, with one note naming its app", async () => {
    const res = await auditRoutes({ cwd: crate });
    const seed = res.routes.find((r) => r.path === "/seed");
    expect(seed?.served).toBe(false);
    const note = res.findings.find((f) => f.rule === "routes/not-served");
    expect(note).toMatchObject({ file: "src/bin/seed.rs", line: 6 });
    expect(note?.message).toContain("bin:axum-web");
  });

  it("scaffold wires the health router into the Router the served binary builds, not the seed tool's", async () => {
    const res = await scaffoldHealth({ cwd: crate, dryRun: true });
    const files = res.edits.map((e) => e.file);
    expect(files).toContain("src/api/router.rs");
    expect(files).not.toContain("src/bin/seed.rs");
  });

  it("the running binary agrees: the served routes answer, the bare /login and the seed tool's /seed do not", async (ctx) => {
    if (run!.skip) {
      console.warn(`[axum served] skipped: ${run!.skip}`);
      ctx.skip();
    }
    expect(await run!.request("POST", "/v1/auth/login")).not.toBe(404);
    expect(await run!.request("GET", "/v1/users")).not.toBe(404);
    expect(await run!.request("POST", "/login")).toBe(404);
    expect(await run!.request("POST", "/seed")).toBe(404);
  });
});
