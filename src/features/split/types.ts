/** Shapes of the split-plan result; renderers and the public API use them as they are. */

export type SplitLanguage = "python" | "typescript" | "rust";

/** How an import takes effect: at import time, only when a function runs, guarded, for type checkers, or by a framework string. */
export type EdgeKind = "import" | "lazy" | "optional" | "type-only" | "framework";

export interface SplitModule {
  id: string;
  file: string;
  language: SplitLanguage;
  /** Path of the module in its package tree, outermost first (for packages at any depth). */
  segments: string[];
  /** Other modules live under this one (a Python `__init__`, a TypeScript `index`, a Rust `mod.rs`): it belongs to its own package. */
  isPackage?: boolean;
  loc: number;
  /** Top-level third-party packages this module imports. */
  thirdParty: string[];
}

export interface ImportSite {
  file: string;
  line: number;
  /** Names imported across this edge (for the interface a cut would need). */
  names: string[];
  kind: EdgeKind;
  /**
   * The module the statement names, when the imported name was followed from it to the module
   * that defines it (`from pkg import Thing` where pkg/__init__.py re-exports Thing from pkg.things).
   */
  via?: string;
  /** Importing and imported module, on edges between packages. */
  from?: string;
  to?: string;
}

export interface SplitEdge {
  from: string;
  to: string;
  /** Number of import statements behind the edge: the cost of moving it. */
  weight: number;
  sites: ImportSite[];
}

export interface SplitNote {
  file: string;
  line?: number;
  message: string;
  kind: "syntax-error" | "skipped" | "unresolved" | "info";
}

export interface ImportGraph {
  root: string;
  modules: SplitModule[];
  edges: SplitEdge[];
  notes: SplitNote[];
  /** Files read, and how many came from the content-hash cache. */
  /** pythonScanner: what read the Python files that were not in the cache. */
  stats: { files: number; bytes: number; cached: number; scanMs: number; pythonScanner?: "wasm" | "typescript" | "tree-sitter" };
  /** Python import roots of the sub-projects found (deepest first), each with what says so. */
  roots?: Array<{ dir: string; reason: string }>;
  /** Milliseconds per phase of building the graph: walk, scan (Python), typescript, rust, graph, save (or cache on a warm run). */
  timings?: Record<string, number>;
}

export interface ModuleMetrics {
  id: string;
  loc: number;
  modules: number;
  fanIn: number;
  fanOut: number;
  /** Afferent coupling: distinct outside units depending on this one. */
  ca: number;
  /** Efferent coupling: distinct outside units this one depends on. */
  ce: number;
  instability: number;
}

export interface Cycle {
  /** Units in one strongly connected component. */
  members: string[];
  size: number;
  edges: number;
}

export interface Breaker {
  from: string;
  to: string;
  /** Import statements to move or invert. */
  cost: number;
  sites: ImportSite[];
  /** Size of the cycle this edge sits in. */
  cycleSize: number;
}

export interface Candidate {
  id: string;
  name: string;
  modules: string[];
  packages: string[];
  loc: number;
  internalEdges: number;
  crossingEdges: number;
  /** Symbols other candidates import from this one, as `module.name`. */
  interface: string[];
  /** Candidates this one imports from. */
  dependsOn: string[];
  thirdParty: string[];
}

export interface PartitionMetrics {
  mq: number;
  sm: number;
  icp: number;
  ifn: number;
  ned: number;
  /** How close the proposal stays to the current package tree (100 = unchanged). */
  mojofmVsPackages: number;
}

export interface PlanStep {
  order: number;
  action: "break-cycle" | "extract" | "keep";
  title: string;
  cost: number;
  unblocks: string[];
  details: string[];
}

export interface SplitResult {
  root: string;
  depth: number;
  graph: ImportGraph;
  modules: ModuleMetrics[];
  packages: ModuleMetrics[];
  cycles: { modules: Cycle[]; packages: Cycle[] };
  breakers: Breaker[];
  candidates: Candidate[];
  partition: PartitionMetrics;
  packagePartition: PartitionMetrics;
  plan: PlanStep[];
  timings: Record<string, number>;
}
