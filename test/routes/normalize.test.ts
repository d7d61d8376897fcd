import { describe, expect, it } from "vitest";
import { normalizeParams, renderPath } from "../../src/features/routes/normalize.js";

/** One canonical `{name}` spelling for every framework's parameter syntax; the original is kept beside it. */
describe("path parameter normalisation", () => {
  const cases: Array<[string, string, string]> = [
    ["Django/Flask converter", "/items/<int:pk>/", "/items/{pk}/"],
    ["Django untyped", "/items/<slug>", "/items/{slug}"],
    ["FastAPI path converter", "/files/{file_path:path}", "/files/{file_path}"],
    ["Litestar typed", "/users/{user_id:int}", "/users/{user_id}"],
    ["django-ninja converter first", "/items/{int:item_id}", "/items/{item_id}"],
    ["django-ninja path converter", "/files/{path:rest}", "/files/{rest}"],
    ["actix regex", "/items/{id:\\d+}/like", "/items/{id}/like"],
    ["actix regex with a quantifier in braces", "/years/{year:\\d{4}}", "/years/{year}"],
    ["actix tail", "/static/{tail}*", "/static/{tail}"],
    ["actix tail regex", "/files/{tail:.*}", "/files/{tail}"],
    ["axum 0.8 wildcard", "/assets/{*rest}", "/assets/{rest}"],
    ["axum 0.7 / Express", "/users/:id", "/users/{id}"],
    ["Express 4 optional", "/users/:id?", "/users/{id}"],
    ["Express 4 regex", "/users/:id(\\d+)", "/users/{id}"],
    ["Express 5 splat", "/files/*file", "/files/{file}"],
    ["Express 5 optional group", "/users{/:id}", "/users/{id}"],
    ["Express 5 optional extension", "/files/:name{.:ext}", "/files/{name}.{ext}"],
    ["Express parameters inside a segment", "/range/:from-:to", "/range/{from}-{to}"],
    ["Express 4 optional extension", "/files/:name.:ext?", "/files/{name}.{ext}"],
  ];
  for (const [what, written, canonical] of cases) {
    it(what, () => expect(normalizeParams(written)).toBe(canonical));
  }

  it("keeps the path as written when normalising changed it", () => {
    expect(renderPath([{ s: "/api" }, { s: "/items/<int:pk>" }])).toEqual({ path: "/api/items/{pk}", raw: "/api/items/<int:pk>", unresolved: undefined });
    expect(renderPath([{ s: "items/{id}" }]).raw).toBe("/items/{id}");
  });
});
