import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesDir, staticRoutes } from "./helpers.js";

describe("handler names", () => {
  it("an inline Rust closure is named closure, on one line; a path stays as written", async () => {
    const { routes } = await staticRoutes(path.join(fixturesDir, "ax-closure-handler"));
    expect(Object.fromEntries(routes.map((r) => [r.path, r.handler]))).toEqual({ "/items": "list_items", "/": "closure" });
  });

  it("an Express handler is the last argument that is not an error handler", async () => {
    const { routes } = await staticRoutes(path.join(fixturesDir, "ex-helper-app"));
    expect(routes.find((r) => r.path === "/admin/flows")?.handler).toBe("listFlows");
  });
});

describe("Rust syntax errors", () => {
  it("newer syntax the grammar lacks (macro_rules fragments, async closures) is not an error; a real one is", async () => {
    const { diagnostics } = await staticRoutes(path.join(fixturesDir, "ax-grammar-gaps"));
    expect(diagnostics.filter((d) => d.rule === "routes/parse-error").map((d) => d.file)).toEqual(["src/broken.rs"]);
  });
});

describe("where a route is declared", () => {
  it("a DRF @action route points at the viewset's file and the decorator's line, not the router's file", async () => {
    const { routes } = await staticRoutes(path.join(fixturesDir, "dj-drf"));
    const action = routes.find((r) => r.handler.endsWith(".market_value"));
    expect(action && `${action.file}:${action.line}`).toBe("api/views.py:14");
  });
});
