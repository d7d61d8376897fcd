import type { Finding } from "../../model.js";
import { copyRange } from "./drift.js";
import type { CopiedFolder, RouteServedTwice } from "./types.js";

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The findings of an overlap audit: one per copied folder, one per drifted copy, one per route served twice. */
export function overlapFindings(copies: CopiedFolder[], routes: RouteServedTwice[]): Finding[] {
  const out: Finding[] = [];
  for (const c of copies) {
    const services = [...new Set(c.folders.map((f) => f.service))];
    const drifted = c.files.filter((f) => !f.identical);
    const what = c.name ? `${c.name}/` : "files";
    const where = c.folders.map((f) => `${f.service} (${f.path})`).join(", ");
    const first = c.files[0]!;
    const summary = drifted.length === 0 ? "all identical" : `${c.files.length - drifted.length} identical, ${drifted.length} drifted`;
    out.push({
      rule: "overlap/copied-module",
      severity: "warning",
      message: `${what} is copied in ${services.length} services — ${where}: ${c.files.length} file${c.files.length === 1 ? "" : "s"}, ${summary}`,
      file: first.reference,
      line: 1,
      service: services[0],
      hint: "move the shared code into one package the services depend on, or give it one owner",
    });
    for (const f of drifted) {
      for (const d of f.drift) {
        const h = d.hunks[0];
        const ranges = d.hunks.slice(0, 5).map((x) => copyRange(x)).join(", ") + (d.hunks.length > 5 ? `, … (${d.hunks.length} places)` : "");
        const renamed = f.renamed.length ? `; renamed ${f.renamed.slice(0, 3).map((r) => `${r.from}→${r.to}`).join(", ")}` : "";
        out.push({
          rule: "overlap/copy-drift",
          severity: "warning",
          message: `${d.file} differs from ${f.reference}${f.tie ? " (no version is more common)" : " (the most common version)"} — ${f.members.length} copies, similarity ${pct(f.similarity)}: +${d.added} −${d.removed} lines at ${ranges || "whitespace only"}${renamed}`,
          file: d.file,
          line: h?.copyStart ?? 1,
          service: d.service,
          hint: "bring the copies back in line (or extract them into one package) before they diverge further",
        });
      }
    }
  }
  for (const r of routes) {
    const [a, ...rest] = r.services;
    out.push({
      rule: "overlap/route-served-twice",
      severity: "warning",
      message: `${r.method} ${r.path} is served by ${r.services.map((s) => s.service).join(" and ")}`,
      file: a!.file,
      line: a!.line,
      service: a!.service,
      hint: `give the path one owner (a gateway routes by path); also at ${rest.map((s) => `${s.service} ${s.file}:${s.line}`).join(", ")}`,
    });
  }
  return out;
}
