// Benchmark of `fks audit calls` on a generated tree of 1,000 Python and 200 Rust files, as a
// ratio against `fks audit routes` on the same tree in the same run (goal: <= 1.2x, since the
// calls audit builds the same routes catalog and parses only the files that name an HTTP client).
// Every fifth Python module is a router, every tenth makes calls (httpx, requests) to the Rust
// service; every tenth Rust module is a router, every twentieth calls the Python service (reqwest).
// Run after `npm run build`: node bench/calls.mjs [--keep]
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

function generate() {
  const root = mkdtempSync(path.join(os.tmpdir(), "fks-bench-calls-"));
  write(path.join(root, "docker-compose.yml"), "services:\n  pysvc:\n    build: ./pysvc\n    ports: [\"8000:8000\"]\n    environment:\n      RS_URL: http://rssvc:3000\n  rssvc:\n    build: ./rssvc\n    ports: [\"3000:3000\"]\n    environment:\n      PY_URL: http://pysvc:8000\n");
  const py = path.join(root, "pysvc");
  write(path.join(py, "requirements.txt"), "fastapi\nhttpx\nrequests\n");
  write(path.join(py, "app", "__init__.py"), "");
  write(path.join(py, "app", "settings.py"), 'import os\n\nRS_URL = os.getenv("RS_URL", "http://localhost:3000")\n');
  const routers = [];
  let calls = 0;
  for (let i = 0; i < PY - 3; i++) {
    const pkg = `pkg${i % 20}`;
    const file = path.join(py, "app", pkg, `mod${i}.py`);
    if (i < 20) write(path.join(py, "app", pkg, "__init__.py"), "");
    if (i % 5 === 0) {
      routers.push([pkg, `mod${i}`]);
      write(file, `from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/r${i}")\n\n` +
        Array.from({ length: 8 }, (_, k) => `@router.${["get", "post", "put", "delete"][k % 4]}("/items${k}/{item_id}")\nasync def handler_${k}(item_id: int) -> dict:\n    return {"id": item_id, "k": ${k}}\n\n`).join(""));
    } else if (i % 10 === 1) {
      const r = (i * 7) % (RS - 1) - ((i * 7) % (RS - 1)) % 10;
      calls += 4;
      write(file, `import httpx\nimport requests\n\nfrom app.settings import RS_URL\n\nclient = httpx.AsyncClient(timeout=5)\n\n\n` +
        Array.from({ length: 4 }, (_, k) => k % 2
          ? `def call_${k}(item_id: int) -> dict:\n    return requests.post(f"{RS_URL}/r${r}/items${k}/{item_id}", timeout=3).json()\n\n\n`
          : `async def call_${k}(item_id: int) -> dict:\n    r = await client.get(f"{RS_URL}/r${r}/items${k}/{item_id}")\n    return r.json()\n\n\n`).join(""));
    } else {
      write(file, `"""Helpers and models."""\nimport dataclasses\nimport json\n\n\n@dataclasses.dataclass\nclass Model${i}:\n    id: int\n    name: str = "x"\n\n    def to_json(self) -> str:\n        return json.dumps(dataclasses.asdict(self))\n\n\n` +
        Array.from({ length: 10 }, (_, k) => `def helper_${k}(value: int) -> int:\n    total = 0\n    for n in range(value):\n        total += n * ${k}\n    return total\n\n`).join(""));
    }
  }
  write(path.join(py, "app", "main.py"), `from fastapi import FastAPI\n\n${routers.map(([p, m]) => `from app.${p} import ${m}`).join("\n")}\n\napp = FastAPI()\n${routers.map(([, m]) => `app.include_router(${m}.router, prefix="/api")`).join("\n")}\n`);

  const rs = path.join(root, "rssvc");
  write(path.join(rs, "Cargo.toml"), `[package]\nname = "bench"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.8"\nreqwest = "0.12"\n`);
  const rmods = [];
  for (let i = 0; i < RS - 1; i++) {
    rmods.push(`m${i}`);
    let text;
    if (i % 10 === 0) text = `use axum::{routing::get, Router};\n\nasync fn h() -> &'static str { "ok" }\n\npub fn router() -> Router {\n    Router::new()\n${Array.from({ length: 6 }, (_, k) => `        .route("/r${i}/items${k}/{id}", get(h).post(h))\n`).join("")}}\n`;
    else if (i % 20 === 5) {
      calls += 3;
      text = `fn py_url() -> String {\n    std::env::var("PY_URL").unwrap_or_else(|_| "http://localhost:8000".to_string())\n}\n\n` +
        Array.from({ length: 3 }, (_, k) => `pub async fn call_${k}(client: &reqwest::Client, id: u32) -> Result<String, reqwest::Error> {\n    client.get(format!("{}/api/r${(i * 5) % 995 - ((i * 5) % 995) % 5}/items${(k * 4) % 8}/{id}", py_url())).send().await?.text().await\n}\n\n`).join("");
    } else text = `pub struct S${i} { pub a: u32 }\n\nimpl S${i} {\n${Array.from({ length: 10 }, (_, k) => `    pub fn f${k}(&self, x: u32) -> u32 { let mut t = 0; for n in 0..x { t += n * ${k}; } t + self.a }\n`).join("")}}\n`;
    write(path.join(rs, "src", `m${i}.rs`), text);
  }
  const rrouters = rmods.filter((_, i) => i % 10 === 0);
  write(path.join(rs, "src", "main.rs"), `${rmods.map((m) => `mod ${m};`).join("\n")}\n\nuse axum::Router;\n\n#[tokio::main]\nasync fn main() {\n    let app = Router::new()${rrouters.map((m) => `\n        .merge(${m}::router())`).join("")};\n    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();\n    axum::serve(listener, app).await.unwrap();\n}\n`);
  return { root, calls };
}

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(repo, "bin", "fks.js"), ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`fks ${args.join(" ")} failed: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const runs = 3;
const best = (xs) => Math.min(...xs);
console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} (1/5/15 min)`);
const { root, calls } = generate();
const routes = [];
const audit = [];
let last;
for (let i = 0; i < runs; i++) {
  routes.push(time(["audit", "routes", root, "--format", "json", "--fail-on", "none"]).ms);
  last = time(["audit", "calls", root, "--format", "json", "--fail-on", "none"]);
  audit.push(last.ms);
}
const res = JSON.parse(last.out);
const dead = res.findings.filter((f) => f.rule === "calls/dead-call").length;
console.log(`tree: ${PY} Python + ${RS} Rust files in ${root}`);
console.log(`calls found: ${res.stats.calls} (expected ${calls}), resolved to a service: ${res.calls.filter((c) => c.target.service).length}, dead: ${dead}, edges: ${res.graph.edges.length}`);
console.log(`fks audit routes (baseline): ${best(routes).toFixed(0)} ms (best of ${runs})`);
console.log(`fks audit calls:             ${best(audit).toFixed(0)} ms (best of ${runs})  ratio ${(best(audit) / best(routes)).toFixed(2)}x  goal: <= 1.2x`);
if (!process.argv.includes("--keep")) rmSync(root, { recursive: true, force: true });
