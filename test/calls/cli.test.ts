import { describe, expect, it } from "vitest";
import { fks } from "../helpers.js";

const FIX = "test/fixtures/calls/platform";

describe("fks audit calls (CLI)", () => {
  it("exits 1 on the planted errors and prints the graph, calls and findings", () => {
    const r = fks(["audit", "calls", FIX]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^call graph\n/);
    expect(r.stdout).toMatch(/orders\s+catalog\s+6\s+GET \/items\/\{item_id\}, GET \/products, DELETE \/items\/\{item_id\}, GET \/items/);
    expect(r.stdout).toContain("cycles: catalog ↔ orders");
    expect(r.stdout).toMatch(/5 errors, \d+ warnings, 2 notes/);
  });

  it("--fail-on none exits 0; json holds the graph", () => {
    const r = fks(["audit", "calls", FIX, "--format", "json", "--fail-on", "none"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.graph.edges.find((e: { from: string; to: string }) => e.from === "ledger" && e.to === "billing").calls[0].route.path).toBe("/charges");
    expect(doc.stats.calls).toBe(18);
  });

  it("dot and mermaid draw one edge per caller/callee pair, unsafe edges in red", () => {
    const dot = fks(["audit", "calls", FIX, "--format", "dot"]).stdout;
    expect(dot.startsWith("digraph calls {")).toBe(true);
    expect(dot.match(/ -> /g)?.length).toBe(9);
    expect(dot).toMatch(/"orders" -> "catalog" \[label="[^"]*no timeout[^"]*", color=red, style=bold\]/);
    const mm = fks(["audit", "calls", FIX, "--format", "mermaid"]).stdout;
    expect(mm.startsWith("flowchart LR\n")).toBe(true);
    expect(mm.match(/-->/g)?.length).toBe(9);
  });

  it("sarif, junit and github annotations carry the findings", () => {
    const sarif = JSON.parse(fks(["audit", "calls", FIX, "--format", "sarif"]).stdout);
    const ids = sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId);
    expect(ids.filter((i: string) => i === "calls/dead-call").length).toBe(3);
    expect(sarif.runs[0].tool.driver.rules.length).toBeGreaterThanOrEqual(10);
    expect(fks(["audit", "calls", FIX, "--format", "junit"]).stdout).toContain('<testsuite name="orders"');
    expect(fks(["audit", "calls", FIX, "--format", "github"]).stdout).toMatch(/^::error file=test\/fixtures\/calls\/platform\/.*title=calls\/call-cycle::synchronous call cycle/m);
  });

  it("bad input is one line and exit 2", () => {
    const r = fks(["audit", "calls", FIX, "--fan-out", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fan-out must be a whole number/);
    const missing = fks(["audit", "calls", "no/such/dir"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/path not found or not a folder: no\/such\/dir/);
  });

  it("a fks-ignore comment on the call's line silences that rule there", async () => {
    const { tempTree, removeTree } = await import("../helpers.js");
    const dir = tempTree({
      "docker-compose.yml": "services:\n  a:\n    build: ./a\n  b:\n    build: ./b\n",
      "a/requirements.txt": "requests\n",
      "a/main.py": 'import requests\n\n\ndef f():\n    return requests.get("http://b:8000/x", timeout=2)  # fks-ignore: calls/no-breaker\n',
      "b/requirements.txt": "fastapi\n",
      "b/main.py": 'from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.get("/x")\ndef x():\n    return 1\n',
    });
    try {
      const doc = JSON.parse(fks(["audit", "calls", dir, "--format", "json"]).stdout);
      expect(doc.findings.map((f: { rule: string }) => f.rule)).toEqual(["calls/trace-not-propagated"]);
      expect(doc.calls[0].route.handler).toBe("x");
    } finally {
      removeTree(dir);
    }
  });
});

describe("targets from a compose env_file", () => {
  it("reads the variable from the service's env_file before the code default", async () => {
    const { tempTree, removeTree } = await import("../helpers.js");
    const dir = tempTree({
      "docker-compose.yml": "services:\n  a:\n    build: ./a\n    env_file: [./a.env]\n  b:\n    build: ./b\n",
      "a.env": "# where b answers\nB_URL=http://b:9000\n",
      "a/requirements.txt": "httpx\npydantic-settings\n",
      "a/config.py": 'from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    b_url: str = "http://localhost:1"\n\n\nsettings = Settings()\n',
      "a/main.py": 'import httpx\n\nfrom config import settings\n\n\ndef f(item):\n    return httpx.get(f"{settings.b_url}/items/{item.id}")\n',
      "b/requirements.txt": "fastapi\n",
      "b/main.py": 'from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.get("/items/{item_id}")\ndef x(item_id: int):\n    return 1\n',
    });
    try {
      const doc = JSON.parse(fks(["audit", "calls", dir, "--format", "json"]).stdout);
      expect(doc.calls[0].target).toMatchObject({ url: "http://b:9000/items/{id}", service: "b", path: "/items/{id}" });
      expect(doc.calls[0].target.sources.at(-1)).toMatchObject({ kind: "env", detail: "B_URL=http://b:9000", line: 2 });
      expect(doc.calls[0].route.handler).toBe("x");
    } finally {
      removeTree(dir);
    }
  });
});
