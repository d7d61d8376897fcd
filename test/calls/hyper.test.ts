/**
 * hyper clients in `fks audit calls`: hyper 0.14's `Client` and hyper-util's legacy client (hyper 1),
 * through `client.get(uri)` and `client.request(req)` with the http crate's request builder. The
 * fixture marks each call by hand (markers.ts); map lookups and other types' `request` are no calls.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { auditCalls } from "../../src/features/calls/index.js";
import type { AuditCallsResult } from "../../src/features/calls/types.js";
import { ROOT } from "../helpers.js";
import { markers } from "./markers.js";

const DIR = path.join(ROOT, "test/fixtures/calls/hyper");
let res: AuditCallsResult;
beforeAll(async () => {
  res = await auditCalls({ cwd: ROOT, paths: [DIR] });
});

describe("fks audit calls on hyper clients", () => {
  it("finds exactly the marked calls, with their methods' targets", () => {
    const want = markers(DIR).map((m) => ({ where: m.where, target: m.target }));
    expect(want.length).toBe(6);
    const got = res.calls
      .map((c) => ({ where: `${c.file}:${c.line}`, target: c.target.unresolved ? "?" : c.target.external ? "external" : `${c.target.service} ${c.target.path}` }))
      .sort((a, b) => a.where.localeCompare(b.where));
    expect(got).toEqual(want);
    expect(new Set(res.calls.map((c) => c.client))).toEqual(new Set(["hyper"]));
  });

  it("raises exactly the marked findings on each call", () => {
    const want = markers(DIR).map((m) => ({ where: m.where, rules: m.rules }));
    const byWhere = new Map<string, string[]>();
    for (const f of res.findings) byWhere.set(`${f.file}:${f.line}`, [...(byWhere.get(`${f.file}:${f.line}`) ?? []), f.rule]);
    expect(want.map((w) => ({ where: w.where, rules: (byWhere.get(w.where) ?? []).sort() }))).toEqual(want);
    expect([...byWhere.keys()].filter((k) => !want.some((w) => w.where === k))).toEqual([]);
  });

  it("reads the builder's method, the deadline around the call, the trace header and the retry loop", () => {
    const at = (file: string, needle: string) => {
      const line = markers(DIR).find((m) => m.where.includes(file) && m.target.includes(needle))!.where.split(":").pop();
      return res.calls.find((c) => c.file.endsWith(file) && c.line === Number(line))!;
    };
    expect(at("hub/src/main.rs", "/orders")).toMatchObject({ method: "POST", timeout: "Duration::from_secs(2) (tokio::time::timeout)", trace: "traceparent header", route: { method: "POST", path: "/orders" } });
    expect(at("hub/src/main.rs", "/quotes/{sym}")).toMatchObject({ method: "GET", route: { path: "/quotes/{sym}" } });
    expect(at("hub/src/main.rs", "/quotes/AAPL").method).toBe("DELETE");
    const dead = res.findings.find((f) => f.rule === "calls/dead-call" && f.message.startsWith("DELETE"))!;
    expect(dead.message).toMatch(/serves \/quotes\/AAPL only for GET/);
    expect(at("relay/src/main.rs", "/quotes/MSFT")).toMatchObject({ method: "GET", retry: { by: "for loop", bounded: true, backoff: false } });
    // self.base is initialised from $PRICES_URL, which compose sets for relay.
    expect(at("relay/src/main.rs", "/quotes/MSFT").target.sources.map((s) => s.kind)).toContain("env");
    expect(res.graph.edges.map((e) => `${e.from}->${e.to}:${e.calls.length}`)).toEqual(["hub->prices:4", "relay->prices:1"]);
  });
});
