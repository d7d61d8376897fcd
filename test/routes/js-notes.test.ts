import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/features/routes/catalog.js";
import { repoRoot } from "./helpers.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "fks-routes-js-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function service(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

describe("Express/Fastify services without routes fks can follow", () => {
  it("say so in a note instead of staying silent", async () => {
    const dir = service("autoloaded", {
      "package.json": JSON.stringify({ name: "autoloaded", dependencies: { fastify: "^5.0.0", "@fastify/autoload": "^6.0.0" } }),
      "app.js": 'const Fastify = require("fastify");\nconst autoload = require("@fastify/autoload");\nconst app = Fastify();\napp.register(autoload, { dir: __dirname + "/routes" });\n',
    });
    // cwd is the repository, as when a user runs fks from their checkout.
    const cat = await buildCatalog({ cwd: repoRoot, paths: [dir] });
    expect(cat.routes).toEqual([]);
    const note = cat.diagnostics.find((d) => d.rule === "routes/none-found");
    expect(note, JSON.stringify(cat.diagnostics)).toMatchObject({ severity: "note", service: "autoloaded" });
    expect(note!.message).toContain("Fastify");
  });

  it("front-end JavaScript in a Python service is not evaluated", async () => {
    const dir = service("pyweb", {
      "requirements.txt": "flask\n",
      "app.py": 'from flask import Flask\napp = Flask(__name__)\n\n@app.get("/x")\ndef x():\n    return "x"\n',
      "static/site.js": 'const router = { get(p) {} };\nrouter.get("/not-a-route", () => 1);\n$.get("/api/thing");\n',
    });
    const cat = await buildCatalog({ cwd: tmp, paths: [dir], noDiscover: true });
    expect(cat.routes.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /x"]);
  });
});
