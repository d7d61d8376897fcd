import type { Source } from "../model.js";
import type { HealthAdapter } from "./health/types.js";

/** What discovery learned about one project folder, for adapters to recognise their framework. */
export interface ProjectFacts {
  dir: string;
  language?: "python" | "rust" | "typescript" | "javascript";
  /** Declared dependencies (requirements, pyproject, Cargo.toml, package.json) and where. */
  deps: Map<string, Source>;
  /** Top-level modules imported by the source files, and the first place seen. */
  imports: Map<string, Source>;
  /** Marker files present in the folder (manage.py, Cargo.toml, …). */
  markers: Map<string, Source>;
}

/**
 * One web framework's knowledge. Features look frameworks up here instead of hard-coding
 * them; route extraction and health scaffolding add their parts to the same object.
 */
export interface FrameworkAdapter {
  id: string;
  language: "python" | "rust" | "typescript" | "javascript";
  /** Higher wins when a project shows several frameworks (Django beats a stray Flask import). */
  priority: number;
  /** Evidence that the project uses this framework, or undefined. */
  detect(facts: ProjectFacts): Source | undefined;
  /** How to add /live, /ready and /health to a project of this framework (fks scaffold health). */
  health?: HealthAdapter;
  /** Route extraction: the framework's knowledge, loaded lazily because it pulls in parsers. */
  routes?: RouteCapability;
}

/** What route extraction needs from an adapter (see src/frameworks/route-graph.ts). */
export interface RouteCapability {
  language: "python" | "rust" | "typescript" | "javascript";
  /** Python adapters return interpreter knowledge (src/lang/python/interp.ts PyKnowledge[]). */
  load(): Promise<unknown[]>;
}

/** First piece of evidence among dependency names, then imports. */
export function firstEvidence(facts: ProjectFacts, deps: string[], imports: string[] = deps): Source | undefined {
  for (const d of deps) {
    const s = facts.deps.get(d);
    if (s) return s;
  }
  for (const i of imports) {
    const s = facts.imports.get(i);
    if (s) return s;
  }
  return undefined;
}
