import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError, FksError } from "../../src/errors.js";
import { tempTree } from "../helpers.js";

const load = (yaml: string, env: Record<string, string> = {}) => loadConfig({ cwd: tempTree({ "fks.yaml": yaml }), env });

describe("fks.yaml loading", () => {
  it("accepts a service known only by its baseUrl and fills health defaults", () => {
    const { config } = load("services:\n  billing:\n    baseUrl: http://10.0.0.5:8080\n    health: {live: /livez}\n");
    expect(config.services.billing?.baseUrl).toBe("http://10.0.0.5:8080");
    expect(config.services.billing?.health).toEqual({ live: "/livez", ready: "/ready", health: "/health" });
  });

  it("collects every problem at once, each with its line and field path", () => {
    const yaml = ["version: 1", "services:", "  api:", '    port: "80a"', "    framwork: fastapi", "  web:", "    baseUrl: not-a-url", ""].join("\n");
    let err: unknown;
    try {
      load(yaml);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(Object.keys(byPath).sort()).toEqual(["services.api.framwork", "services.api.port", "services.web.baseUrl"]);
    expect(byPath["services.api.port"]!.line).toBe(4);
    expect(byPath["services.api.port"]!.message).toContain('"80a"');
    expect(byPath["services.api.framwork"]!.line).toBe(5);
    expect(byPath["services.web.baseUrl"]!.line).toBe(7);
    expect(issues.every((i) => i.file === "fks.yaml" && i.hint)).toBe(true);
  });

  it("reports a YAML syntax error at its line", () => {
    expect(() => load("services:\n  api:\n    port: 1\n   bad: [\n")).toThrow(/fks\.yaml:\d+ YAML syntax error/);
  });

  it("refuses a YAML alias bomb instead of expanding it", () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill("*" + String.fromCharCode(97 + i)).join(",")}]`);
    const started = Date.now();
    expect(() => load(bomb.join("\n") + "\n")).toThrow(FksError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("lets FKS_* environment variables override the file, and names the variable when invalid", () => {
    const yaml = "services:\n  api:\n    port: 8000\n";
    const { config } = load(yaml, { FKS_SERVICES__API__PORT: "9000", FKS_SERVICES__API__BASEURL: "http://127.0.0.1:9000", FKS_HEALTH_TOKEN: "secret" });
    expect(config.services.api?.port).toBe(9000);
    expect(config.services.api?.baseUrl).toBe("http://127.0.0.1:9000");
    try {
      load(yaml, { FKS_SERVICES__API__PORT: "high" });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).issues[0]!.file).toBe("environment FKS_SERVICES__API__PORT");
    }
  });

  it("uses defaults when there is no fks.yaml, and errors on a missing explicit --config", () => {
    const cwd = tempTree({});
    expect(loadConfig({ cwd }).config.services).toEqual({});
    expect(() => loadConfig({ cwd, configPath: "nope.yaml" })).toThrow(/config file not found: nope\.yaml/);
  });
});

describe("README's fks.yaml reference", () => {
  it("is a valid configuration", async () => {
    const { readFileSync } = await import("node:fs");
    const { ROOT } = await import("../helpers.js");
    const readme = readFileSync(`${ROOT}/README.md`, "utf8");
    const block = /```yaml\n(version: 1\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "README has a yaml block starting with version: 1").toBeTruthy();
    const { config } = load(block!);
    expect(Object.keys(config.services)).toEqual(["api"]);
    expect(config.services.api?.health).toEqual({ live: "/live", ready: "/ready", health: "/health" });
  });
});
