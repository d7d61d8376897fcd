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
  /** The framework the fixture's routes are scored under, when it is not `kind` (django-ninja is served by Django). */
  framework?: string;
  kind: "fastapi" | "starlette" | "flask" | "litestar" | "django" | "axum" | "actix" | "express" | "fastify" | "static";
  target?: string;
  expect?: Array<{ method: string; path?: string; unresolved?: boolean; status?: "served" | "unresolved" | "not-mounted"; expression?: string }>;
  diagnostic?: { file: string; rule: string };
  /** Express majors the fixture is valid for (default both 4 and 5). */
  express?: Array<"4" | "5">;
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

/** Strict method+path matches of one fixture: each pair counts as often as it occurs; ANY matches only ANY. */
export interface Tally { tp: number; fp: number; fn: number }

export function score(found: string[], real: string[]): Tally {
  const left = new Map<string, number>();
  for (const r of real) left.set(r, (left.get(r) ?? 0) + 1);
  let tp = 0;
  for (const f of found) {
    const n = left.get(f) ?? 0;
    if (n > 0) {
      tp++;
      left.set(f, n - 1);
    }
  }
  return { tp, fp: found.length - tp, fn: real.length - tp };
}

/** Tallies summed per framework, for the suite's precision/recall summary. */
export class Scoreboard {
  readonly byFramework = new Map<string, Tally & { fixtures: number }>();

  add(framework: string, t: Tally): void {
    const s = this.byFramework.get(framework) ?? { tp: 0, fp: 0, fn: 0, fixtures: 0 };
    this.byFramework.set(framework, { tp: s.tp + t.tp, fp: s.fp + t.fp, fn: s.fn + t.fn, fixtures: s.fixtures + 1 });
  }

  /** Precision and recall per framework (1 when there is nothing to count). */
  rates(): Array<{ framework: string; precision: number; recall: number; fixtures: number; routes: number }> {
    return [...this.byFramework].sort(([a], [b]) => a.localeCompare(b)).map(([framework, t]) => ({
      framework,
      precision: t.tp + t.fp ? t.tp / (t.tp + t.fp) : 1,
      recall: t.tp + t.fn ? t.tp / (t.tp + t.fn) : 1,
      fixtures: t.fixtures,
      routes: t.tp + t.fn,
    }));
  }

  render(title: string): string {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    return [title, ...this.rates().map((r) => `  ${r.framework.padEnd(14)} precision ${pct(r.precision).padStart(6)}  recall ${pct(r.recall).padStart(6)}  (${r.routes} routes, ${r.fixtures} fixtures)`)].join("\n");
  }
}

/** Strict precision and recall a framework must reach on its runtime oracle. */
export const ORACLE_BAR = 0.97;
