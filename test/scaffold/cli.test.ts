import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { fks, removeTree } from "../helpers.js";
import { platformCopy, treeHash } from "./platform.js";

const rulesOf = (stdout: string) => (JSON.parse(stdout) as { findings: Array<{ rule: string; service?: string; severity: string }> }).findings;

describe("fks scaffold health on examples/platform", () => {
  it("--check fails on the planted problems, passes after scaffolding (--force for the broken ones), and a second run changes nothing", () => {
    const dir = platformCopy();
    try {
      const before = fks(["scaffold", "health", "--check", dir, "--format", "json"]);
      expect(before.code).toBe(1);
      const found = rulesOf(before.stdout).map((f) => `${f.service} ${f.rule}`);
      for (const planted of [
        "api health/endpoints-missing", "execution health/endpoints-missing", "web health/endpoints-missing", "data health/endpoints-missing",
        "api health/dockerfile-healthcheck-missing", "data health/dockerfile-healthcheck-broken", "execution health/dockerfile-healthcheck-builder-stage",
        "api health/compose-healthcheck-missing", "execution health/compose-healthcheck-missing", "data health/compose-healthcheck-broken",
        "api health/compose-depends-on-not-healthy", "web health/compose-depends-on-not-healthy",
        "api health/k8s-liveness-missing", "api health/k8s-readiness-missing", "data health/k8s-probes-identical", "execution health/k8s-liveness-missing",
        "web health/k8s-invalid-name",
      ]) expect(found).toContain(planted);
      // The negative control: web's exec-form urllib HEALTHCHECK is fine.
      expect(found).not.toContain("web health/dockerfile-healthcheck-broken");
      expect(found).not.toContain("web health/dockerfile-healthcheck-missing");

      const hash = treeHash(dir);
      const dry = fks(["scaffold", "health", dir, "--dry-run"]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("+++ b/");
      expect(dry.stdout).toContain("+    application.include_router(health_router)");
      expect(treeHash(dir)).toBe(hash);

      // Every --check finding the plain run fixes names that run; the broken ones name the --force run for their service.
      const hints = rulesOf(before.stdout) as Array<{ rule: string; service?: string; hint?: string }>;
      expect(hints.find((f) => f.rule === "health/endpoints-missing")!.hint).toContain(`run \`fks scaffold health ${dir}\``);
      const forceCmd = `fks scaffold health ${dir} --force`;
      for (const f of hints.filter((h) => /broken$/.test(h.rule))) expect(f.hint).toContain(`\`${forceCmd}\``);

      const first = fks(["scaffold", "health", dir]);
      expect(first.code).toBe(0);
      expect(first.stderr).toContain(`2 broken healthchecks were kept (data): run \`${forceCmd}\` to replace them`);
      const middle = rulesOf(fks(["scaffold", "health", "--check", dir, "--format", "json"]).stdout);
      expect(middle.filter((f) => f.severity === "error").map((f) => f.rule).sort()).toEqual(["health/compose-healthcheck-broken", "health/dockerfile-healthcheck-broken"]);

      // Exactly the command the message names.
      const named = /run `fks ([^`]+)`/.exec(first.stderr)![1]!.split(" ");
      expect(fks(named).code).toBe(0);
      const after = fks(["scaffold", "health", "--check", dir, "--format", "json"]);
      expect(after.code).toBe(0);
      // The invalid name is a planted manifest error fks must not rewrite: still reported, with a hint.
      const left = rulesOf(after.stdout) as Array<{ rule: string; hint?: string }>;
      expect(left.map((f) => f.rule)).toEqual(["health/k8s-invalid-name"]);
      expect(left[0]!.hint).toMatch(/rename/);
      expect(readFileSync(path.join(dir, "k8s/web.yaml"), "utf8")).toContain("name: web_app");

      const hash2 = treeHash(dir);
      const again = fks(["scaffold", "health", dir, "--force"]);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain("nothing to change");
      expect(treeHash(dir)).toBe(hash2);
    } finally {
      removeTree(dir);
    }
  });

  it("keeps comments and untouched lines of compose and k8s files, and the manifests validate", async () => {
    const dir = platformCopy();
    try {
      const compose0 = readFileSync(path.join(dir, "docker-compose.yml"), "utf8");
      expect(fks(["scaffold", "health", dir]).code).toBe(0);
      const compose = readFileSync(path.join(dir, "docker-compose.yml"), "utf8");
      // Comments stay where they were, except those the edit made false: "no healthcheck" and the plain list's "starts before" note.
      const stale = /no healthcheck|starts before/; // without --force the broken check and its comment stay
      for (const line of compose0.split("\n").filter((l) => l.includes("#") && !stale.test(l))) expect(compose).toContain(line);
      for (const line of compose0.split("\n").filter((l) => stale.test(l))) expect(compose).not.toContain(line);
      expect(compose).toMatch(/^ {4}depends_on:\n {6}postgres:\n/m);
      const api = parseAllDocuments(compose)[0]!.toJS().services.api;
      expect(api.depends_on.postgres.condition).toBe("service_healthy");
      expect(api.healthcheck.retries).toBe(3);
      const { Deployment } = await import("kubernetes-models/apps/v1");
      for (const f of ["api", "data", "execution", "web"]) {
        const text = readFileSync(path.join(dir, "k8s", `${f}.yaml`), "utf8");
        const dep = parseAllDocuments(text)[0]!.toJS();
        new Deployment(dep).validate();
        const c = dep.spec.template.spec.containers[0];
        expect(c.livenessProbe.httpGet.path).toBe("/live");
        expect(c.readinessProbe.httpGet.path).toBe("/ready");
        expect(c.livenessProbe.failureThreshold).toBe(3);
        expect(c.readinessProbe.periodSeconds).toBeGreaterThanOrEqual(10);
        expect(c.lifecycle.preStop.sleep.seconds).toBeGreaterThan(0);
      }
      expect(readFileSync(path.join(dir, "k8s/data.yaml"), "utf8")).toContain("# Liveness and readiness are the same check");
    } finally {
      removeTree(dir);
    }
  });

  it("a Python syntax error is reported as file:line and nothing is written for that service", () => {
    const dir = platformCopy();
    try {
      const main = path.join(dir, "data/app/main.py");
      writeFileSync(main, readFileSync(main, "utf8").replace("def health():", "def health(:"));
      const hash = treeHash(path.join(dir, "data"));
      const r = fks(["scaffold", "health", dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/data\/app\/main\.py:\d+/);
      expect(r.stderr).toContain("health/unparsable");
      expect(treeHash(path.join(dir, "data"))).toBe(hash);
      // Other services still got their endpoints; data's compose block was not touched.
      expect(readFileSync(path.join(dir, "api/app/main.py"), "utf8")).toContain("include_router(health_router)");
      expect(readFileSync(path.join(dir, "docker-compose.yml"), "utf8")).toContain('test: ["CMD", "curl", "-f", "http://localhost:8002/health"]');
    } finally {
      removeTree(dir);
    }
  });

  it("--check renders sarif, junit and github annotations from the same findings", () => {
    const dir = platformCopy();
    try {
      const sarif = JSON.parse(fks(["scaffold", "health", "--check", dir, "--format", "sarif"]).stdout);
      expect(sarif.runs[0].results.length).toBeGreaterThan(10);
      expect(fks(["scaffold", "health", "--check", dir, "--format", "junit"]).stdout).toContain("<testsuite");
      expect(fks(["scaffold", "health", "--check", dir, "--format", "github"]).stdout).toMatch(/^::error file=/m);
      expect(fks(["scaffold", "health", "--check", dir, "--service", "web", "--format", "json", "--fail-on", "warning"]).code).toBe(1);
    } finally {
      removeTree(dir);
    }
  });
});
