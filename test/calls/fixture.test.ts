import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { auditCalls } from "../../src/features/calls/index.js";
import type { AuditCallsResult } from "../../src/features/calls/types.js";
import { ROOT } from "../helpers.js";
import { markers as markersIn } from "./markers.js";

/**
 * The fixture platform marks every call by hand (see markers.ts). The audit must find exactly
 * those calls, resolve them to those targets and raise exactly those per-call findings.
 */
const DIR = path.join(ROOT, "test/fixtures/calls/platform");
const GRAPH_RULES = new Set(["calls/call-cycle", "calls/fan-out"]);

const markers = () => markersIn(DIR);

let res: AuditCallsResult;
beforeAll(async () => {
  res = await auditCalls({ cwd: ROOT, paths: [DIR], fanOut: 3 });
});

describe("fks audit calls on the fixture platform", () => {
  it("finds exactly the marked calls, with their targets", () => {
    const want = markers().map((m) => ({ where: m.where, target: m.target }));
    const got = res.calls
      .map((c) => ({
        where: `${c.file}:${c.line}`,
        target: c.target.unresolved ? "?" : c.target.external ? "external" : `${c.target.service} ${c.target.path}`,
      }))
      .sort((a, b) => a.where.localeCompare(b.where));
    expect(want.length).toBe(18);
    expect(got).toEqual(want);
  });

  it("raises exactly the marked findings on each call", () => {
    const want = markers().map((m) => ({ where: m.where, rules: m.rules }));
    const byWhere = new Map<string, string[]>();
    for (const f of res.findings) if (!GRAPH_RULES.has(f.rule)) byWhere.set(`${f.file}:${f.line}`, [...(byWhere.get(`${f.file}:${f.line}`) ?? []), f.rule]);
    const got = want.map((w) => ({ where: w.where, rules: (byWhere.get(w.where) ?? []).sort() }));
    expect(got).toEqual(want);
    expect([...byWhere.keys()].filter((k) => !want.some((w) => w.where === k))).toEqual([]);
  });

  it("draws the service graph with the cycle and the fan-out", () => {
    expect(res.graph.edges.map((e) => `${e.from}->${e.to}:${e.calls.length}`)).toEqual([
      "catalog->orders:1",
      "gateway->billing:1",
      "gateway->catalog:1",
      "gateway->ledger:1",
      "gateway->orders:1",
      "ledger->billing:1",
      "ledger->catalog:1",
      "orders->billing:2",
      "orders->catalog:6",
    ]);
    expect(res.graph.cycles).toEqual([["catalog", "orders"]]);
    const graphFindings = res.findings.filter((f) => GRAPH_RULES.has(f.rule)).map((f) => `${f.rule} ${f.service}`);
    expect(graphFindings.sort()).toEqual(["calls/call-cycle catalog", "calls/fan-out gateway"]);
  });

  it("says where each target came from: compose over a settings default, a code default, a constant", () => {
    const at = (file: string, line: number) => res.calls.find((c) => c.file.endsWith(file) && c.line === line)!;
    // CATALOG_URL=http://catalog:8000 in compose beats the BaseSettings default http://localhost:8102.
    const viaSettings = at("orders/app/clients.py", 20);
    expect(viaSettings.target.url).toBe("http://catalog:8000/items/{item_id}");
    expect(viaSettings.target.sources.map((s) => s.kind)).toEqual(["base-url", "settings", "env"]);
    expect(viaSettings.target.sources[2]!.file).toBe("test/fixtures/calls/platform/docker-compose.yml");
    expect(viaSettings.target.sources[2]!.line).toBe(7);
    // BILLING_URL is not in orders' compose environment: os.getenv's default.
    expect(at("orders/app/clients.py", 36).target.sources.map((s) => s.kind)).toEqual(["constant", "env-default"]);
    // ledger's BILLING_URL is in compose; its code default (localhost:8103) would name billing too, by port.
    expect(at("ledger/src/main.rs", 9).target.url).toBe("http://billing:8000/charges");
    // A trailing slash in ORDERS_URL is stripped by .rstrip('/') before the path is added.
    expect(at("catalog/app/main.py", 19).target.url).toBe("http://orders:8000/orders/{item_id}");
    expect(at("catalog/app/main.py", 19).route).toMatchObject({ method: "GET", path: "/orders/{order_id}", handler: "get_order" });
  });

  it("reads retries, breakers and trace propagation already in the code", () => {
    const at = (line: number) => res.calls.find((c) => c.file.endsWith("orders/app/clients.py") && c.line === line)!;
    expect(at(51)).toMatchObject({ retry: { by: "stamina", bounded: true, backoff: true }, breaker: "@catalog_breaker", trace: "traceparent header" });
    expect(at(31).breaker).toBe("catalog_breaker");
    expect(at(36).retry).toMatchObject({ by: "tenacity", bounded: true, backoff: false });
    expect(at(42).retry).toMatchObject({ by: "while loop", bounded: false });
    expect(at(56).timeout).toBe("5s (httpx default)");
  });
});
