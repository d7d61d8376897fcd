import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { servesFromCatalog } from "../../src/features/scaffold/served.js";
import type { Route } from "../../src/model.js";
import { fks, removeTree } from "../helpers.js";
import { platformCopy } from "./platform.js";

const route = (method: string, p: string, unresolved = false): Route => ({
  service: "s", framework: "fastapi", method, path: p, handler: "h", file: "f.py", line: 1, via: [], unresolved,
});

describe("paths served according to the route catalog", () => {
  it("matches parameters, wildcards and an optional trailing slash; only GET-like methods serve probes", () => {
    const serves = servesFromCatalog([route("GET", "/orders/{id}"), route("POST", "/submit"), route("ANY", "/static/{*rest}"), route("GET", "/api/")]);
    expect(serves("/orders/42")).toBe(true);
    expect(serves("/orders/42/fills")).toBe(false);
    expect(serves("/static/css/app.css")).toBe(true);
    expect(serves("/api")).toBe(true);
    expect(serves("/submit")).toBe(false);
    expect(serves("/live")).toBe(false);
  });

  it("cannot tell when the catalog is empty or has unresolved routes", () => {
    expect(servesFromCatalog([])("/live")).toBeUndefined();
    expect(servesFromCatalog([route("GET", "/a"), route("GET", "{prefix}/b", true)])("/live")).toBeUndefined();
  });

  it("--check reports a Kubernetes probe on a path the code does not serve, at the path's line", () => {
    const dir = platformCopy();
    try {
      const file = path.join(dir, "k8s/execution.yaml");
      const text = readFileSync(file, "utf8");
      expect(text).toContain("path: /api/positions");
      writeFileSync(file, text.replace("path: /api/positions", "path: /api/positionz"));
      const r = fks(["scaffold", "health", "--check", dir, "--format", "json"]);
      const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string; service: string; file: string; line: number; message: string }> }).findings;
      const hit = findings.filter((f) => f.rule === "health/k8s-probe-path-not-served");
      expect(hit.map((f) => f.service)).toEqual(["execution"]);
      expect(hit[0]!.message).toContain("/api/positionz");
      const pathLine = text.split("\n").findIndex((l) => l.includes("path: /api/positions")) + 1;
      expect(hit[0]!.line).toBe(pathLine);
    } finally {
      removeTree(dir);
    }
  });
});
