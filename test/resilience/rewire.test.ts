/**
 * `fks scaffold resilience` moving a FastAPI service's direct httpx/requests calls to the generated
 * client: the exact rewrites (an AsyncClient with-block, a blocking call in an async route, a base +
 * path concatenation), every call it cannot rewrite exactly listed with file:line and why, --dry-run
 * and --no-rewire writing nothing to the call sites, a second run changing nothing; the rewritten
 * service served by uvicorn calling its downstream for real, and audit calls reading the client's
 * trace fact from whether a tracing module is really there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, tempTree } from "../helpers.js";
import { treeHash } from "../scaffold/platform.js";

interface Finding { rule: string; file?: string; line?: number; message: string }

const SHOP = `import os

import httpx
import requests
from fastapi import FastAPI

app = FastAPI()
STOCK = os.environ.get("STOCK_URL", "http://localhost:8000")


@app.get("/a/{sku}")
async def a(sku: str):
    async with httpx.AsyncClient() as c:
        r = await c.get(f"{STOCK}/items/{sku}", params={"full": 1})
    return {"got": r.json(), "status": r.status_code}


@app.get("/b")
async def b():
    r = httpx.post(STOCK + "/items", json={"x": 1}, headers={"X-A": "1"})
    return {"status": r.status_code, "body": r.json()}


@app.get("/c")
def c(url: str):
    return requests.get(url, timeout=1).status_code


@app.get("/d")
def d():
    return requests.get("https://example.com/x", timeout=2).status_code


@app.get("/e")
def e():
    s = requests.Session()
    return s.get(f"{STOCK}/items", timeout=1).status_code


@app.get("/f")
def f():
    try:
        return requests.get(f"{STOCK}/items", timeout=1).json()
    except requests.Timeout:
        return None
`;

const STOCK = `from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/items/{sku}")
def item(sku: str, full: int = 0, request: Request = None):
    return {"sku": sku, "full": full, "traceparent": request.headers.get("traceparent")}


@app.post("/items")
def add(body: dict, request: Request):
    return {"added": body, "x_a": request.headers.get("x-a")}


@app.get("/items")
def items():
    return []
`;

const COMPOSE = `services:
  shop:
    build: ./shop
    ports: ["8001:8001"]
    environment:
      STOCK_URL: http://stock:8000
  stock:
    build: ./stock
    ports: ["8000:8000"]
`;

const dirs: string[] = [];
function tree(): string {
  const dir = tempTree({
    "docker-compose.yml": COMPOSE,
    "shop/requirements.txt": "fastapi\nhttpx\nrequests\n",
    "shop/Dockerfile": 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--port", "8001"]\n',
    "shop/app/__init__.py": "",
    "shop/app/main.py": SHOP,
    "stock/requirements.txt": "fastapi\n",
    "stock/Dockerfile": 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--port", "8000"]\n',
    "stock/app/__init__.py": "",
    "stock/app/main.py": STOCK,
  });
  dirs.push(dir);
  return dir;
}
const py = pythonBin();
const skipPython = existsSync(py) ? undefined : `no Python venv at ${py} (run scripts/env/setup.sh)`;
if (skipPython) console.warn(`[skip] served rewired shop: ${skipPython}`);
const started: StartedProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const d of dirs) removeTree(d);
});

function scaffold(dir: string, ...extra: string[]) {
  const r = fks(["scaffold", "resilience", "shop", dir, "--format", "json", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { edits: Array<{ file: string; after: string }>; findings: Finding[]; written: boolean };
}

function audit(dir: string): { findings: Finding[]; calls: Array<{ file: string; line: number; client: string; trace?: string }> } {
  const r = fks(["audit", "calls", dir, "--format", "json", "--fail-on", "none"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("scaffold resilience rewires direct calls", () => {
  it("rewrites what it can exactly and lists the rest with file:line and why", () => {
    const dir = tree();
    const res = scaffold(dir);
    const main = readFileSync(path.join(dir, "shop/app/main.py"), "utf8");
    // The with-block's client goes; the awaited call keeps its params.
    expect(main).not.toContain("httpx.AsyncClient()");
    expect(main).toContain('    r = await resilience.get("stock", f"/items/{sku}", params={"full": 1})\n    return {"got"');
    // A blocking httpx call in an async route becomes an awaited one, json and headers kept.
    expect(main).toContain('r = await resilience.post("stock", "/items", json={"x": 1}, headers={"X-A": "1"})');
    // The app file already imports the module (the lifespan wiring): the rewrite reuses that import.
    expect(main.match(/import resilience/g)).toHaveLength(1);
    const left = res.findings.filter((f) => f.rule === "resilience/not-rewired");
    const at = (route: string) => SHOP.split("\n").findIndex((l) => l.startsWith(`def ${route}(`)) + 2;
    const why = (line: number) => left.find((f) => f.line === line)?.message ?? "(not listed)";
    expect(why(at("c"))).toMatch(/target not resolved/);
    expect(why(at("d"))).toMatch(/external host/);
    expect(why(at("e") + 1)).toMatch(/client object \(s\)/);
    expect(why(at("f") + 1)).toMatch(/requests\.Timeout/);
    expect(left).toHaveLength(4);
    for (const f of left) expect(f.file).toBe(path.relative(path.resolve("."), path.join(dir, "shop/app/main.py")));
    // The ones left alone are untouched.
    for (const l of ["requests.get(url, timeout=1)", 'requests.get("https://example.com/x", timeout=2)', 's.get(f"{STOCK}/items", timeout=1)']) expect(main).toContain(l);
    if (!skipPython) {
      const r = spawnSync(py, ["-m", "py_compile", path.join(dir, "shop/app/main.py")], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    }
    // Second run: nothing to change.
    const hash = treeHash(dir);
    expect(scaffold(dir).edits).toEqual([]);
    expect(treeHash(dir)).toBe(hash);
  });

  it("--dry-run shows the rewrite as a diff and writes nothing; --no-rewire leaves the calls", () => {
    const dir = tree();
    const hash = treeHash(dir);
    const r = fks(["scaffold", "resilience", "shop", dir, "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('+        r = await resilience.get("stock", f"/items/{sku}", params={"full": 1})'.replace("        ", "    "));
    expect(r.stdout).toContain('-    async with httpx.AsyncClient() as c:');
    expect(treeHash(dir)).toBe(hash);
    const res = scaffold(dir, "--no-rewire");
    expect(res.written).toBe(true);
    expect(readFileSync(path.join(dir, "shop/app/main.py"), "utf8")).toContain("async with httpx.AsyncClient() as c:");
    expect(res.findings.filter((f) => f.rule.startsWith("resilience/rewired") || f.rule === "resilience/not-rewired")).toEqual([]);
  });

  it("audit calls takes the trace fact from the tracing module really being there", () => {
    const dir = tree();
    scaffold(dir);
    const mainRel = path.join(path.relative(path.resolve("."), dir), "shop/app/main.py");
    const before = audit(dir);
    const through = before.calls.filter((c) => c.client === "fks-resilience" && c.file === mainRel);
    expect(through).toHaveLength(2);
    for (const c of through) expect(c.trace).toBeUndefined();
    expect(before.findings.filter((f) => f.rule === "calls/trace-not-propagated" && through.some((c) => c.line === f.line))).toHaveLength(2);
    expect(fks(["scaffold", "tracing", "shop", dir]).code).toBe(0);
    const after = audit(dir);
    for (const c of after.calls.filter((x) => x.client === "fks-resilience")) expect(c.trace).toMatch(/tracing\.py/);
    const safety = after.findings.filter((f) => /no-timeout|no-breaker|trace-not|retry/.test(f.rule) && f.file === mainRel);
    const rewiredLines = new Set(after.calls.filter((c) => c.client === "fks-resilience").map((c) => c.line));
    expect(safety.filter((f) => rewiredLines.has(f.line!))).toEqual([]);
  });

  it.skipIf(!!skipPython)("the rewired async routes call the downstream for real under uvicorn", async () => {
    const dir = tree();
    scaffold(dir);
    expect(fks(["scaffold", "tracing", "shop", dir]).code).toBe(0);
    const serve = (svc: string, env: Record<string, string>) =>
      startProcess(py, ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}", "--no-access-log"], {
        cwd: path.join(dir, svc),
        env: { PYTHONUNBUFFERED: "1", ...env },
        readyUrl: "http://127.0.0.1:{port}/openapi.json",
        timeoutMs: 30_000,
      });
    const stock = await serve("stock", {});
    started.push(stock);
    const shop = await serve("shop", { STOCK_URL: `http://127.0.0.1:${stock.port}` });
    started.push(shop);
    const trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const a = await httpRequest(`http://127.0.0.1:${shop.port}/a/K1`, { headers: { traceparent: trace } });
    expect(a.status, a.body).toBe(200);
    const got = JSON.parse(a.body) as { got: { sku: string; full: number; traceparent: string }; status: number };
    expect(got.got.sku).toBe("K1");
    expect(got.got.full).toBe(1);
    // Same trace id, a new parent id: the generated client forwards the trace context.
    expect(got.got.traceparent.split("-")[1]).toBe(trace.split("-")[1]);
    expect(got.got.traceparent.split("-")[2]).not.toBe(trace.split("-")[2]);
    const b = await httpRequest(`http://127.0.0.1:${shop.port}/b`);
    expect(b.status, b.body).toBe(200);
    expect(JSON.parse(b.body)).toEqual({ status: 200, body: { added: { x: 1 }, x_a: "1" } });
  }, 90_000);
});
