import type { LanguageGraph } from "./typescript.js";

export function buildRust(_root: string, _files: string[]): LanguageGraph {
  return { modules: [], sites: [], notes: [], bytes: 0 };
}
