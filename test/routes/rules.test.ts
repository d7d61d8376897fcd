import { describe, expect, it } from "vitest";
import type { Route } from "../../src/model.js";
import { checkRoutes } from "../../src/features/routes/rules.js";
import { diffRoutes } from "../../src/features/routes/diff.js";
import { normalizeParams } from "../../src/features/routes/normalize.js";
import { auditRoutes } from "../../src/features/routes/index.js";
import { fixturesDir } from "./helpers.js";
import { nginxGateway } from "../../src/report/routes-gateway.js";

let line = 0;
const r = (service: string, method: string, path: string, framework = "fastapi"): Route => ({ service, framework, method, path, handler: "h", file: `${service}.py`, line: ++line, via: [] });
const health = () => ({ live: "/live", ready: "/ready", health: "/health" });
const healthy = (svc: string, fw = "fastapi") => ["/live", "/ready", "/health"].map((p) => r(svc, "GET", p, fw));
const rules = (routes: Route[], config = {}) => checkRoutes(routes, config, { health }).map((f) => `${f.rule} ${f.message.split(":")[0]}`);

describe("normalizeParams", () => {
  it.each([
    ["/items/<int:pk>/", "/items/{pk}/"],
    ["/files/<path:name>", "/files/{name}"],
    ["/u/<token>", "/u/{token}"],
    ["/f/{file_path:path}", "/f/{file_path}"],
    ["/users/:id/posts/:post_id", "/users/{id}/posts/{post_id}"],
    ["/static/*rest", "/static/{rest}"],
    ["/v8/{*rest}", "/v8/{rest}"],
    ["/context/:scope(node|flow)/:id", "/context/{scope}/{id}"],
    ["/tags/:tag?", "/tags/{tag}"],
    ["/n/:id(\\d+)/x", "/n/{id}/x"],
    ["/a:b", "/a:b"],
  ])("%s → %s", (input, want) => expect(normalizeParams(input)).toBe(want));
});

