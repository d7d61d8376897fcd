// Benchmark of `fks audit routes` on a generated tree of 1,000 Python, 200 Rust and 160 JavaScript files
// (an Express service with routers across files, a Fastify one loading plugins with @fastify/autoload).
// Prints whole-process wall time next to a baseline process that only reads the same files.
// Two trees: typical (a fifth of the Python files are routers) and worst (every file declares routes).
// Run after `npm run build`: node bench/routes.mjs [--typical|--worst] [--keep] [--against <other checkout>]
// --against times another built checkout (e.g. main) on the same tree in the same run and prints the ratio.
// or over a real tree, e.g. Django's own source: node bench/routes.mjs --dir /tmp/django-5.2.19
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PY = 1000;
const RS = 200;

function write(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * typical: every fifth Python module is a router (the rest models and helpers), every tenth Rust module.
 * worst: every Python module imports fastapi and declares routes, every Rust module builds a router.
 */
function generate(scenario) {
  const root = mkdtempSync(path.join(os.tmpdir(), `fks-bench-routes-${scenario}-`));
  const pyEvery = scenario === "worst" ? 1 : 5;
  const rsEvery = scenario === "worst" ? 1 : 10;
  const py = path.join(root, "pysvc");
  write(path.join(py, "requirements.txt"), "fastapi\n");
  write(path.join(py, "app", "__init__.py"), "");
  const routers = [];
  for (let i = 0; i < PY - 2; i++) {
    const pkg = `pkg${i % 20}`;
    const file = path.join(py, "app", pkg, `mod${i}.py`);
    if (i < 20) write(path.join(py, "app", pkg, "__init__.py"), "");
    if (i % pyEvery === 0) {
      routers.push([pkg, `mod${i}`]);
      write(file, `from fastapi import APIRouter, HTTPException\n\nfrom app.${pkg} import mod${i + 1} as helpers\n\nrouter = APIRouter(prefix="/r${i}")\n\n` +
        Array.from({ length: 8 }, (_, k) => `@router.${["get", "post", "put", "delete"][k % 4]}("/items${k}/{item_id}")\nasync def handler_${k}(item_id: int) -> dict:\n    if item_id < 0:\n        raise HTTPException(status_code=404)\n    return {"id": item_id, "k": ${k}}\n\n`).join(""));
    } else {
      write(file, `"""Helpers and models."""\nimport dataclasses\nimport json\n\n\n@dataclasses.dataclass\nclass Model${i}:\n    id: int\n    name: str = "x"\n\n    def to_json(self) -> str:\n        return json.dumps(dataclasses.asdict(self))\n\n\n` +
        Array.from({ length: 10 }, (_, k) => `def helper_${k}(value: int) -> int:\n    total = 0\n    for n in range(value):\n        total += n * ${k}\n    return total\n\n`).join(""));
    }
  }
  write(path.join(py, "app", "main.py"), `from fastapi import FastAPI\n\n${routers.map(([p, m]) => `from app.${p} import ${m}`).join("\n")}\n\napp = FastAPI()\n${routers.map(([, m]) => `app.include_router(${m}.router, prefix="/api")`).join("\n")}\n`);

  const rs = path.join(root, "rssvc");
  write(path.join(rs, "Cargo.toml"), `[package]\nname = "bench"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.8"\n`);
  const rmods = [];
  for (let i = 0; i < RS - 1; i++) {
    rmods.push(`m${i}`);
    write(path.join(rs, "src", `m${i}.rs`), i % rsEvery === 0
      ? `use axum::{routing::get, Router};\n\nasync fn h() -> &'static str { "ok" }\n\npub fn router() -> Router {\n    Router::new()\n${Array.from({ length: 6 }, (_, k) => `        .route("/r${i}/items${k}/{id}", get(h).post(h))\n`).join("")}}\n`
      : `pub struct S${i} { pub a: u32 }\n\nimpl S${i} {\n${Array.from({ length: 10 }, (_, k) => `    pub fn f${k}(&self, x: u32) -> u32 { let mut t = 0; for n in 0..x { t += n * ${k}; } t + self.a }\n`).join("")}}\n`);
  }
  const rrouters = rmods.filter((_, i) => i % rsEvery === 0);
  write(path.join(rs, "src", "main.rs"), `${rmods.map((m) => `mod ${m};`).join("\n")}\n\nuse axum::Router;\n\n#[tokio::main]\nasync fn main() {\n    let app = Router::new()${rrouters.map((m) => `\n        .merge(${m}::router())`).join("")};\n    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();\n    axum::serve(listener, app).await.unwrap();\n}\n`);
  return { root, expected: routers.length * 8 + rrouters.length * 12 + generateJs(root, scenario) };
}

/** An Express service (routers in files, mounted by a factory) and a Fastify one (autoload folders). */
function generateJs(root, scenario) {
  const every = scenario === "worst" ? 1 : 4;
  const ex = path.join(root, "exsvc");
  write(path.join(ex, "package.json"), `{"name":"exsvc","dependencies":{"express":"^5.1.0"}}\n`);
  const mounts = [];
  let routes = 0;
  for (let i = 0; i < 80; i++) {
    if (i % every === 0) {
      mounts.push(i);
      routes += 4;
      write(path.join(ex, "routes", `r${i}.js`), `const { Router } = require("express");\nmodule.exports = function make${i}() {\n  const r = Router();\n  r.route("/").get((req, res) => res.json([])).post((req, res) => res.json({}));\n  r.get("/:id", (req, res) => res.json({}));\n  r.delete("/:id", (req, res) => res.sendStatus(204));\n  return r;\n};\n`);
    } else {
      write(path.join(ex, "lib", `h${i}.js`), `const util = require("node:util");\n${Array.from({ length: 10 }, (_, k) => `exports.f${k} = (x) => util.format("%d", x * ${k});`).join("\n")}\n`);
    }
  }
  write(path.join(ex, "app.js"), `const express = require("express");\nconst app = express();\n${mounts.map((i) => `app.use("/r${i}", require("./routes/r${i}")());`).join("\n")}\nmodule.exports = app;\n`);
  const fy = path.join(root, "fysvc");
  write(path.join(fy, "package.json"), `{"name":"fysvc","dependencies":{"fastify":"^5.6.0","@fastify/autoload":"^6.0.0"}}\n`);
  write(path.join(fy, "app.js"), `const path = require("node:path");\nconst Fastify = require("fastify");\nconst autoload = require("@fastify/autoload");\nconst app = Fastify();\napp.register(autoload, { dir: path.join(__dirname, "routes"), options: { prefix: "/api" } });\nmodule.exports = app;\n`);
  for (let i = 0; i < 80; i++) {
    const file = path.join(fy, i % every === 0 ? "routes" : "lib", `g${i % 8}`, `p${i}.js`);
    if (i % every === 0) routes += 3;
    write(file, i % every === 0
      ? `module.exports = async function p${i}(app) {\n  app.get("/p${i}", async () => []);\n  app.post("/p${i}", async () => ({}));\n  app.get("/p${i}/:id", async () => ({}));\n};\n`
      : `${Array.from({ length: 10 }, (_, k) => `exports.f${k} = (x) => x * ${k};`).join("\n")}\n`);
  }
  return routes;
}

const baselineScript = `
const { readdirSync, readFileSync } = require("node:fs");
const path = require("node:path");
let n = 0, bytes = 0;
(function walk(d) { for (const e of readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) walk(f); else if (/\\.(py|rs|js)$/.test(e.name)) { bytes += readFileSync(f, "utf8").length; n++; } } })(process.argv[1]);
console.log(n + " files, " + bytes + " bytes");`;

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const runs = 3;
const best = (xs) => Math.min(...xs);
const load = os.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`machine: ${os.cpus().length} cores, load average ${load} (1/5/15 min)`);
const dirAt = process.argv.indexOf("--dir");
const againstAt = process.argv.indexOf("--against");
const against = againstAt > 0 ? path.resolve(process.argv[againstAt + 1] ?? ".") : undefined;
const given = dirAt > 0 ? path.resolve(process.argv[dirAt + 1] ?? ".") : undefined;
const scenarios = given ? ["dir"] : process.argv.includes("--worst") ? ["worst"] : process.argv.includes("--typical") ? ["typical"] : ["typical", "worst"];
for (const scenario of scenarios) {
  const { root, expected } = given ? { root: given, expected: "?" } : generate(scenario);
  const base = [];
  const fks = [];
  const other = [];
  let last;
  let otherLast;
  const audit = (checkout) => time(process.execPath, [path.join(checkout, "bin", "fks.js"), "audit", "routes", root, "--format", "json", "--fail-on", "none"]);
  for (let i = 0; i < runs; i++) {
    base.push(time(process.execPath, ["-e", baselineScript, root]).ms);
    last = audit(repo);
    fks.push(last.ms);
    if (against) {
      otherLast = audit(against);
      other.push(otherLast.ms);
    }
  }
  const result = JSON.parse(last.out);
  console.log(given ? `\n[dir] ${root}` : `\n[${scenario}] tree: ${PY} Python + ${RS} Rust + 160 JavaScript files in ${root}`);
  console.log(`routes found: ${result.routes.length} (expected ${expected}), files parsed: ${result.stats.parsed} of ${result.stats.files}`);
  console.log(`read-only baseline: ${best(base).toFixed(0)} ms (best of ${runs})`);
  console.log(`fks audit routes:   ${best(fks).toFixed(0)} ms (best of ${runs})  ratio ${(best(fks) / best(base)).toFixed(1)}x  goal: <= 1000 ms`);
  if (against) {
    const n = JSON.parse(otherLast.out).routes.length;
    console.log(`${against}: ${best(other).toFixed(0)} ms (best of ${runs}), ${n} routes  this tree / that one: ${(best(fks) / best(other)).toFixed(2)}x`);
  }
  if (!given && !process.argv.includes("--keep")) rmSync(root, { recursive: true, force: true });
}
