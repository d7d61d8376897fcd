import type { LanguageGraph } from "./typescript.js";

/** Rust module graphs are not read yet; say so instead of showing an empty graph. */
export function buildRust(_root: string, files: string[]): LanguageGraph {
  return { modules: [], sites: [], notes: [{ file: ".", message: `${files.length} Rust files left out: their module graph is not supported yet`, kind: "info" }], bytes: 0 };
}
