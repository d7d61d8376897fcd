import type { SplitResult } from "../../features/split/types.js";
import { candidateOf, packageMap, palette } from "../split.js";
import { byText } from "../../text-order.js";

export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Dependency structure matrix: row imports column. Modules are ordered by candidate, then package,
 * so a good split shows dense blocks on the diagonal and little outside them. Only non-empty cells
 * are drawn, which keeps a 1,000-module matrix light.
 */
export function dsmSvg(r: SplitResult): string {
  const cand = candidateOf(r);
  const pkg = packageMap(r);
  const order = [...r.graph.modules].sort((a, b) => (cand.get(a.id) ?? 0) - (cand.get(b.id) ?? 0) || byText(pkg.get(a.id)!, pkg.get(b.id)!) || byText(a.id, b.id));
  const n = order.length;
  const idx = new Map(order.map((m, i) => [m.id, i]));
  const cell = Math.max(3, Math.min(16, Math.floor(900 / Math.max(1, n))));
  const showLabels = cell >= 8;
  const label = showLabels ? Math.min(260, 12 + Math.max(...order.map((m) => m.id.length)) * (cell - 4) * 0.62) : 12;
  const size = n * cell;
  const breakerPkgs = new Set(r.breakers.map((b) => `${b.from}\u0000${b.to}`));
  const parts: string[] = [];
  parts.push(`<svg id="dsm" xmlns="http://www.w3.org/2000/svg" width="${label + size + 2}" height="${label + size + 2}" data-rows="${n}" data-cells="${r.graph.edges.length}" font-family="Helvetica,Arial,sans-serif" font-size="${Math.max(6, cell - 4)}">`);
  parts.push(`<g transform="translate(${label},${label})">`);
  parts.push(`<rect x="0" y="0" width="${size}" height="${size}" fill="#fafafa" stroke="#999"/>`);
  // Candidate blocks on the diagonal.
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || cand.get(order[i]!.id) !== cand.get(order[start]!.id)) {
      const k = cand.get(order[start]!.id) ?? 0;
      parts.push(`<rect class="block" data-candidate="${esc(r.candidates[k]?.name ?? "")}" x="${start * cell}" y="${start * cell}" width="${(i - start) * cell}" height="${(i - start) * cell}" fill="${palette(k)}" fill-opacity="0.35" stroke="#555"/>`);
      start = i;
    }
  }
  for (let i = 0; i < n; i++) {
    const id = order[i]!.id;
    parts.push(`<text class="row" x="-3" y="${i * cell + cell - 2}" text-anchor="end"${showLabels ? "" : ' visibility="hidden"'}>${esc(id)}</text>`);
    if (showLabels) parts.push(`<text class="col" transform="translate(${i * cell + cell - 2},-3) rotate(-90)">${esc(id)}</text>`);
  }
  for (const e of r.graph.edges) {
    const y = idx.get(e.from)!, x = idx.get(e.to)!;
    const cut = breakerPkgs.has(`${pkg.get(e.from)}\u0000${pkg.get(e.to)}`);
    const shade = Math.min(1, 0.35 + 0.15 * e.weight);
    parts.push(`<rect class="cell${cut ? " breaker" : ""}" x="${x * cell}" y="${y * cell}" width="${cell}" height="${cell}" fill="${cut ? "#d33" : "#234"}" fill-opacity="${shade.toFixed(2)}"><title>${esc(e.from)} imports ${esc(e.to)} (${e.weight})</title></rect>`);
  }
  parts.push("</g></svg>");
  return parts.join("\n");
}

/**
 * Candidates on a circle (largest first, clockwise), each sized by its modules; an arrow per
 * candidate pair that imports, as thick as the number of imports. Laid out here, no script needed.
 */
export function clusterGraphSvg(r: SplitResult): string {
  const W = 720, H = 560, cx = W / 2, cy = H / 2;
  const k = r.candidates.length;
  const R = k <= 1 ? 0 : Math.min(W, H) / 2 - 90;
  const radius = (i: number) => 14 + 6 * Math.sqrt(r.candidates[i]!.modules.length);
  const pos = r.candidates.map((_, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, k);
    return { x: cx + R * Math.cos(a), y: cy + R * Math.sin(a) };
  });
  const of = candidateOf(r);
  const w = new Map<string, number>();
  for (const e of r.graph.edges) {
    const a = of.get(e.from), b = of.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    w.set(`${a},${b}`, (w.get(`${a},${b}`) ?? 0) + e.weight);
  }
  const parts: string[] = [];
  parts.push(`<svg id="cluster-graph" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" data-nodes="${k}" data-edges="${w.size}" font-family="Helvetica,Arial,sans-serif" font-size="12">`);
  parts.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>`);
  for (const [key, weight] of w) {
    const [a, b] = key.split(",").map(Number) as [number, number];
    const p = pos[a]!, q = pos[b]!;
    const dx = q.x - p.x, dy = q.y - p.y, len = Math.hypot(dx, dy) || 1;
    // Offset both directions sideways so a→b and b→a stay apart.
    const ox = (-dy / len) * 5, oy = (dx / len) * 5;
    const x1 = p.x + (dx / len) * radius(a) + ox, y1 = p.y + (dy / len) * radius(a) + oy;
    const x2 = q.x - (dx / len) * radius(b) + ox, y2 = q.y - (dy / len) * radius(b) + oy;
    parts.push(`<line class="edge" x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="#555" stroke-opacity="0.7" stroke-width="${(1 + Math.log2(weight)).toFixed(1)}" marker-end="url(#arrow)"><title>${esc(r.candidates[a]!.name)} → ${esc(r.candidates[b]!.name)}: ${weight} imports</title></line>`);
    const mx = (x1 + x2) / 2 + ox * 2, my = (y1 + y2) / 2 + oy * 2;
    parts.push(`<text class="edge-label" x="${mx.toFixed(1)}" y="${my.toFixed(1)}" text-anchor="middle" fill="#333">${weight}</text>`);
  }
  r.candidates.forEach((c, i) => {
    const p = pos[i]!;
    parts.push(`<g class="node" data-id="${esc(c.name)}"><circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${radius(i).toFixed(1)}" fill="${palette(i)}" stroke="#333"/><text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" text-anchor="middle" font-weight="bold">${esc(c.name)}</text><text x="${p.x.toFixed(1)}" y="${(p.y + radius(i) + 14).toFixed(1)}" text-anchor="middle" fill="#555">${c.modules.length} modules · ${c.loc} loc</text><title>${esc(c.modules.join("\n"))}</title></g>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
