import path from "node:path";
import type { SplitResult } from "../features/split/types.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";
import { byText } from "../text-order.js";

export const SPLIT_FORMATS = ["table", "json", "dot", "mermaid", "html"] as const;
export type SplitFormat = (typeof SPLIT_FORMATS)[number];

/** The terminal summary: packages, cycles, breakers, candidates, partition scores and the plan. */
export function splitTable(r: SplitResult, style: Style & { cwd?: string }, limit = 15): string {
  const c = colorsFor(style);
  const out: string[] = [];
  const g = r.graph;
  const edges = g.edges.reduce((s, e) => s + e.weight, 0);
  out.push(c.bold(`${g.modules.length} modules, ${g.edges.length} module dependencies (${edges} imports), ${g.stats.files} files in ${style.cwd ? path.relative(style.cwd, r.root) || "." : r.root}`));
  out.push(c.dim(`packages at depth ${r.depth}: ${r.packages.length} · module cycles: ${r.cycles.modules.length} · package cycles: ${r.cycles.packages.length}`));
  out.push("");
  const pk = [...r.packages].sort((a, b) => b.fanIn + b.fanOut - (a.fanIn + a.fanOut) || byText(a.id, b.id)).slice(0, limit);
  out.push(renderTable(["package", "modules", "loc", "Ca", "Ce", "I", "fan-in", "fan-out"],
    pk.map((p) => [p.id, String(p.modules), String(p.loc), String(p.ca), String(p.ce), p.instability.toFixed(2), String(p.fanIn), String(p.fanOut)]), style));
  if (r.packages.length > limit) out.push(c.dim(`… ${r.packages.length - limit} more packages (--format json lists all)\n`));
  if (r.cycles.packages.length > 0) {
    out.push(c.bold("Cycles between packages"));
    for (const cy of r.cycles.packages.slice(0, limit)) out.push(`  ${cy.size} packages, ${cy.edges} dependencies: ${cy.members.join(", ")}`);
    out.push("");
  }
  if (r.breakers.length > 0) {
    out.push(c.bold("Cycle breakers (cheapest first)"));
    out.push(renderTable(["cut", "cost", "imports"], r.breakers.slice(0, limit).map((b) => [`${b.from} → ${b.to}`, String(b.cost), sitesText(b.sites)]), style));
  }
  if (r.candidates.length > 0) {
    out.push(c.bold("Split candidates"));
    out.push(renderTable(["candidate", "modules", "loc", "internal", "crossing", "interface", "depends on", "third-party"],
      r.candidates.slice(0, limit).map((k) => [k.name, String(k.modules.length), String(k.loc), String(k.internalEdges), String(k.crossingEdges), String(k.interface.length), listed(k.dependsOn, 4), clip(k.thirdParty.join(", ") || "—", 40)]), style));
    const p = r.partition, q = r.packagePartition;
    out.push(`partition: MQ ${p.mq} (packages ${q.mq}) · SM ${p.sm} (${q.sm}) · ICP ${p.icp} (${q.icp}) · IFN ${p.ifn} (${q.ifn}) · NED ${p.ned} (${q.ned}) · MoJoFM vs packages ${p.mojofmVsPackages}`);
    out.push("");
  }
  if (r.plan.length > 0) {
    out.push(c.bold("Plan"));
    for (const s of r.plan) {
      out.push(`${s.order}. ${s.title}${s.action === "keep" ? "" : c.dim(` — cost ${s.cost} import${s.cost === 1 ? "" : "s"}`)}`);
      for (const d of s.details.slice(0, 6)) out.push(c.dim(`     ${d}`));
      if (s.details.length > 6) out.push(c.dim(`     … ${s.details.length - 6} more`));
      if (s.unblocks.length) out.push(`     unblocks: ${s.unblocks.join(", ")}`);
    }
    out.push("");
  }
  const notes = r.graph.notes.filter((n) => n.kind !== "unresolved");
  const unresolved = r.graph.notes.length - notes.length;
  for (const n of notes.slice(0, limit)) out.push(c.yellow(`note: ${n.file ? `${n.file}${n.line ? `:${n.line}` : ""} ` : ""}${n.message}`));
  if (notes.length > limit) out.push(c.yellow(`note: … ${notes.length - limit} more`));
  if (unresolved) out.push(c.dim(`${unresolved} imports could not be resolved inside the project (--format json lists them)`));
  return out.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

function sitesText(sites: Array<{ file: string; line: number }>): string {
  const s = sites.slice(0, 3).map((x) => `${x.file}:${x.line}`).join(", ");
  return sites.length > 3 ? `${s}, … ${sites.length - 3} more` : s;
}

/** The first few names and how many more: a candidate of a tangled monolith depends on most others. */
function listed(names: string[], n: number): string {
  if (names.length === 0) return "—";
  return names.length > n ? `${names.slice(0, n).join(", ")} +${names.length - n} more` : names.join(", ");
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

export function splitJson(r: SplitResult, opts: { timings?: boolean } = {}): string {
  return json({
    root: r.root,
    depth: r.depth,
    graph: { modules: r.graph.modules, edges: r.graph.edges, notes: r.graph.notes, stats: r.graph.stats },
    metrics: { modules: r.modules, packages: r.packages },
    cycles: r.cycles,
    breakers: r.breakers,
    candidates: r.candidates,
    partition: { proposal: r.partition, packages: r.packagePartition },
    plan: r.plan,
    ...(opts.timings ? { timings: r.timings } : {}),
  });
}

/** One line of per-phase times (walk, scan, graph, metrics, plan …), milliseconds. */
export function splitTimings(r: SplitResult): string {
  const scanner = r.graph.stats.pythonScanner;
  const phases = Object.entries(r.timings).map(([k, v]) => `${k} ${v} ms${k === "scan" && scanner ? ` (${scanner})` : ""}`).join(", ");
  return `timings: ${phases} (${r.graph.stats.cached}/${r.graph.stats.files} files from cache)`;
}

const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** Graphviz: packages as clusters of modules, candidate colours, breaker edges in red. */
export function splitDot(r: SplitResult): string {
  const cand = candidateOf(r);
  const breakers = new Set(r.breakers.map((b) => `${b.from}\u0000${b.to}`));
  const pkgOf = packageMap(r);
  const lines = ["digraph split {", "  rankdir=LR;", "  node [shape=box, style=filled, fontname=Helvetica, fontsize=10];"];
  const byPkg = new Map<string, string[]>();
  for (const m of r.graph.modules) byPkg.set(pkgOf.get(m.id)!, [...(byPkg.get(pkgOf.get(m.id)!) ?? []), m.id]);
  let i = 0;
  for (const [p, ms] of [...byPkg].sort((a, b) => byText(a[0], b[0]))) {
    lines.push(`  subgraph cluster_${i++} {`, `    label=${q(p)};`);
    for (const m of ms.sort()) lines.push(`    ${q(m)} [fillcolor=${q(palette(cand.get(m) ?? 0))}];`);
    lines.push("  }");
  }
  for (const e of [...r.graph.edges].sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to))) {
    const cut = breakers.has(`${pkgOf.get(e.from)}\u0000${pkgOf.get(e.to)}`);
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${e.weight}${cut ? ", color=red, penwidth=2" : ""}${e.sites.every((s) => s.kind !== "import") ? ", style=dashed" : ""}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Mermaid: the package graph with breaker edges marked, small enough to paste into a pull request. */
export function splitMermaid(r: SplitResult): string {
  const ids = new Map(r.packages.map((p, i) => [p.id, `p${i}`]));
  const breakers = new Set(r.breakers.map((b) => `${b.from}\u0000${b.to}`));
  const lines = ["graph LR"];
  for (const p of r.packages) lines.push(`  ${ids.get(p.id)}["${p.id.replace(/"/g, "'")} (${p.modules})"]`);
  const pkgOf = packageMap(r);
  const w = new Map<string, number>();
  for (const e of r.graph.edges) {
    const a = pkgOf.get(e.from)!, b = pkgOf.get(e.to)!;
    if (a !== b) w.set(`${a}\u0000${b}`, (w.get(`${a}\u0000${b}`) ?? 0) + e.weight);
  }
  let k = 0;
  const red: number[] = [];
  for (const [key, weight] of [...w].sort((a, b) => byText(a[0], b[0]))) {
    const [a, b] = key.split("\u0000") as [string, string];
    lines.push(`  ${ids.get(a)} -->|${weight}| ${ids.get(b)}`);
    if (breakers.has(key)) red.push(k);
    k++;
  }
  if (red.length) lines.push(`  linkStyle ${red.join(",")} stroke:#d33,stroke-width:3px`);
  return lines.join("\n") + "\n";
}

export function candidateOf(r: SplitResult): Map<string, number> {
  const m = new Map<string, number>();
  r.candidates.forEach((c, i) => c.modules.forEach((id) => m.set(id, i)));
  return m;
}

export function packageMap(r: SplitResult): Map<string, string> {
  const m = new Map<string, string>();
  for (const mod of r.graph.modules) {
    const n = Math.min(r.depth, mod.isPackage ? mod.segments.length : Math.max(1, mod.segments.length - 1));
    m.set(mod.id, mod.segments.slice(0, n).join("."));
  }
  return m;
}

const COLORS = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"];
export function palette(i: number): string {
  return COLORS[i % COLORS.length]!;
}
