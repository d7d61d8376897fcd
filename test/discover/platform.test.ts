import { describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import { PLATFORM, ROOT, fks } from "../helpers.js";

// The expected table was written from reading examples/platform by hand (see its README's planted problems),
// not from fks output.
const P = "examples/platform";
const EXPECTED = [
  {
    name: "api", language: "python", framework: "fastapi", port: 8001, path: `${P}/api`,
    frameworkFrom: `${P}/api/requirements.txt:1`, composeFrom: `${P}/docker-compose.yml:13`, k8sFrom: `${P}/k8s/api.yaml:5`,
    healthInCode: [], dockerHealthcheck: "none", composeHealthcheck: false, probes: { liveness: undefined, readiness: undefined },
    dependsOn: ["data", "postgres", "redis"],
  },
  {
    name: "data", language: "python", framework: "fastapi", port: 8002, path: `${P}/data`,
    frameworkFrom: `${P}/data/requirements.txt:1`, composeFrom: `${P}/docker-compose.yml:30`, k8sFrom: `${P}/k8s/data.yaml:5`,
    healthInCode: [{ path: "/health", file: `${P}/data/app/main.py`, line: 15 }], dockerHealthcheck: "final", composeHealthcheck: true,
    probes: { liveness: { path: "/health", line: 28 }, readiness: { path: "/health", line: 34 } },
    dependsOn: ["redis"],
  },
  {
    name: "execution", language: "rust", framework: "axum", port: 8003, path: `${P}/execution`,
    frameworkFrom: `${P}/execution/Cargo.toml:9`, composeFrom: `${P}/docker-compose.yml:48`, k8sFrom: `${P}/k8s/execution.yaml:5`,
    healthInCode: [], dockerHealthcheck: "builder-only", composeHealthcheck: false,
    probes: { liveness: undefined, readiness: { path: "/api/positions", line: 31 } },
    dependsOn: [],
  },
  {
    name: "web", language: "python", framework: "django", port: 8004, path: `${P}/web`,
    frameworkFrom: `${P}/web/manage.py:1`, composeFrom: `${P}/docker-compose.yml:60`, k8sFrom: `${P}/k8s/web.yaml:6`,
    healthInCode: [{ path: "/healthz", file: `${P}/web/webapp/urls.py`, line: 14 }], dockerHealthcheck: "final", composeHealthcheck: false,
    probes: { liveness: { path: "/healthz", line: 30 }, readiness: { path: "/api/", line: 35 } },
    dependsOn: [],
  },
];

describe("discovery of examples/platform", () => {
  it("finds the four services with their facts and where each came from", async () => {
    const r = await discover({ cwd: ROOT, paths: [PLATFORM] });
    expect(r.services.map((s) => s.name)).toEqual(EXPECTED.map((e) => e.name));
    for (const e of EXPECTED) {
      const s = r.services.find((x) => x.name === e.name)!;
      expect({ language: s.language, framework: s.framework, port: s.port, path: s.path }, e.name).toEqual({
        language: e.language, framework: e.framework, port: e.port, path: e.path,
      });
      expect(s.sources.framework?.[0], `${e.name} framework source`).toBe(e.frameworkFrom);
      expect(s.sources.compose, `${e.name} compose source`).toEqual([e.composeFrom]);
      expect(s.sources.k8s, `${e.name} k8s source`).toEqual([e.k8sFrom]);
      expect(s.healthInCode, `${e.name} health in code`).toEqual(e.healthInCode);
      const hcs = s.dockerfile?.healthchecks ?? [];
      const docker = hcs.length === 0 ? "none" : hcs.some((h) => h.inFinalStage) ? "final" : "builder-only";
      expect(docker, `${e.name} Dockerfile HEALTHCHECK`).toBe(e.dockerHealthcheck);
      expect(!!s.compose?.healthcheck, `${e.name} compose healthcheck`).toBe(e.composeHealthcheck);
      const probe = (p?: { path?: string; line: number }) => (p ? { path: p.path, line: p.line } : undefined);
      expect({ liveness: probe(s.k8s?.probes.liveness), readiness: probe(s.k8s?.probes.readiness) }, `${e.name} probes`).toEqual(e.probes);
      for (const d of e.dependsOn) expect(s.dependsOn, `${e.name} depends on ${d}`).toContain(d);
    }
    expect(r.dependencies.map((d) => `${d.name}:${d.kind}`)).toEqual(["postgres:postgres", "redis:redis"]);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("fks services --format json lists api, data, execution and web with their frameworks", () => {
    const r = fks(["services", "examples/platform", "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { services: Array<Record<string, unknown>> };
    expect(out.services.map((s) => [s.name, s.framework])).toEqual([
      ["api", "fastapi"], ["data", "fastapi"], ["execution", "axum"], ["web", "django"],
    ]);
    for (const s of out.services) {
      for (const k of ["name", "language", "framework", "port", "path", "sources"]) expect(s, `${s.name}.${k}`).toHaveProperty(k);
    }
  });
});
