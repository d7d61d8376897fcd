/** The verdict on samples: cascades, readiness of critical and non-critical callers, chains. */
import { describe, expect, it } from "vitest";
import { chainTo } from "../../src/features/chaos/deps.js";
import type { Sample } from "../../src/features/chaos/steady.js";
import type { DependencyEdge } from "../../src/features/chaos/types.js";
import { judgeFaultPhase, type PhaseWindow } from "../../src/features/chaos/verdict.js";

const edges: DependencyEdge[] = [
  { from: "api", to: "data", critical: false, origin: "test" },
  { from: "web", to: "api", critical: true, origin: "test" },
  { from: "orders", to: "data", critical: true, origin: "test" },
];
const w: PhaseWindow = { name: "fault:stop-data", kind: "fault", faults: ["stop-data"], faulted: ["data"], startMs: 1000, endMs: 5000, appliedAtMs: 1000 };
const services = ["api", "data", "web", "orders", "billing"];
const s = (service: string, endpoint: string, level: Sample["level"], status: string = level, t = 1200, ms = 5): Sample => ({ t, phase: w.name, service, endpoint, level, status, ms });
const failed = (samples: Sample[]) => judgeFaultPhase(w, samples, services, edges).filter((c) => !c.ok);

describe("chainTo", () => {
  it("follows callers from the faulted service to the victim, shortest first", () => {
    expect(chainTo(edges, "data", "web")).toEqual(["data", "api", "web"]);
    expect(chainTo(edges, "data", "api")).toEqual(["data", "api"]);
    expect(chainTo(edges, "data", "billing")).toBeUndefined();
    expect(chainTo(edges, "api", "data")).toBeUndefined();
  });
});

describe("judgeFaultPhase", () => {
  it("the faulted service may fail; warn on a caller's /ready is graceful degradation", () => {
    expect(failed([s("data", "live", "fail", "refused"), s("api", "ready", "warn"), s("api", "live", "pass")])).toEqual([]);
  });

  it("a critical caller may be unready; a non-critical one may not", () => {
    expect(failed([s("orders", "ready", "fail")])).toEqual([]);
    const [c] = failed([s("api", "ready", "fail", "fail", 1300)]);
    expect(c).toMatchObject({ kind: "readiness", service: "api", chain: ["data", "api"], detectedAfterMs: 305 });
    expect(c!.message).toContain("its dependency on data is not critical");
  });

  it("a failing /live is a cascade with its chain, even on a critical caller", () => {
    const [c] = failed([s("web", "live", "fail", "http-error")]);
    expect(c).toMatchObject({ kind: "cascade", how: "fail", chain: ["data", "api", "web"] });
    expect(c!.message).toBe("cascade data → api → web: web /live failed (http-error)");
  });

  it("a hang anywhere is a cascade; a service that does not depend on the faulted one may not fail at all", () => {
    const [hang] = failed([s("orders", "ready", "fail", "no-response", 1200, 800)]);
    expect(hang).toMatchObject({ kind: "cascade", how: "hang", chain: ["data", "orders"], detectedAfterMs: 1000 });
    const [indep] = failed([s("billing", "health", "fail", "http-error")]);
    expect(indep).toMatchObject({ kind: "cascade", chain: ["data", "billing"] });
    expect(indep!.message).toContain("billing does not depend on data");
  });
});
