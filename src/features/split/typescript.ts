import type { ImportSite, SplitModule, SplitNote } from "./types.js";

export interface LanguageGraph {
  modules: SplitModule[];
  sites: Array<{ from: string; to: string; site: ImportSite }>;
  notes: SplitNote[];
  bytes: number;
}

/** TypeScript/JavaScript import graphs are not read yet; say so instead of showing an empty graph. */
export function buildTypescript(_root: string, files: string[], _includeTypeOnly: boolean): LanguageGraph {
  return { modules: [], sites: [], notes: [{ file: ".", message: `${files.length} TypeScript/JavaScript files left out: their import graph is not supported yet`, kind: "info" }], bytes: 0 };
}