describe("rules", () => {
  it("path case follows the catalog's majority, one word fits every style", () => {
    const routes = [...healthy("a"), r("a", "GET", "/order-items"), r("a", "GET", "/cash-balance"), r("a", "GET", "/orderHistory"), r("a", "GET", "/items")];
    expect(rules(routes)).toEqual(["route-path-case GET /orderHistory"]);
    expect(rules(routes, { "route-path-case": { case: "camel" } })).toEqual(["route-path-case GET /order-items", "route-path-case GET /cash-balance"]);
    expect(rules(routes, { "route-path-case": "off" })).toEqual([]);
    // RFC 8615 names the segment; no service chooses it.
    expect(rules([...routes, r("a", "GET", "/.well-known/openid-configuration")])).toEqual(["route-path-case GET /orderHistory"]);
  });

  it("verbs in paths, not in parameters", () => {
    expect(rules([...healthy("a"), r("a", "POST", "/orders/create"), r("a", "GET", "/orders/{create}"), r("a", "POST", "/orders/{id}/cancel-order"), r("a", "GET", "/getaway")])).toEqual([
      "route-verb-in-path POST /orders/create",
      "route-verb-in-path POST /orders/{id}/cancel-order",
    ]);
  });

  it("trailing slashes: the minority is flagged, files and health routes are left alone", () => {
    const routes = [...healthy("a"), r("a", "GET", "/a"), r("a", "GET", "/b"), r("a", "GET", "/c/"), r("a", "GET", "/report.csv")];
    expect(rules(routes)).toEqual(["route-trailing-slash GET /c/ ends with \"/\" while 2 others do not"]);
    expect(rules(routes, { "route-trailing-slash": { style: "always" } })).toHaveLength(2);
  });

  it("version prefix: unversioned routes among mostly versioned ones", () => {
    const routes = [...healthy("a"), r("a", "GET", "/api/v1/a"), r("a", "GET", "/api/v1/b"), r("a", "GET", "/c")];
    expect(rules(routes)).toEqual(["route-version-prefix GET /c has no version prefix while 2 of 3 routes of a do"]);
    // A mounted app's catch-all is not an API route of its own.
    expect(rules([...routes, r("a", "ANY", "/static/{path}")])).toEqual(["route-version-prefix GET /c has no version prefix while 2 of 3 routes of a do"]);
    expect(rules(routes, { "route-version-prefix": { policy: "forbidden" } })).toHaveLength(2);
    expect(rules([...healthy("b"), r("b", "GET", "/a"), r("b", "GET", "/v2/b")])).toEqual([]);
  });

  it("shadowing only where the framework matches in declaration order", () => {
    const fastapi = [...healthy("a"), r("a", "GET", "/o/{id}"), r("a", "GET", "/o/summary"), r("a", "DELETE", "/o/mine")];
    expect(rules(fastapi)).toEqual(["route-shadowed GET /o/summary is shadowed by GET /o/{id} declared before it (a.py"]);
    const axum = [...healthy("b", "axum"), r("b", "GET", "/o/{id}", "axum"), r("b", "GET", "/o/summary", "axum")];
    expect(rules(axum)).toEqual([]);
    const declaredFirst = [...healthy("c"), r("c", "GET", "/o/summary"), r("c", "GET", "/o/{id}")];
    expect(rules(declaredFirst)).toEqual([]);
  });

  it("duplicates within a service, overlap across services, near-overlaps by shape", () => {
    const routes = [...healthy("a"), ...healthy("b"), r("a", "GET", "/x"), r("a", "GET", "/x"), r("b", "GET", "/x"), r("a", "GET", "/u/{id}"), r("b", "GET", "/u/{user_id}")];
    const got = rules(routes);
    expect(got).toContain("route-duplicate GET /x is declared twice in a (first at a.py");
    expect(got.filter((x) => x.startsWith("route-overlap"))).toHaveLength(2);
    expect(got.filter((x) => x.startsWith("route-near-overlap"))).toEqual(["route-near-overlap GET /u/{user_id} (b) and GET /u/{id} (a) are the same route"]);
    expect(got.some((x) => x.includes("/live"))).toBe(false);
  });

  it("health: missing endpoints per service, with the configured paths", () => {
    expect(rules([r("a", "GET", "/healthz"), r("a", "GET", "/x")])).toEqual(["route-health-missing a has no /live, /ready, /health routes (only /healthz)"]);
    const custom = checkRoutes([r("a", "GET", "/-/live"), r("a", "GET", "/-/ready"), r("a", "GET", "/-/health")], {}, { health: () => ({ live: "/-/live", ready: "/-/ready", health: "/-/health" }) });
    expect(custom).toEqual([]);
  });

  it("unresolved routes are findings, not silently checked", () => {
    const u = { ...r("a", "GET", "<get_prefix()>/x"), unresolved: true, expression: "get_prefix()" };
    const f = checkRoutes([...healthy("a"), u], {}, { health });
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["route-unresolved", "warning"]]);
    expect(f[0]!.message).toContain("get_prefix()");
  });

  it("routes behind one unresolved prefix are one finding, counted; another prefix is another finding", () => {
    const u = (p: string, expression: string) => ({ ...r("a", "GET", p), unresolved: true, expression });
    const f = checkRoutes([...healthy("a"), u("<p>/x", "p"), u("<p>/y", "p"), u("<p>/z", "p"), { ...u("<q>/x", "q"), file: "b.py" }], {}, { health });
    expect(f.map((x) => x.message)).toEqual(["GET <p>/x (and 2 more routes under it): cannot resolve p statically", "GET <q>/x: cannot resolve q statically"]);
    // Different expressions on the lines of one file (another crate's handlers, one call per line) are one finding.
    const inFile = (p: string, expression: string) => ({ ...u(p, expression), file: "routes.rs" });
    const perFile = checkRoutes([...healthy("a"), inFile("/a<x>", "x"), inFile("/b<y>", "y"), inFile("/c<z>", "z")], {}, { health });
    expect(perFile.map((x) => x.message)).toEqual(["GET /a<x> (and 2 more unresolved routes in this file): cannot resolve x statically"]);
    const orphan = u("/x", "api.urls (urls.py:1) is not included by any ROOT_URLCONF fks could follow");
    expect(checkRoutes([...healthy("a"), orphan], {}, { health }).map((x) => x.message)).toEqual(["GET /x: api.urls (urls.py:1) is not included by any ROOT_URLCONF fks could follow"]);
  });
});

