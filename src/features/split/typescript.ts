import type { ImportSite, SplitModule, SplitNote } from "./types.js";

export interface LanguageGraph {
  modules: SplitModule[];
  sites: Array<{ from: string; to: string; site: ImportSite }>;
  notes: SplitNote[];
  bytes: number;
}

export function buildTypescript(_root: string, _files: string[], _includeTypeOnly: boolean): LanguageGraph {
  return { modules: [], sites: [], notes: [], bytes: 0 };
}
