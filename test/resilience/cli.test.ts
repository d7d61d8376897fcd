/**
 * fks scaffold resilience / tracing as a user runs them: dry-run diffs that write nothing, a
 * second run that changes nothing, one-line errors for bad input, the service's own breaker left
 * alone without --replace, dependencies added in the file's style, and generated Python that
 * compiles and passes ruff.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pythonBin } from "../env/engines.js";
import { fks, removeTree } from "../helpers.js";
import { platformCopy, treeHash } from "../scaffold/platform.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
const copy = () => {
  const d = platformCopy();
  dirs.push(d);
  return d;
};

describe("fks scaffold resilience", () => {
  it("--dry-run prints the module, the wiring and the dependencies as diffs and writes nothing", () => {
    const dir = copy();
    const before = treeHash(dir);
    const r = fks(["scaffold", "resilience", "api", dir, "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(treeHash(dir)).toBe(before);
    expect(r.stdout).toContain("+++ b/");
    expect(r.stdout).toMatch(/\+\s+"data": "DATA_URL",/);
    expect(r.stdout).toMatch(/\+\s+"execution": "EXECUTION_URL",/);
    expect(r.stdout).toContain("+    resilience.install(application)");
    expect(r.stdout).toContain("+from . import resilience");
    // requirements.txt pins with >=: so do the additions.
    expect(r.stdout).toContain("+stamina>=26.1.0");
    expect(r.stdout).toContain("+purgatory>=3.0.1");
  });

  it("writes atomically once; a second run changes nothing", () => {
    const dir = copy();
    const first = fks(["scaffold", "resilience", "api", dir, "--format", "json"]);
    expect(first.code, first.stderr).toBe(0);
    const res = JSON.parse(first.stdout) as { edits: Array<{ file: string }>; downstreams: Array<{ name: string; env: string }>; written: boolean };
    expect(res.written).toBe(true);
    expect(res.downstreams.map((d) => `${d.name}=${d.env}`)).toEqual(["data=DATA_URL", "execution=EXECUTION_URL"]);
    expect(res.edits.map((e) => path.basename(e.file)).sort()).toEqual(["main.py", "market.py", "requirements.txt", "resilience.py"]);
    const after = treeHash(dir);
    const second = fks(["scaffold", "resilience", "api", dir, "--format", "json"]);
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { edits: unknown[] }).edits).toEqual([]);
    expect(treeHash(dir)).toBe(after);
  });

  it("is idempotent on axum and Django too, in either order of resilience and tracing", () => {
    const dir = copy();
    for (const args of [["tracing", "execution"], ["resilience", "execution", "--downstream", "data=DATA_URL"], ["resilience", "web"], ["tracing", "web"]]) {
      expect(fks(["scaffold", ...args, dir]).code).toBe(0);
    }
    const main = readFileSync(path.join(dir, "execution/src/main.rs"), "utf8");
    // Trace layers stay outermost even when the client was added second; the client gets the trace context.
    expect(main).toContain("axum::serve(listener, trace_context::layer(resilience::layer(app())))");
    expect(main).toContain("resilience::propagate_with(trace_context::outgoing_headers);");
    const hash = treeHash(dir);
    for (const args of [["tracing", "execution"], ["resilience", "execution", "--downstream", "data=DATA_URL"], ["resilience", "web"], ["tracing", "web"]]) {
      const r = fks(["scaffold", ...args, dir, "--format", "json"]);
      expect((JSON.parse(r.stdout) as { edits: unknown[] }).edits, args.join(" ")).toEqual([]);
    }
    expect(treeHash(dir)).toBe(hash);
  });

  it("is idempotent with --otel (FastAPI, Django, axum)", () => {
    const dir = copy();
    const runs = [["tracing", "api", "--otel"], ["tracing", "web", "--otel"], ["tracing", "execution", "--otel"]];
    for (const args of runs) expect(fks(["scaffold", ...args, dir]).code).toBe(0);
    const hash = treeHash(dir);
    for (const args of runs) expect((JSON.parse(fks(["scaffold", ...args, dir, "--format", "json"]).stdout) as { edits: unknown[] }).edits, args.join(" ")).toEqual([]);
    expect(treeHash(dir)).toBe(hash);
  });

  it("reads downstreams from compose for web (Django) and takes --downstream by hand", () => {
    const dir = copy();
    const r = fks(["scaffold", "resilience", "web", dir, "--dry-run", "--format", "json", "--downstream", "pricing=PRICING_URL"]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { downstreams: Array<{ name: string }> }).downstreams.map((d) => d.name)).toEqual(["data", "execution", "pricing"]);
  });

  it("a Python syntax error in the app is one line with file:line, exit 2, nothing written", () => {
    const dir = copy();
    const main = path.join(dir, "api/app/main.py");
    writeFileSync(main, readFileSync(main, "utf8").replace("def create_app() -> FastAPI:", "def create_app( -> FastAPI:"));
    const before = treeHash(dir);
    const r = fks(["scaffold", "resilience", "api", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")[0]).toMatch(/main\.py:\d+.*syntax error.*—/);
    expect(treeHash(dir)).toBe(before);
  });

  it("an unknown service, a bad --downstream or a bad number is a usage error", () => {
    const dir = copy();
    expect(fks(["scaffold", "resilience", "nope", dir]).code).toBe(2);
    expect(fks(["scaffold", "resilience", "api", dir, "--downstream", "data"]).stderr).toContain("name=ENV_VAR");
    expect(fks(["scaffold", "resilience", "api", dir, "--timeout", "-1"]).code).toBe(2);
  });

  it("leaves a service with its own breaker class alone unless --replace", () => {
    const dir = copy();
    const own = path.join(dir, "api/app/core/breaker.py");
    writeFileSync(own, "import time\n\n\nclass CircuitBreaker:\n    def __init__(self):\n        self.failures = 0\n        self.opened = time.monotonic()\n");
    const before = treeHash(dir);
    const r = fks(["scaffold", "resilience", "api", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout) as { findings: Array<{ rule: string; file: string; line: number; hint?: string }> }).findings.find((x) => x.rule === "resilience/own-client");
    expect(f?.file).toMatch(/core\/breaker\.py$/);
    expect(f?.line).toBe(4);
    expect(f?.hint).toContain("--replace");
    expect(treeHash(dir)).toBe(before);
    const replaced = fks(["scaffold", "resilience", "api", dir, "--replace"]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(existsSync(path.join(dir, "api/app/resilience.py"))).toBe(true);
    expect(readFileSync(own, "utf8")).toContain("class CircuitBreaker:");
  });

  it("adds dependencies to pyproject [project] dependencies when there is no requirements.txt", () => {
    const dir = copy();
    const svc = path.join(dir, "data");
    const req = readFileSync(path.join(svc, "requirements.txt"), "utf8");
    spawnSync("rm", [path.join(svc, "requirements.txt")]);
    writeFileSync(path.join(svc, "pyproject.toml"), `[project]\nname = "data"\nversion = "0.9.2"\ndependencies = [\n${req.trim().split("\n").map((l) => `    "${l}",`).join("\n")}\n]\n`);
    const r = fks(["scaffold", "resilience", "data", dir, "--downstream", "api=API_URL"]);
    expect(r.code, r.stderr).toBe(0);
    const py = readFileSync(path.join(svc, "pyproject.toml"), "utf8");
    expect(py).toContain('    "stamina>=26.1.0",\n');
    expect(py).toMatch(/"redis[^"]*",\n {4}"httpx>=0\.28\.1",/);
  });
});

describe("generated Python", () => {
  const venv = existsSync(pythonBin());
  if (!venv) console.warn(`[skip] py_compile and ruff of generated code: no venv at ${pythonBin()}`);
  it.skipIf(!venv)("compiles and passes ruff (pyflakes, pycodestyle errors, bugbear) for FastAPI and Django, plain and --otel", () => {
    const dir = copy();
    for (const args of [["resilience", "api"], ["tracing", "api"], ["tracing", "data", "--otel"], ["resilience", "web"], ["tracing", "web"]]) {
      const r = fks(["scaffold", ...args, dir]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    const files = ["api/app/resilience.py", "api/app/tracing.py", "api/app/main.py", "data/app/tracing.py", "data/app/main.py", "web/webapp/resilience.py", "web/webapp/tracing.py", "web/webapp/settings.py"].map((f) => path.join(dir, f));
    for (const f of files) expect(existsSync(f), f).toBe(true);
    const compiled = spawnSync(pythonBin(), ["-m", "py_compile", ...files], { encoding: "utf8" });
    expect(compiled.status, compiled.stderr).toBe(0);
    const ruff = path.join(path.dirname(pythonBin()), "ruff");
    if (!existsSync(ruff)) {
      console.warn(`[skip] ruff: not installed at ${ruff}`);
      return;
    }
    const lint = spawnSync(ruff, ["check", "--isolated", "--select", "E4,E7,E9,F,B", ...files], { encoding: "utf8" });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });
});
