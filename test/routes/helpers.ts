import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCatalog } from "../../src/features/routes/catalog.js";
import type { Route } from "../../src/model.js";
import { pythonBin } from "../env/engines.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const fixturesDir = path.join(repoRoot, "test", "fixtures", "routes");

export interface Case {
  name: string;
  dir: string;
  kind: "fastapi" | "starlette" | "flask" | "litestar" | "django" | "axum" | "actix" | "express" | "fastify" | "static";
  target?: string;
  expect?: Array<{ method: string; path?: string; unresolved?: boolean; expression?: string }>;
  diagnostic?: { file: string; rule: string };
  /** Django URL confs no ROOT_URLCONF includes; the oracle serves each as ROOT_URLCONF. */
  urlconfs?: string[];
}

export function cases(): Case[] {
  return readdirSync(fixturesDir)
    .filter((d) => existsSync(path.join(fixturesDir, d, "case.json")))
    .sort()
    .map((name) => ({ name, dir: path.join(fixturesDir, name), ...(JSON.parse(readFileSync(path.join(fixturesDir, name, "case.json"), "utf8")) as Omit<Case, "name" | "dir">) }));
}

/** The static catalog of one fixture folder, as the fixture's only service. */
export async function staticRoutes(dir: string): Promise<{ routes: Route[]; diagnostics: Awaited<ReturnType<typeof buildCatalog>>["diagnostics"] }> {
  const cat = await buildCatalog({ cwd: dir, paths: [dir], noDiscover: true });
  return { routes: cat.routes, diagnostics: cat.diagnostics };
}

export const pair = (r: { method: string; path?: string }) => `${r.method} ${r.path}`;

/** The test environment's Python, or why there is none (the runtime oracles skip with that reason). */
export function findPython(): { python?: string; why: string } {
  try {
    return { python: pythonBin(), why: "" };
  } catch (e) {
    return { why: (e as Error).message };
  }
}
