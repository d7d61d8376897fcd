/**
 * fks chaos init --compose on the example platform: a diff on --dry-run, an atomic write, nothing
 * on a second run; the inline proxy list is accepted by a real Toxiproxy server started with it.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PLATFORM, fks, removeTree, tempTree } from "../helpers.js";
import { cacheDir, freePort } from "../env/engines.js";

let dir: string;
beforeAll(() => {
  dir = tempTree({});
  cpSync(path.join(PLATFORM, "docker-compose.yml"), path.join(dir, "docker-compose.yml"));
});
afterAll(() => removeTree(dir));

interface Override {
  configs: Record<string, { content: string }>;
  services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, unknown>; image?: string }>;
}

describe("fks chaos init --compose", () => {
  it("--dry-run shows the override as a diff and writes nothing", () => {
    const r = fks(["chaos", "init", "--compose", "--dry-run"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^={10,}\n--- \/dev\/null\n\+\+\+ b\/docker-compose\.chaos\.yml/);
    expect(r.stdout).toContain("+      DATA_URL: http://toxiproxy:18002");
    expect(existsSync(path.join(dir, "docker-compose.chaos.yml"))).toBe(false);
  });

  it("points every caller's downstream URL at its own proxy, and a second run changes nothing", () => {
    const r = fks(["chaos", "init", "--compose", "docker-compose.yml"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(path.join(dir, "docker-compose.chaos.yml"), "utf8");
    const o = parse(text) as Override;
    const base = parse(readFileSync(path.join(dir, "docker-compose.yml"), "utf8")) as Override;
    const proxies = JSON.parse(o.configs["fks-toxiproxy"]!.content) as Array<{ name: string; listen: string; upstream: string }>;
    // Each rewritten variable reaches, through its proxy, the host:port the original URL named.
    for (const [svc, s] of Object.entries(o.services)) {
      if (svc === "toxiproxy") continue;
      expect(s.depends_on).toHaveProperty("toxiproxy");
      for (const [k, v] of Object.entries(s.environment!)) {
        const listen = new URL(v).port;
        const p = proxies.find((x) => x.listen.endsWith(`:${listen}`))!;
        expect(p.name).toBe(`${svc}-${p.upstream.split(":")[0]}`);
        expect(new URL(base.services[svc]!.environment![k]!).host).toBe(p.upstream);
      }
    }
    expect(Object.keys(o.services).sort()).toEqual(["api", "execution", "toxiproxy", "web"]);
    expect(new Set(proxies.map((p) => p.listen)).size).toBe(proxies.length);
    expect(r.stderr).toContain("add to fks.yaml");
    const again = fks(["chaos", "init", "--compose"], { cwd: dir });
    expect(again.stderr).toContain("docker-compose.chaos.yml is up to date");
    expect(readFileSync(path.join(dir, "docker-compose.chaos.yml"), "utf8")).toBe(text);
  });

  const server = path.join(cacheDir(), "toxiproxy/v2.12.0/server");
  if (!existsSync(server)) console.warn(`skipping the Toxiproxy config check: ${server} not built (run bash scripts/env/setup.sh)`);
  it.skipIf(!existsSync(server))("a real Toxiproxy starts with the inline proxy list and creates every proxy", async () => {
    const o = parse(readFileSync(path.join(dir, "docker-compose.chaos.yml"), "utf8")) as Override;
    const proxies = JSON.parse(o.configs["fks-toxiproxy"]!.content) as Array<{ name: string; listen: string }>;
    // Same list on free loopback ports: the compose ports may be taken on this machine.
    const local = await Promise.all(proxies.map(async (p) => ({ ...p, listen: `127.0.0.1:${await freePort()}` })));
    const cfg = path.join(dir, "toxiproxy.json");
    writeFileSync(cfg, JSON.stringify(local));
    const port = await freePort();
    const child = spawn(server, ["-host", "127.0.0.1", "-port", String(port), "-config", cfg], { stdio: "ignore" });
    try {
      let got: Record<string, { listen: string }> | undefined;
      for (let i = 0; i < 50 && !got; i++) {
        got = await fetch(`http://127.0.0.1:${port}/proxies`).then((r) => r.json() as Promise<Record<string, { listen: string }>>, () => undefined);
        if (!got || Object.keys(got).length < local.length) {
          got = undefined;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(Object.keys(got ?? {}).sort()).toEqual(local.map((p) => p.name).sort());
    } finally {
      child.kill();
    }
  });
});
