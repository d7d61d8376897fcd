/**
 * The edits fks makes to code it did not write: MIDDLEWARE in Django split settings (and the
 * served result), the router axum::serve serves, `mod` declarations, and Cargo.toml features.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addMod, wrapServed } from "../../src/frameworks/resilience/axum.js";
import { cargoEdits } from "../../src/frameworks/resilience/cargo-deps.js";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, ROOT } from "../helpers.js";
import { treeHash } from "../scaffold/platform.js";

const started: StartedProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  dirs.forEach(removeTree);
});

describe("Django split settings", () => {
  const venv = existsSync(pythonBin());
  if (!venv) console.warn(`[skip] Django split settings served: no venv at ${pythonBin()}`);
  it.skipIf(!venv)("puts the trace middleware first and the resilience middleware last in base.py's MIDDLEWARE, and runserver answers with a traceparent", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fks-split-calls-"));
    dirs.push(dir);
    cpSync(path.join(ROOT, "test/fixtures/scaffold/django-split-settings"), dir, { recursive: true });
    const service = path.basename(dir);
    for (const part of ["tracing", "resilience"]) {
      const r = fks(["scaffold", part, service, dir, ...(part === "resilience" ? ["--downstream", "pricing=PRICING_URL"] : [])]);
      expect(r.code, r.stderr).toBe(0);
    }
    const base = readFileSync(path.join(dir, "proj/settings/base.py"), "utf8");
    expect(base).toContain('MIDDLEWARE = [\n    "proj.tracing.TracingMiddleware",\n    "django.middleware.common.CommonMiddleware",\n    "proj.resilience.DownstreamUnavailableMiddleware",\n]');
    const hash = treeHash(dir);
    for (const part of ["tracing", "resilience"]) expect(fks(["scaffold", part, service, dir, ...(part === "resilience" ? ["--downstream", "pricing=PRICING_URL"] : [])]).code).toBe(0);
    expect(treeHash(dir)).toBe(hash);
    const p = await startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], { cwd: dir, readyUrl: "http://127.0.0.1:{port}/items/", timeoutMs: 30_000 });
    started.push(p);
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const r = await httpRequest(`http://127.0.0.1:${p.port}/items/`, { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` } });
    expect(r.status).toBe(200);
    expect(String(r.headers.traceparent)).toMatch(new RegExp(`^00-${trace}-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$`));
    expect(String(r.headers["x-request-id"])).toMatch(/^[0-9a-f-]{36}$/);
  }, 60_000);
});

describe("axum wiring", () => {
  it("wraps the served router, inside an existing trace layer, before into_make_service", () => {
    expect(wrapServed("fn main() { axum::serve(listener, app()).await.unwrap(); }", "resilience")).toBe("fn main() { axum::serve(listener, resilience::layer(app())).await.unwrap(); }");
    expect(wrapServed("axum::serve(l, trace_context::layer(app()))", "resilience", "trace_context")).toBe("axum::serve(l, trace_context::layer(resilience::layer(app())))");
    expect(wrapServed("axum::serve(l, router.into_make_service())", "trace_context")).toBe("axum::serve(l, trace_context::layer(router).into_make_service())");
    expect(wrapServed("axum::serve(\n        l,\n        app(),\n    )", "trace_context")).toBe("axum::serve(\n        l,\n        trace_context::layer(app()),\n    )");
    expect(wrapServed("axum::serve(l, resilience::layer(app()))", "resilience")).toBe("axum::serve(l, resilience::layer(app()))");
    expect(wrapServed("fn main() {}", "resilience")).toBeUndefined();
  });

  it("declares the module after the crate's other mods, or after its inner doc comment", () => {
    expect(addMod("mod a;\nmod b;\n\nfn main() {}\n", "resilience")).toBe("mod a;\nmod b;\nmod resilience;\n\nfn main() {}\n");
    expect(addMod("//! The service.\n\nuse x;\n", "resilience")).toBe("//! The service.\n\nmod resilience;\n\nuse x;\n");
    expect(addMod("use x;\n", "resilience")).toBe("mod resilience;\n\nuse x;\n");
  });

  it("adds crates to [dependencies] and the features the code needs to crates already there", () => {
    const wanted = [{ name: "failsafe", version: "1" }, { name: "reqwest", version: "0.12", cargo: 'default-features = false, features = ["json"]' }];
    const out = cargoEdits("Cargo.toml", '[package]\nname = "x"\n\n[dependencies]\ntokio = "1"\nreqwest = "0.12"\n\n[dev-dependencies]\nfoo = "1"\n', wanted, { tokio: ["time"] });
    expect(out.text).toBe('[package]\nname = "x"\n\n[dependencies]\ntokio = { version = "1", features = ["time"] }\nreqwest = "0.12"\nfailsafe = "1"\n\n[dev-dependencies]\nfoo = "1"\n');
    const inline = cargoEdits("Cargo.toml", '[dependencies]\ntokio = { version = "1", features = ["macros"] }\n', [], { tokio: ["time", "macros"] });
    expect(inline.text).toBe('[dependencies]\ntokio = { version = "1", features = ["macros", "time"] }\n');
    const ws = cargoEdits("Cargo.toml", "[dependencies]\ntokio = { workspace = true }\n", [], { tokio: ["time"] });
    expect(ws.text).toBe("[dependencies]\ntokio = { workspace = true }\n");
    expect(ws.notes[0]?.message).toContain("tokio needs the feature time");
  });
});