describe("diff", () => {
  const before = [r("a", "GET", "/o"), r("a", "POST", "/o"), r("a", "GET", "/o/{id}"), r("a", "DELETE", "/gone")];
  it("removed routes and methods are breaking; renamed parameters and additions are not", () => {
    const after = [r("a", "GET", "/o"), r("a", "GET", "/o/{order_id}"), r("a", "PUT", "/o/{order_id}"), r("a", "GET", "/new")];
    const d = diffRoutes(before, after).map((c) => [c.kind, c.breaking, `${c.method} ${c.path}`]);
    expect(d).toEqual([
      ["removed-method", true, "POST /o"],
      ["changed-params", false, "GET /o/{order_id}"],
      ["added-method", false, "PUT /o/{order_id}"],
      ["removed-route", true, "DELETE /gone"],
      ["added-route", false, "GET /new"],
    ]);
    expect(diffRoutes(before, before)).toEqual([]);
  });
});

describe("nginx gateway", () => {
  it("routes each prefix to its owner and flags conflicts", () => {
    const out = nginxGateway([r("a", "GET", "/api/orders/{id}"), r("a", "GET", "/api/orders"), r("b", "GET", "/api/orders")], [{ service: "a", url: "http://a:8001" }]);
    expect(out).toContain("location ^~ /api/orders/ {\n    proxy_pass http://a:8001;");
    expect(out).toContain("location = /api/orders {\n    proxy_pass http://a:8001;");
    expect(out).toContain("# conflict: /api/orders is served by a and b; routed to a");
  });
});

describe("duplicates and shadowing are judged per application", () => {
  it("two apps in one folder may declare the same route; the same app may not", async () => {
    const { tempTree } = await import("../helpers.js");
    const { auditRoutes } = await import("../../src/features/routes/index.js");
    const app = (extra = "") =>
      `from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/items/{item_id}")\ndef one(item_id: int):\n    return {}\n\n@app.get("/items/latest")\ndef two():\n    return {}\n${extra}`;
    const dir = tempTree({
      "examples/first.py": app(),
      "examples/second.py": app('\n@app.get("/items/latest")\ndef three():\n    return {}\n'),
    });
    const res = await auditRoutes({ cwd: dir, paths: ["examples"] });
    const rules = (id: string) => res.findings.filter((f) => f.rule === id).map((f) => `${f.file}:${f.line}`);
    expect(rules("route-duplicate")).toEqual(["examples/second.py:12"]);
    expect(rules("route-shadowed").sort()).toEqual(["examples/first.py:8", "examples/second.py:8", "examples/second.py:12"].sort());
    expect(new Set(res.routes.map((r) => r.app))).toEqual(new Set(["examples/first.py:2", "examples/second.py:2"]));
  });
});

describe("typed parameters", () => {
  it("a static segment an int parameter cannot match is not shadowed by it; an untyped parameter shadows", async () => {
    const dir = `${fixturesDir}/fa-typed-params`;
    const res = await auditRoutes({ cwd: dir, paths: [dir], noDiscover: true });
    expect(res.findings.filter((f) => f.rule === "route-shadowed").map((f) => f.message.split(" is ")[0])).toEqual(["GET /tags/popular"]);
  });
});
