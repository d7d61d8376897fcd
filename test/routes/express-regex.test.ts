import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, staticRoutes } from "./helpers.js";

/**
 * Express routes written as regular expressions: the runtime route table holds only the RegExp, so the
 * truth is the running app. Each path template fks gives must route a request built from it (every
 * parameter filled with "7") to that route's handler with that method, and no other method; each
 * regular expression that is not a template must stay unresolved, named with its reason.
 */
const modules = path.join(repoRoot, "test", "fixtures", "routes-node", "node_modules");
const fixture = path.join(repoRoot, "test", "fixtures", "express-regex");
const majors = [
  { major: "4", pkg: "express4" },
  { major: "5", pkg: "express" },
].filter((m) => existsSync(path.join(modules, m.pkg, "package.json")));
const why = majors.length < 2 ? `express and express4 not installed in ${path.relative(repoRoot, modules)}: run \`bash scripts/env/setup.sh\`` : "";
if (why) console.log(`[skip] ${why}`);

const SERVER = `
const Module = require("node:module");
const pkg = process.argv[2];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (req, ...rest) { return resolve.call(this, req === "express" ? pkg : req, ...rest); };
const app = require(process.argv[1]);
const server = app.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

describe.skipIf(!!why).each(majors)("Express $major regular-expression routes", ({ pkg }) => {
  let child: ChildProcess;
  let base = "";
  beforeAll(async () => {
    child = spawn(process.execPath, ["-e", SERVER, path.join(fixture, "app.cjs"), pkg], { env: { ...process.env, NODE_PATH: modules }, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
      child.once("exit", (code) => reject(new Error(`the fixture server exited with ${code}`)));
    });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => {
    child?.kill();
  });

  it("gives a path template for each anchored expression, which routes to its handler with its method only", async () => {
    const { routes } = await staticRoutes(fixture);
    const templates = routes.filter((r) => !r.unresolved);
    expect(templates.map((r) => `${r.method} ${r.path}`).sort()).toEqual(["GET /files/{0}", "GET /users/{0}", "POST /orders/{orderId}/items", "PUT /reports/{0}-{1}.csv"]);
    for (const r of templates) {
      expect(r.rawPath, "the expression as written is kept").toMatch(/^\/\^/);
      const url = base + r.path.replace(/\{\w+\}/g, "7");
      const hit = await fetch(url, { method: r.method });
      expect({ url, status: hit.status, body: await hit.text() }).toEqual({ url, status: 200, body: expect.any(String) });
      const other = await fetch(url, { method: r.method === "GET" ? "DELETE" : "GET" });
      expect({ url, status: other.status }).toEqual({ url, status: 404 });
    }
  });

  it("keeps every expression that is not a path template unresolved, with the reason", async () => {
    const { routes } = await staticRoutes(fixture);
    const open = routes.filter((r) => r.unresolved);
    expect(open.map((r) => r.expression?.split(":")[0]).sort()).toEqual(["/^\\/Shout$/i", "/^\\/legacy/", "/^\\/v(?", "/abc/"].sort());
    // Each of them really serves paths no template could name.
    for (const url of ["/xabcx/y", "/legacy/any/depth", "/v2/ping", "/SHOUT"]) expect((await fetch(base + url)).status, url).toBe(200);
  });
});
