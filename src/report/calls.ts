import type { AuditCallsResult, CallEdge, OutboundCall } from "../features/calls/types.js";
import { findingsTable } from "./findings.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";

const mark = (ok: boolean) => (ok ? "yes" : "no");

/** What guards an edge, in a few words: `timeout, no retry, no breaker, trace`. */
export function safetyLabel(e: CallEdge): string {
  const s = e.safety;
  return [s.timeout ? "timeout" : "no timeout", s.retry ? "retry" : "no retry", s.breaker ? "breaker" : "no breaker", s.trace ? "trace" : "no trace"].join(", ");
}

const routesOf = (e: CallEdge) => [...new Set(e.calls.map((c) => `${c.method} ${c.route?.path ?? c.target.path ?? "?"}`))];

function target(c: OutboundCall): string {
  if (c.target.unresolved) return `? ${c.target.expression}`;
  if (c.target.service) return `${c.target.service} ${c.target.path}`;
  return c.target.url ?? c.target.expression;
}

/** The call graph's edges, then every call with its facts, then the findings. */
export function callsTable(res: AuditCallsResult, style: Style): string {
  const c = colorsFor(style);
  let out = c.bold("call graph") + "\n";
  if (res.graph.edges.length === 0) out += "no calls between services found\n";
  else out += renderTable(["from", "to", "calls", "routes", "safety"], res.graph.edges.map((e) => [e.from, e.to, String(e.calls.length), routesOf(e).join(", "), safetyLabel(e)]), style);
  out += "\n" + c.bold("calls") + "\n";
  if (res.calls.length === 0) out += "no outbound HTTP calls found\n";
  else {
    const rows = res.calls.map((x) => [
      x.service,
      `${x.file}:${x.line}`,
      x.client,
      x.method,
      x.target.unresolved ? c.yellow(target(x)) : target(x),
      x.timeout ?? c.red("none"),
      x.retry ? `${x.retry.by}${x.retry.bounded ? "" : " (unbounded)"}` : "",
      mark(!!x.breaker),
      mark(!!x.trace),
    ]);
    out += renderTable(["service", "where", "client", "method", "target", "timeout", "retry", "breaker", "trace"], rows, style);
  }
  if (res.graph.cycles.length) out += "\n" + c.red(`cycles: ${res.graph.cycles.map((x) => x.join(" ↔ ")).join("; ")}`) + "\n";
  return out + "\n" + findingsTable(res.findings, style);
}

export function callsJson(res: AuditCallsResult): string {
  return json({ graph: res.graph, calls: res.calls, findings: res.findings, stats: res.stats });
}

const q = (s: string) => JSON.stringify(s);

/** Graphviz: services as boxes, one edge per caller → callee, red when a call lacks a timeout or breaker. */
export function callsDot(res: AuditCallsResult): string {
  const lines = ["digraph calls {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];", "  edge [fontname=Helvetica, fontsize=10];"];
  for (const s of res.graph.services) lines.push(`  ${q(s)};`);
  for (const e of res.graph.edges) {
    const bad = !e.safety.timeout || !e.safety.breaker;
    const cyc = res.graph.cycles.some((x) => x.includes(e.from) && x.includes(e.to));
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(`${routesOf(e).join("\\n")}\\n${safetyLabel(e)}`)}${bad ? ", color=red" : ""}${cyc ? ", style=bold" : ""}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Mermaid flowchart of the same graph (renders in GitHub Markdown). */
export function callsMermaid(res: AuditCallsResult): string {
  const id = (s: string) => s.replace(/[^\w]/g, "_");
  const esc = (s: string) => s.replace(/"/g, "#quot;");
  const lines = ["flowchart LR"];
  for (const s of res.graph.services) lines.push(`  ${id(s)}["${esc(s)}"]`);
  res.graph.edges.forEach((e, i) => {
    lines.push(`  ${id(e.from)} -->|"${esc(`${routesOf(e).join("<br/>")}<br/>${safetyLabel(e)}`)}"| ${id(e.to)}`);
    if (!e.safety.timeout || !e.safety.breaker) lines.push(`  linkStyle ${i} stroke:#d33`);
  });
  return lines.join("\n") + "\n";
}
