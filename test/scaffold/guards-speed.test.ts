/**
 * The guard scan of --check on a big project costs a small part of parsing every Python file: it
 * parses only the files whose text can hold a guard. Measured as a ratio against a full parse in
 * the same run, so a loaded machine does not make it flaky.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, expect, it } from "vitest";
import { fastapiGuards } from "../../src/frameworks/fastapi/guards.js";
import { parsePython } from "../../src/lang/python/edit.js";
import type { HealthContext } from "../../src/frameworks/health/types.js";
import { removeTree, tempTree } from "../helpers.js";

const MODULES = 250;
const made: string[] = [];
afterAll(() => made.forEach(removeTree));

/** An ordinary module: models, services and helpers, no middleware, no app. */
function module(i: number): string {
  const out = [`"""Module ${i}."""`, "from dataclasses import dataclass", "", ""];
  for (let k = 0; k < 12; k++) {
    out.push("@dataclass", `class Item${i}_${k}:`, "    name: str", "    price: float = 0.0", "");
    out.push(`    def total(self, qty: int) -> float:`, `        values = [self.price * q for q in range(qty) if q % 2 == 0]`, `        return round(sum(values) + helper_${k}(self.name, qty), 2)`, "", "");
    out.push(`def helper_${k}(name: str, qty: int) -> float:`, `    return float(len(name.strip().split(",")) * qty) / max(1, qty - ${k})`, "", "");
  }
  return out.join("\n");
}

it(`scans a ${MODULES}-module FastAPI project for probe guards in a fraction of the time a full parse takes`, async () => {
  const files: Record<string, string> = {
    "app/main.py": [
      "from fastapi import FastAPI, Request",
      "from fastapi.responses import JSONResponse",
      "",
      "from app.auth import BearerAuthMiddleware",
      "",
      "app = FastAPI()",
      "app.add_middleware(BearerAuthMiddleware)",
      "",
    ].join("\n"),
    "app/auth.py": [
      "from fastapi.responses import JSONResponse",
      "from starlette.middleware.base import BaseHTTPMiddleware",
      "",
      "",
      "class BearerAuthMiddleware(BaseHTTPMiddleware):",
      "    async def dispatch(self, request, call_next):",
      '        if not request.headers.get("authorization"):',
      '            return JSONResponse({}, status_code=401)',
      "        return await call_next(request)",
      "",
    ].join("\n"),
  };
  for (let i = 0; i < MODULES; i++) files[`app/domain/m${i}.py`] = module(i);
  const dir = tempTree(files);
  made.push(dir);
  const abs = Object.keys(files).map((f) => path.join(dir, f));
  const text = new Map(Object.entries(files).map(([f, t]) => [path.join(dir, f), t]));
  const ctx: HealthContext = {
    service: "shop", dir, files: abs, read: (f) => text.get(f) ?? "", deps: new Set(["fastapi"]), paths: { live: "/live", ready: "/ready", health: "/health" },
    checks: [], tokenEnv: "FKS_HEALTH_TOKEN", ratePerSecond: 10,
  };
  await parsePython(files["app/main.py"]!, "warm-up.py");

  let start = performance.now();
  for (const f of abs) await parsePython(text.get(f)!, f);
  const full = performance.now() - start;
  start = performance.now();
  const found = await fastapiGuards(ctx);
  const scan = performance.now() - start;

  expect(found.map((g) => [g.kind, g.what, g.paths])).toEqual([["auth", "auth middleware BearerAuthMiddleware", ["/live", "/ready"]]]);
  expect(scan, `scan ${scan.toFixed(0)} ms vs full parse ${full.toFixed(0)} ms`).toBeLessThan(full * 0.25);
}, 60_000);
