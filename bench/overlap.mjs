// Benchmark of `fks audit overlap` on a generated platform: N FastAPI services in one compose file, each with
// its own routers and models and a copy of a shared 12-module `framework/` package (every fifth copy drifted,
// every seventh service with a renamed near-copy of another's repository module).
// Prints whole-process wall time next to `fks audit routes` on the same tree, measured in the same run,
// and the time at N and 2N services: a fingerprint index grows with the tree, all-pairs comparison with its square.
// Run after `npm run build`: node bench/overlap.mjs [--services 60] [--keep]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1];
};
const SERVICES = Number(arg("--services", "60"));
const keep = process.argv.includes("--keep");
const runs = 3;

function write(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const frameworkModule = (k) =>
  `"""Shared helper ${k}."""\nimport logging\nfrom dataclasses import dataclass\n\nlog = logging.getLogger(__name__)\n\n\n@dataclass\nclass Options${k}:\n    retries: int = ${k + 1}\n    timeout: float = ${k}.5\n\n\n` +
  Array.from({ length: 8 }, (_, j) => `def step_${k}_${j}(value: int, opts: Options${k}) -> int:\n    for attempt in range(opts.retries):\n        log.debug("step ${k}.${j} attempt %d", attempt)\n        value = value * ${j + 2} + attempt\n    return value % ${1000 + k * 10 + j}\n\n`).join("");

function generate(n) {
  const root = mkdtempSync(path.join(os.tmpdir(), `fks-bench-overlap-${n}-`));
  const compose = ["services:"];
  let files = 0;
  for (let s = 0; s < n; s++) {
    const svc = path.join(root, "services", `svc${s}`);
    compose.push(`  svc${s}:`, `    build: ./services/svc${s}`, `    ports: ["${9000 + s}:8000"]`);
    write(path.join(svc, "Dockerfile"), `FROM python:3.12-slim\nCOPY . /srv\nCMD ["uvicorn", "app.main:app"]\n`);
    write(path.join(svc, "requirements.txt"), "fastapi\nuvicorn\n");
    write(path.join(svc, "app", "__init__.py"), "");
    const routers = [];
    for (let m = 0; m < 20; m++) {
      const k = s * 100 + m;
      if (m % 4 === 0) {
        routers.push(m);
        write(path.join(svc, "app", "routers", `r${m}.py`), `from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/s${s}/r${m}")\n\n` + Array.from({ length: 4 }, (_, j) => `@router.get("/items${j}/{item_id}")\nasync def get_${k}_${j}(item_id: int) -> dict:\n    return {"id": item_id, "n": ${k * 7 + j}}\n\n`).join(""));
      } else {
        write(path.join(svc, "app", "models", `m${m}.py`), `from pydantic import BaseModel\n\n\n` + Array.from({ length: 6 }, (_, j) => `class Model${k}x${j}(BaseModel):\n    field_${k}_${j}: int = ${k + j}\n    label_${j}: str = "${"m".repeat((k + j) % 9)}${k}"\n\n\n`).join("") + `def total_${k}(items: list[Model${k}x0]) -> int:\n    return sum(i.field_${k}_0 for i in items) + ${k}\n`);
      }
      files++;
    }
    // Every service serves the same customer lookup: a route served n times.
    write(path.join(svc, "app", "main.py"), `from fastapi import FastAPI\n\n${routers.map((m) => `from app.routers import r${m}`).join("\n")}\n\napp = FastAPI()\n${routers.map((m) => `app.include_router(r${m}.router)`).join("\n")}\n\n\n@app.get("/customers/{customer_id}")\nasync def customer(customer_id: int) -> dict:\n    return {"id": customer_id}\n`);
    for (let k = 0; k < 12; k++) {
      let text = frameworkModule(k);
      if (s % 5 === 4 && k % 3 === 0) text = text.replace(`    retries: int = ${k + 1}\n`, `    retries: int = ${k + 3}\n    jitter: bool = True\n`);
      write(path.join(svc, "framework", `helper${k}.py`), text);
      files++;
    }
    if (s % 7 === 0) {
      const name = s % 14 === 0 ? "Order" : "Invoice";
      write(path.join(svc, "app", "repo.py"), `from sqlalchemy import select\n\n\nclass ${name}Repository:\n    def __init__(self, session) -> None:\n        self.session = session\n\n    async def get(self, ${name.toLowerCase()}_id: int):\n        return await self.session.get(${name}, ${name.toLowerCase()}_id)\n\n    async def list(self, limit: int = 50):\n        result = await self.session.execute(select(${name}).limit(limit))\n        return list(result.scalars())\n\n    async def add(self, ${name.toLowerCase()}) -> None:\n        self.session.add(${name.toLowerCase()})\n        await self.session.flush()\n`);
      files++;
    }
  }
  write(path.join(root, "docker-compose.yml"), compose.join("\n") + "\n");
  return { root, files };
}

function time(args) {
  let best = Infinity;
  let out;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [path.join(repo, "bin", "fks.js"), ...args], { encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, CI: "1" } });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`fks ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    best = Math.min(best, ms);
    out = r.stdout;
  }
  return { ms: best, out };
}

const load = os.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`machine: ${os.cpus().length} cores, load average ${load} (1/5/15 min)`);
const results = [];
for (const n of [SERVICES, SERVICES * 2]) {
  const { root, files } = generate(n);
  const overlap = time(["audit", "overlap", root, "--format", "json"]);
  const routes = time(["audit", "routes", root, "--format", "json"]);
  const modulesOnly = time(["audit", "overlap", root, "--format", "json", "--no-routes"]);
  const j = JSON.parse(overlap.out);
  const fw = j.copies.find((c) => c.name === "framework");
  console.log(`\n[${n} services] ${files} source files in ${root}`);
  console.log(`found: framework/ in ${new Set(fw?.folders.map((f) => f.service)).size} services (expected ${n}), ${fw?.files.length} files (expected 12), ${fw?.files.filter((f) => !f.identical).length} drifted (expected 4); ${j.routes.length} route(s) served twice (expected 1)`);
  console.log(`index: ${j.stats.distinct} distinct contents, ${j.stats.candidates} candidate pairs, ${j.stats.verified} aligned (all pairs would be ${(j.stats.distinct * (j.stats.distinct - 1)) / 2})`);
  console.log(`fks audit routes (baseline): ${routes.ms.toFixed(0)} ms (best of ${runs})`);
  console.log(`fks audit overlap:           ${overlap.ms.toFixed(0)} ms (best of ${runs})  ratio ${(overlap.ms / routes.ms).toFixed(2)}x`);
  console.log(`fks audit overlap --no-routes: ${modulesOnly.ms.toFixed(0)} ms (best of ${runs})  ratio ${(modulesOnly.ms / routes.ms).toFixed(2)}x  (copied modules only)`);
  results.push({ n, ms: overlap.ms, base: routes.ms, modules: modulesOnly.ms });
  if (!keep) rmSync(root, { recursive: true, force: true });
}
const [a, b] = results;
console.log(`\nscaling ${a.n} → ${b.n} services: audit overlap ${(b.ms / a.ms).toFixed(2)}x, --no-routes ${(b.modules / a.modules).toFixed(2)}x, audit routes ${(b.base / a.base).toFixed(2)}x (linear: 2x, all-pairs: 4x)`);
