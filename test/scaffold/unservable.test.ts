import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { fks, removeTree, ROOT } from "../helpers.js";
import { treeHash } from "./platform.js";

// A Django project whose ROOT_URLCONF comes from the environment: fks cannot tell where to add the
// health endpoints, so it must not wire a HEALTHCHECK or probe to paths that would answer 404.
const FIXTURE = path.join(ROOT, "test/fixtures/scaffold/django-unwired");

interface Found { rule: string; severity: string; hint?: string; message: string }
const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: Found[] }).findings;

describe("scaffold health on a service whose endpoints fks cannot add", () => {
  it("--check reports the missing endpoints as an error it does not fix, with the reason", () => {
    const r = fks(["scaffold", "health", "--check", FIXTURE, "--format", "json"]);
    expect(r.code).toBe(1);
    const f = findingsOf(r.stdout);
    const endpoints = f.find((x) => x.rule === "health/endpoints-missing");
    expect(endpoints).toMatchObject({ severity: "error", message: expect.stringContaining("/live, /ready, /health") });
    expect(endpoints!.hint).toMatch(/ROOT_URLCONF/);
    expect(endpoints!.hint).not.toContain("run `fks scaffold health");
    // The image and the pods cannot be fixed either until the code serves the paths.
    for (const rule of ["health/dockerfile-healthcheck-missing", "health/compose-healthcheck-missing", "health/k8s-readiness-missing"]) {
      expect(f.find((x) => x.rule === rule)?.hint, rule).toMatch(/does not serve \/ready/);
    }
  });

  it("writes no HEALTHCHECK, compose healthcheck or HTTP probe on a path the code does not serve, and keeps the probe that works", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fks-unwired-"));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const before = treeHash(dir);
      const r = fks(["scaffold", "health", dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(treeHash(dir)).not.toBe(before); // the preStop hook and the probe's timeouts are still worth writing
      expect(readFileSync(path.join(dir, "web/Dockerfile"), "utf8")).not.toContain("HEALTHCHECK");
      const compose = parse(readFileSync(path.join(dir, "docker-compose.yml"), "utf8")) as { services: Record<string, { healthcheck?: unknown; depends_on?: unknown }> };
      expect(compose.services.web!.healthcheck).toBeUndefined();
      // proxy must not wait for a health state web never reports.
      expect(JSON.stringify(compose.services.proxy!.depends_on)).not.toContain("service_healthy");
      const deployment = parseAllDocuments(readFileSync(path.join(dir, "k8s/web.yaml"), "utf8"))[0]!.toJS() as {
        spec: { template: { spec: { containers: Array<Record<string, { httpGet?: { path: string } } | undefined>> } } };
      };
      const c = deployment.spec.template.spec.containers[0]!;
      expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
      expect(c.readinessProbe).toBeUndefined();
      expect(c.startupProbe).toBeUndefined();
      expect(c.lifecycle).toBeDefined();
    } finally {
      removeTree(dir);
    }
  });
});
