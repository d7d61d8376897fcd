import type { OverlapResult } from "../features/overlap/types.js";
import type { DriftHunk } from "../features/overlap/drift.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";

/** `12-14` for lines the copy adds, `12` where it only lacks lines. */
const copyRange = (h: DriftHunk) => (h.added > 1 ? `${h.copyStart}-${h.copyStart + h.added - 1}` : `${h.copyStart}`);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

export function overlapTable(res: OverlapResult, style: Style): string {
  const c = colorsFor(style);
  const out: string[] = [];
  if (res.copies.length === 0) out.push("no modules copied between services\n");
  for (const folder of res.copies) {
    const services = [...new Set(folder.folders.map((f) => f.service))];
    out.push(c.bold(`${folder.name ? `${folder.name}/` : "files"} copied in ${services.join(", ")}`) + c.dim(` — ${folder.folders.map((f) => f.path).join(", ")}`) + "\n");
    const rows = folder.files.map((f) => [
      f.name,
      f.identical ? "identical" : `similar ${pct(f.similarity)}`,
      f.members.map((m) => `${m.service}${m.version ? c.yellow(`*${m.version}`) : ""}`).join(", "),
      f.drift.length === 0 ? "" : f.drift.map((d) => `${d.file}:${d.hunks.slice(0, 3).map(copyRange).join(",") || "1"} +${d.added} −${d.removed}`).join("; ") + (f.renamed.length ? c.dim(` (renamed ${f.renamed.slice(0, 3).map((r) => `${r.from}→${r.to}`).join(", ")})`) : ""),
    ]);
    out.push(renderTable(["file", "copies", "services", "drift vs most common version"], rows, style));
  }
  if (res.copies.some((f) => f.files.some((x) => !x.identical))) out.push(c.dim("*n: a version that differs from the most common one (drift measured against it)\n"));
  out.push("\n");
  if (res.routes.length === 0) out.push("no route served by two services\n");
  else {
    out.push(c.bold("routes served by more than one service") + "\n");
    out.push(renderTable(["method", "path", "served by"], res.routes.map((r) => [r.method, r.path, r.services.map((s) => `${s.service} ${c.dim(`${s.file}:${s.line}`)}`).join(", ")]), style));
  }
  const drifted = res.copies.reduce((n, f) => n + f.files.filter((x) => !x.identical).length, 0);
  const copied = res.copies.reduce((n, f) => n + f.files.length, 0);
  out.push(
    `\n${plural(res.copies.length, "copied folder")} (${plural(copied, "file")}, ${drifted} drifted), ${plural(res.routes.length, "route")} served twice — ${res.stats.compared} of ${res.stats.files} source files compared across ${plural(res.services.length, "service")}\n`,
  );
  return out.join("");
}

export function overlapJson(res: OverlapResult): string {
  return json(res);
}

export function overlapMarkdown(res: OverlapResult): string {
  const out: string[] = ["# Overlap between services", ""];
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  out.push(`Services: ${res.services.map((s) => `\`${s.name}\``).join(", ") || "none"} · ${res.stats.compared} of ${res.stats.files} source files compared`, "");
  out.push("## Copied modules", "");
  if (res.copies.length === 0) out.push("None.", "");
  for (const folder of res.copies) {
    out.push(`### \`${folder.name ? `${folder.name}/` : "files"}\` in ${folder.folders.map((f) => `${f.service} (\`${f.path}\`)`).join(", ")}`, "");
    out.push("| file | copies | services | drift |", "| --- | --- | --- | --- |");
    for (const f of folder.files) {
      const drift = f.drift.map((d) => `\`${d.file}\` +${d.added} −${d.removed} at ${d.hunks.map(copyRange).join(", ") || "—"}`).join("<br>");
      const renamed = f.renamed.length ? `<br>renamed: ${f.renamed.slice(0, 5).map((r) => `\`${r.from}\`→\`${r.to}\``).join(", ")}` : "";
      out.push(`| \`${esc(f.name)}\` | ${f.identical ? "identical" : `similar ${pct(f.similarity)}`} | ${[...new Set(f.members.map((m) => m.service))].join(", ")} | ${drift ? `vs \`${f.reference}\`: ${drift}` : "—"}${renamed} |`);
    }
    out.push("");
  }
  out.push("## Routes served by more than one service", "");
  if (res.routes.length === 0) out.push("None.", "");
  else {
    out.push("| method | path | served by |", "| --- | --- | --- |");
    for (const r of res.routes) out.push(`| ${r.method} | \`${esc(r.path)}\` | ${r.services.map((s) => `${s.service} (\`${s.file}:${s.line}\`)`).join(", ")} |`);
    out.push("");
  }
  return out.join("\n");
}
