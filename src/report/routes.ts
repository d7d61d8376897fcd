import type { Finding, Route } from "../model.js";
import type { AuditRoutesResult } from "../features/routes/index.js";
import { findingsTable } from "./findings.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";

/** Routes grouped by service, then the findings. */
export function routesTable(res: AuditRoutesResult, style: Style): string {
  const c = colorsFor(style);
  let out = "";
  for (const [svc, routes] of byService(res.routes)) {
    const fw = [...new Set(routes.map((r) => r.framework))].join(", ");
    out += `${c.bold(svc)} ${c.dim(`(${fw}, ${routes.length} routes)`)}\n`;
    const rows = routes.map((r) => [r.method, r.unresolved ? c.yellow(r.path) : r.status === "not-mounted" ? c.dim(r.path) : r.path, r.handler, `${r.file}:${r.line}`, statusCell(r, c)]);
    out += renderTable(["method", "path", "handler", "where", ""], rows, style).replace(/\n+$/, "\n") + "\n";
  }
  if (res.routes.length === 0) out += "no routes found\n\n";
  if (res.diff?.length) {
    out += c.bold("changes") + "\n";
    out += renderTable(["change", "route", ""], res.diff.map((d) => [d.breaking ? c.red(d.kind) : d.kind, `${d.service} ${d.method} ${d.path}`, d.message]), style) + "\n";
  }
  out += findingsTable(res.findings, style);
  const s = res.suppressed;
  if (s.inline || s.baseline) out += c.dim(`suppressed: ${s.inline} inline (fks-ignore), ${s.baseline} by the baseline`) + "\n";
  return out;
}

export function routesJson(res: AuditRoutesResult): string {
  return json({ routes: res.routes, findings: res.findings, ...(res.diff ? { diff: res.diff } : {}), services: res.services.map((s) => s.name), diagnostics: res.diagnostics, stats: res.stats });
}

/** Service contracts: one section per service with its routes and open findings. */
export function routesMarkdown(res: AuditRoutesResult): string {
  const lines = ["# Service contracts", "", `Extracted statically by \`fks audit routes\` from ${res.stats.files} files.`, ""];
  const findings = byServiceFindings(res.findings);
  for (const [svc, routes] of byService(res.routes)) {
    lines.push(`## ${svc}`, "", `Framework: ${[...new Set(routes.map((r) => r.framework))].join(", ")} · ${routes.length} routes`, "");
    lines.push("| Method | Path | Handler | Source |", "|---|---|---|---|");
    for (const r of routes) lines.push(`| ${r.method} | \`${md(r.path)}\`${r.unresolved ? " ⚠ unresolved" : r.status === "not-mounted" ? " ⊘ not mounted" : ""} | \`${md(r.handler)}\` | ${md(r.file)}:${r.line} |`);
    const fs = findings.get(svc) ?? [];
    if (fs.length) {
      lines.push("", "Open findings:", "");
      for (const f of fs) lines.push(`- **${f.severity}** \`${f.rule}\` ${md(f.message)}${f.hint ? ` — ${md(f.hint)}` : ""}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function statusCell(r: Route, c: ReturnType<typeof colorsFor>): string {
  if (r.unresolved) return c.yellow(`unresolved: ${r.expression ?? ""}`);
  if (r.status === "not-mounted") return c.dim(`not-mounted: ${r.expression ?? ""}`);
  if (r.served === false) return c.dim(`not served: app ${r.app ?? ""}`);
  return "";
}

function md(s: string): string {
  return s.replace(/\|/g, "\\|");
}

export function byService(routes: Route[]): Map<string, Route[]> {
  const m = new Map<string, Route[]>();
  for (const r of routes) m.set(r.service, [...(m.get(r.service) ?? []), r]);
  return new Map([...m].sort((a, b) => a[0].localeCompare(b[0])));
}

function byServiceFindings(fs: Finding[]): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  for (const f of fs) m.set(f.service ?? "", [...(m.get(f.service ?? "") ?? []), f]);
  return m;
}
