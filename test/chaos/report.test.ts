/** Renderers of a chaos result: JUnit parsed back as XML, Markdown tables, the live view. */
import { describe, expect, it } from "vitest";
import type { ChaosRunResult } from "../../src/features/chaos/result.js";
import { chaosJunit, chaosLiveTable, chaosMarkdown } from "../../src/report/chaos.js";

const result: ChaosRunResult = {
  experiment: { name: "data-down", mode: "sequence", faults: [{ id: "stop-data", type: "container", action: "stop", service: "data", durationMs: 3000 }], steadyState: { intervalMs: 250, timeoutMs: 1000, baselineMs: 1000 }, traffic: [], hypothesis: { recoveryMs: 15000 } },
  dryRun: false,
  targets: [],
  plan: ["experiment data-down", "1. stop-data: stop container d for 3s"],
  phases: [{ name: "fault:stop-data", kind: "fault", faults: ["stop-data"], startMs: 1000, endMs: 4000, services: [{ service: "api", samples: 12, pass: 2, warn: 0, fail: 10, hangs: 0, p99: 5, endpoints: { live: "fail" } }], routes: [] }],
  checks: [
    { name: "api healthy before any fault", kind: "baseline", ok: true, phase: "baseline", message: "steady state holds" },
    { name: "api keeps serving while data is faulted (fault:stop-data)", kind: "cascade", ok: false, phase: "fault:stop-data", service: "api", chain: ["data", "api"], message: "cascade data → api: api /live failed (http-error 503)" },
  ],
  faults: [{ id: "stop-data", service: "data", what: "stop", issuedAtMs: 1000, appliedAtMs: 1100, rolledBackAtMs: 4000 }],
  rollback: { ms: 120, failed: [{ id: "stop-data", error: "engine gone", command: "docker -H unix:///x start d" }] },
  ok: false,
  plannedMs: 4000,
  wallMs: 5200,
  notes: [],
};

describe("chaos renderers", () => {
  it("JUnit: one testcase for the experiment, one per check, one per failed rollback", () => {
    const xml = chaosJunit(result);
    const cases = [...xml.matchAll(/<testcase [^>]*name="([^"]+)"/g)].map((m) => m[1]);
    expect(cases).toEqual(["experiment data-down", "api healthy before any fault", "api keeps serving while data is faulted (fault:stop-data)", "rollback stop-data"]);
    expect((xml.match(/<failure /g) ?? []).length).toBe(3);
    expect(xml).toContain('message="cascade data → api: api /live failed (http-error 503)"');
    expect(xml).toContain("docker -H unix:///x start d");
  });

  it("Markdown: verdict, plan, phases and checks", () => {
    const md = chaosMarkdown(result);
    expect(md).toContain("**Hypothesis broken**");
    expect(md).toContain("| fault:stop-data | api | live fail | 2/0/10 | 0 | 5 ms |");
    expect(md).toContain("- ❌ api keeps serving while data is faulted (fault:stop-data): cascade data → api: api /live failed (http-error 503)");
    expect(md).toContain("`docker -H unix:///x start d`");
  });

  it("the live view shows the phase, what is applied and each service's latest state", () => {
    const text = chaosLiveTable({ phase: "fault:stop-data", faults: ["stop-data: stop container d for 3s"], services: new Map([["api", { endpoints: { live: "refused", ready: "pass" }, recent: [3, 9, 4] }]]) }, { color: false });
    expect(text.split("\n")[0]).toBe("phase fault:stop-data — stop-data: stop container d for 3s");
    expect(text).toMatch(/api\s+live refused {2}ready pass\s+9 ms/);
  });
});
