import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCalls } from "../../src/features/calls/index.js";
import type { AuditCallsResult } from "../../src/features/calls/types.js";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { ROOT } from "../helpers.js";

/**
 * The dead-call oracle: the fixture's FastAPI services run under uvicorn, and every call fks
 * resolved to one of them is sent for real (path parameters filled with 7). A call fks calls dead
 * must get 404 or 405 from the running service, one it says is redirected 301/307/308; every other call neither.
 */
const DIR = path.join(ROOT, "test/fixtures/calls/platform");
const SERVED = ["orders", "catalog", "billing"];
// Downstream calls the handlers make go to a closed port: no handler reaches another fixture service.
const NOWHERE = "http://127.0.0.1:9";

const servers = new Map<string, StartedProcess>();
let skip: string | undefined;
let res: AuditCallsResult;

beforeAll(async () => {
  res = await auditCalls({ cwd: ROOT, paths: [DIR] });
  let python: string;
  try {
    python = pythonBin();
  } catch (e) {
    skip = (e as Error).message;
    return;
  }
  try {
    for (const svc of SERVED) {
      servers.set(
        svc,
        await startProcess(python, ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}"], {
          cwd: path.join(DIR, svc),
          env: { CATALOG_URL: NOWHERE, ORDERS_URL: NOWHERE, BILLING_URL: NOWHERE, PYTHONPATH: path.join(DIR, svc) },
          readyUrl: "http://127.0.0.1:{port}/openapi.json",
        }),
      );
    }
  } catch (e) {
    skip = `a fixture service did not start: ${(e as Error).message.split("\n")[0]}`;
  }
}, 120_000);

afterAll(async () => {
  for (const s of servers.values()) await s.stop();
});

describe("dead calls against the running services", () => {
  it("fks's dead-call verdict matches the live status of every resolved call", async (ctx) => {
    if (skip) {
      console.warn(`[calls oracle] skipped: ${skip}`);
      ctx.skip();
    }
    const dead = new Set(res.findings.filter((f) => f.rule === "calls/dead-call").map((f) => `${f.file}:${f.line}`));
    const redirect = new Set(res.findings.filter((f) => f.rule === "calls/redirect").map((f) => `${f.file}:${f.line}`));
    const rows: Array<{ call: string; fks: string; live: number }> = [];
    for (const c of res.calls) {
      const srv = c.target.service ? servers.get(c.target.service) : undefined;
      if (!srv || !c.target.path) continue;
      const url = `http://127.0.0.1:${srv.port}${c.target.path.replace(/\{[^}]*\}/g, "7")}`;
      // A fresh connection per request: uvicorn closes one after a 500, and a reused socket would fail the next call.
      const live = (await httpRequest(url, { method: c.method, timeoutMs: 10_000, headers: { connection: "close" } })).status;
      rows.push({ call: `${c.file}:${c.line} ${c.method} ${c.target.service}${c.target.path}`, fks: dead.has(`${c.file}:${c.line}`) ? "dead" : redirect.has(`${c.file}:${c.line}`) ? "redirect" : "served", live });
    }
    console.log(`[calls oracle] ${rows.length} calls sent to the running services:\n` + rows.map((r) => `  ${r.fks.padEnd(6)} ${String(r.live).padEnd(4)} ${r.call}`).join("\n"));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => r.fks === "dead").length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => r.fks === "redirect").length).toBeGreaterThanOrEqual(1);
    const wrong = rows.filter((r) => (r.fks === "dead") !== (r.live === 404 || r.live === 405) || (r.fks === "redirect") !== [301, 307, 308].includes(r.live));
    expect(wrong).toEqual([]);
  }, 120_000);
});
