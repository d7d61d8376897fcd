/**
 * Compose files that share blocks through YAML anchors: a depends_on list another service aliases
 * keeps its anchor when fks turns it into a map (the alias used to dangle, and fks stopped with an
 * internal error), and a healthcheck given as an alias is an existing healthcheck, not a missing one.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { fks, removeTree, tempTree } from "../helpers.js";

const API = {
  "api/requirements.txt": "fastapi\nuvicorn\n",
  "api/app/__init__.py": "",
  "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
  "api/Dockerfile": 'FROM python:3.12-slim\nCOPY app ./app\nEXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
};
const REDIS = "  redis:\n    image: redis:7\n    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeTree));
function run(compose: string, ...flags: string[]): { code: number | null; stderr: string; text: string } {
  const dir = tempTree({ ...API, "compose.yaml": compose });
  dirs.push(dir);
  const r = fks(["scaffold", "health", ".", ...flags], { cwd: dir });
  return { code: r.code, stderr: r.stderr, text: readFileSync(path.join(dir, "compose.yaml"), "utf8") };
}

describe("compose anchors and aliases", () => {
  it("an anchored depends_on list that another service aliases keeps its anchor as a map", () => {
    const r = run(`services:\n  api:\n    build: ./api\n    depends_on: &deps\n      - redis\n  web:\n    image: nginx:1.27\n    depends_on: *deps\n${REDIS}`);
    expect(r.code, r.stderr).toBe(0);
    expect(parseDocument(r.text).errors).toEqual([]);
    expect(r.text).toMatch(/^ {4}depends_on: &deps\n {6}redis:\n {8}condition: service_healthy$/m);
    expect(r.text).toMatch(/^ {4}depends_on: \*deps$/m);
    const c = parse(r.text, { merge: true }) as { services: Record<string, { depends_on: unknown }> };
    expect(c.services.web!.depends_on).toEqual({ redis: { condition: "service_healthy" } });
  });

  it("a healthcheck given as an alias is kept without --force", () => {
    const compose = `x-hc: &hc\n  test: ["CMD", "python", "-c", "print(1)"]\n  interval: 20s\nservices:\n  api:\n    build: ./api\n    healthcheck: *hc\n${REDIS}`;
    const r = run(compose);
    expect(r.code, r.stderr).toBe(0);
    expect(r.text).toBe(compose);
  });

  it("with --force, a broken aliased healthcheck is replaced for its service only", () => {
    const compose = `x-hc: &hc\n  test: curl -f http://localhost:8000/health\n  interval: 20s\nservices:\n  api:\n    build: ./api\n    healthcheck: *hc\n  docs:\n    image: caddy:2\n    healthcheck: *hc\n${REDIS}`;
    const r = run(compose, "--force");
    expect(r.code, r.stderr).toBe(0);
    const c = parse(r.text) as { "x-hc": { test: unknown }; services: Record<string, { healthcheck: { test: unknown; interval: string } }> };
    expect(c["x-hc"].test).toBe("curl -f http://localhost:8000/health");
    expect(c.services.docs!.healthcheck.test).toBe("curl -f http://localhost:8000/health");
    expect((c.services.api!.healthcheck.test as string[]).slice(0, 2)).toEqual(["CMD", "python"]);
    expect(c.services.api!.healthcheck.interval).toBe("20s");
  });
});

describe("compose merge keys (`<<: *common`)", () => {
  const common = `x-common: &common\n  restart: unless-stopped\n  healthcheck:\n    test: ["CMD", "python", "-c", "print(1)"]\n    interval: 20s\n`;

  it("a healthcheck a service gets through a merge key is its healthcheck: discovery sees it and scaffold keeps it", () => {
    const compose = `${common}services:\n  api:\n    <<: *common\n    build: ./api\n${REDIS}`;
    const dir = tempTree({ ...API, "compose.yaml": compose });
    dirs.push(dir);
    const seen = JSON.parse(fks(["services", "--format", "json"], { cwd: dir }).stdout) as { services: Array<{ name: string; compose?: { healthcheck?: { test: string } } }> };
    expect(seen.services.find((s) => s.name === "api")!.compose!.healthcheck!.test).toBe('python -c print(1)');
    const r = fks(["scaffold", "health", "."], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "compose.yaml"), "utf8")).toBe(compose);
  });

  it("with --force, a broken merged healthcheck is replaced by the service's own, and the shared block is left alone", () => {
    const broken = common.replace('["CMD", "python", "-c", "print(1)"]', "curl -f http://localhost:8000/health");
    const r = run(`${broken}services:\n  api:\n    <<: *common\n    build: ./api\n  docs:\n    <<: *common\n    image: caddy:2\n${REDIS}`, "--force");
    expect(r.code, r.stderr).toBe(0);
    const c = parse(r.text, { merge: true }) as { "x-common": { healthcheck: { test: unknown } }; services: Record<string, { healthcheck: { test: unknown } }> };
    expect(c.services.api!.healthcheck.test).toEqual(expect.arrayContaining(["CMD"]));
    expect(JSON.stringify(c.services.api!.healthcheck.test)).not.toMatch(/curl/);
    expect(c["x-common"].healthcheck.test).toBe("curl -f http://localhost:8000/health");
    expect(c.services.docs!.healthcheck.test).toBe("curl -f http://localhost:8000/health");
  });
});

describe("depends_on given through a merge key", () => {
  it("each service that merges it gets its own map waiting for healthy dependencies; the shared list is left alone; a second run changes nothing", () => {
    const compose = `x-deps: &deps\n  depends_on:\n    - redis\nservices:\n  api:\n    <<: *deps\n    build: ./api\n  docs:\n    <<: *deps\n    image: caddy:2\n${REDIS}`;
    const r = run(compose);
    expect(r.code, r.stderr).toBe(0);
    const c = parse(r.text, { merge: true }) as { "x-deps": { depends_on: unknown }; services: Record<string, { depends_on: unknown }> };
    expect(c.services.api!.depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(c.services.docs!.depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(c["x-deps"].depends_on).toEqual(["redis"]);
    const second = fks(["scaffold", "health", "."], { cwd: dirs[dirs.length - 1]! });
    expect(second.code).toBe(0);
    expect(readFileSync(path.join(dirs[dirs.length - 1]!, "compose.yaml"), "utf8")).toBe(r.text);
  });
});
