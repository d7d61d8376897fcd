import path from "node:path";
import type { SplitResult } from "../../features/split/types.js";
import { clusterGraphSvg, dsmSvg, esc } from "./svg.js";

/** One self-contained page: no scripts, no fonts, no requests (a CSP forbids them). */
export function splitHtml(r: SplitResult, opts: { cwd?: string } = {}): string {
  // A report is shared: name the folder as the user gave it, not by this machine's absolute path.
  const where = opts.cwd ? path.relative(opts.cwd, r.root) || path.basename(r.root) : path.basename(r.root);
  const p = r.partition, q = r.packagePartition;
  const metric = (name: string, a: number, b: number, hint: string) => `<tr><th title="${esc(hint)}">${name}</th><td>${a}</td><td>${b}</td></tr>`;
  const plan = r.plan.map((s) => `<li class="step ${s.action}"><b>${esc(s.title)}</b>${s.action === "keep" ? "" : ` <span class="cost">cost ${s.cost}</span>`}${s.details.length ? `<ul>${s.details.slice(0, 12).map((d) => `<li>${esc(d)}</li>`).join("")}${s.details.length > 12 ? `<li>… ${s.details.length - 12} more</li>` : ""}</ul>` : ""}${s.unblocks.length ? `<div class="unblocks">unblocks: ${esc(s.unblocks.join(", "))}</div>` : ""}</li>`).join("\n");
  const cands = r.candidates.map((c) => `<tr><td>${esc(c.name)}</td><td>${c.modules.length}</td><td>${c.loc}</td><td>${c.internalEdges}</td><td>${c.crossingEdges}</td><td>${c.interface.length}</td><td>${esc(c.dependsOn.join(", ") || "—")}</td><td>${esc(c.thirdParty.join(", ") || "—")}</td></tr>`).join("\n");
  const notes = r.graph.notes.filter((n) => n.kind !== "unresolved").map((n) => `<li>${esc(n.file)}${n.line ? `:${n.line}` : ""} ${esc(n.message)}</li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>fks split-plan: ${esc(where)}</title>
<style>
body{font:14px/1.45 Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee}
.cost{color:#a33}.unblocks{color:#357}.scroll{overflow:auto;max-height:1000px;border:1px solid #ddd}
li.step{margin:6px 0}li.break-cycle b{color:#a33}
</style></head><body>
<h1>Split plan for ${esc(where)}</h1>
<p id="summary">${r.graph.modules.length} modules · ${r.graph.edges.length} dependencies · ${r.packages.length} packages at depth ${r.depth} · ${r.cycles.packages.length} package cycles · ${r.candidates.length} candidates</p>
<h2>Plan</h2><ol id="plan">${plan}</ol>
<h2>Candidates</h2>
<table id="candidates"><tr><th>candidate</th><th>modules</th><th>loc</th><th>internal</th><th>crossing</th><th>interface</th><th>depends on</th><th>third-party</th></tr>
${cands}</table>
<h2>Cluster graph</h2>${clusterGraphSvg(r)}
<h2>Partition</h2>
<table id="partition"><tr><th></th><th>proposal</th><th>package tree</th></tr>
${metric("MQ", p.mq, q.mq, "TurboMQ: sum of cluster factors, higher is better")}
${metric("SM", p.sm, q.sm, "structural modularity: cohesion minus coupling, higher is better")}
${metric("ICP", p.icp, q.icp, "share of imports that cross clusters, lower is better")}
${metric("IFN", p.ifn, q.ifn, "modules per cluster imported from outside, lower is better")}
${metric("NED", p.ned, q.ned, "share of modules in too small or too large clusters, lower is better")}
<tr><th>MoJoFM vs packages</th><td>${p.mojofmVsPackages}</td><td>100</td></tr></table>
<h2>Dependency structure matrix</h2><p>Row imports column; blocks are candidates, red cells are imports the cycle breakers remove.</p>
<div class="scroll">${dsmSvg(r)}</div>
${notes ? `<h2>Notes</h2><ul id="notes">${notes}</ul>` : ""}
</body></html>
`;
}
