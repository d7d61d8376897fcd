import { describe, expect, it } from "vitest";
import { parseHealth } from "../../src/features/ping/health.js";
import { parsePath, valueAt } from "../../src/features/ping/jsonpath.js";
import { checkAssertions } from "../../src/features/ping/assert.js";

describe("health bodies", () => {
  it("reads IETF health+json with named checks", () => {
    const body = JSON.stringify({
      status: "warn",
      checks: { "db:connections": [{ componentType: "datastore", observedValue: 95, observedUnit: "percent", status: "warn" }], "redis:ping": [{ status: "pass" }] },
    });
    const h = parseHealth(body, "application/health+json");
    expect(h.level).toBe("warn");
    expect(h.checks).toEqual([
      { name: "db:connections", status: "warn", observedValue: 95, observedUnit: "percent" },
      { name: "redis:ping", status: "pass" },
    ]);
  });

  it.each([
    ['{"status":"healthy"}', "application/json", "pass"],
    ['{"status":"UP","components":{"db":{"status":"DOWN"}}}', "application/json", "pass"],
    ['"ok"', "application/json", "pass"],
    ["UP", "text/plain", "pass"],
    ["ok", "text/plain", "pass"],
    ['{"healthy":false}', "application/json", "fail"],
    ['{"checks":{"db":{"status":"fail"}}}', "application/json", "fail"],
    ['{"status":"degraded"}', "application/json", "warn"],
  ])("legacy shape %s → %s", (body, ct, want) => {
    expect(parseHealth(body, ct).level).toBe(want);
  });

  it("reports invalid JSON only when the body claims to be JSON", () => {
    expect(parseHealth('{"status":', "application/json").invalid).toMatch(/not valid JSON/);
    expect(parseHealth("{not json at all", "text/plain").invalid).toBeUndefined();
  });
});

describe("assertions", () => {
  const json = { status: "pass", checks: { "db:ping": [{ status: "pass", observedValue: 3 }] }, version: "1.2" };
  it("resolves bracketed, dotted and indexed paths", () => {
    expect(valueAt(json, parsePath("$.checks['db:ping'][0].status") as string[]).value).toBe("pass");
    expect(valueAt(json, parsePath('$["version"]') as string[]).value).toBe("1.2");
    expect(valueAt(json, parsePath("checks.missing") as string[]).found).toBe(false);
    expect(parsePath("$.a[")).toMatch(/bad bracket/);
  });
  it("names each failed assertion", () => {
    const failed = checkAssertions(
      { status: [200, 204], json: { "$.checks['db:ping'][0].observedValue": 4, "$.version": "1.2" }, headers: { "content-type": "/health\\+json/", "x-absent": "x" }, maxLatencyMs: 50 },
      { status: 503, headers: { "content-type": "application/json" }, json, ms: 80 },
    );
    expect(failed).toEqual([
      "status 503, expected 200 or 204",
      "json $.checks['db:ping'][0].observedValue is 3, expected 4",
      'header content-type is "application/json", expected /health\\+json/',
      "header x-absent is absent, expected x",
      "latency 80 ms over 50 ms",
    ]);
  });
});
