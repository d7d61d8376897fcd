import type { Route } from "../model.js";
import { byService } from "./routes.js";

type Doc = Record<string, unknown>;

/** An OpenAPI 3.1 skeleton for one service: paths, operations and path parameters, no schemas. */
export function openapiDoc(service: string, routes: Route[], version = "0.0.0"): Doc {
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  for (const r of routes) {
    if (r.unresolved || r.status === "not-mounted") continue;
    const p = r.path;
    const item = (paths[p] ??= {});
    const methods = r.method === "ANY" ? ["get", "post", "put", "patch", "delete"] : [r.method.toLowerCase()];
    const params = [...p.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    for (const m of methods) {
      if (!["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(m) || item[m]) continue;
      let id = `${m}_${r.handler.replace(/[^A-Za-z0-9_]+/g, "_")}`;
      for (let n = 2; ids.has(id); n++) id = `${m}_${r.handler.replace(/[^A-Za-z0-9_]+/g, "_")}_${n}`;
      ids.add(id);
      item[m] = {
        operationId: id,
        summary: r.handler,
        ...(params.length ? { parameters: params } : {}),
        responses: { default: { description: "See the handler" } },
        "x-fks-source": `${r.file}:${r.line}`,
      };
    }
  }
  return { openapi: "3.1.0", info: { title: service, version }, paths };
}

/** One document per service, as JSON keyed by service when there are several. */
export function routesOpenapi(routes: Route[]): { docs: Map<string, Doc>; text: string } {
  const docs = new Map<string, Doc>();
  for (const [svc, rs] of byService(routes)) docs.set(svc, openapiDoc(svc, rs));
  const text = docs.size === 1 ? JSON.stringify([...docs.values()][0], null, 2) : JSON.stringify(Object.fromEntries(docs), null, 2);
  return { docs, text: text + "\n" };
}
