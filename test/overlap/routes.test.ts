import { describe, expect, it } from "vitest";
import type { Route } from "../../src/model.js";
import { routesServedTwice } from "../../src/features/overlap/routes.js";

const route = (service: string, method: string, path: string, extra: Partial<Route> = {}): Route => ({ service, framework: "fastapi", method, path, handler: "h", file: `${service}/app/main.py`, line: 1, via: [], ...extra });

describe("routes served twice", () => {
  it("matches the same method and path whatever the parameters are called", () => {
    const res = routesServedTwice([route("orders", "GET", "/orders/{id}"), route("billing", "GET", "/orders/{order_id}"), route("billing", "DELETE", "/orders/{order_id}")]);
    expect(res.routes.map((r) => `${r.method} ${r.services.map((s) => s.service).join(",")}`)).toEqual(["GET billing,orders"]);
  });

  it("counts a route that accepts every method against each method of the other service", () => {
    const res = routesServedTwice([route("gateway", "ANY", "/api/users"), route("users", "GET", "/api/users"), route("users", "POST", "/api/users")]);
    expect(res.routes.map((r) => `${r.method} ${r.services.map((s) => `${s.service}:${s.method}`).join(",")}`)).toEqual(["GET gateway:ANY,users:GET", "POST gateway:ANY,users:POST"]);
  });

  it("leaves out probe and docs paths, unresolved routes and routes of one service", () => {
    const res = routesServedTwice([
      route("a", "GET", "/health"),
      route("b", "GET", "/health"),
      route("a", "GET", "/docs"),
      route("b", "GET", "/docs"),
      route("a", "GET", "/x/{p}", { unresolved: true, expression: "PREFIX" }),
      route("b", "GET", "/x/{p}", { unresolved: true, expression: "PREFIX" }),
      route("a", "GET", "/only-a"),
      route("a", "GET", "/only-a"),
    ]);
    expect(res.routes).toEqual([]);
    expect(res.probeRoutesIgnored).toBe(4);
  });
});
