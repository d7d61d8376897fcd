import type { Contract } from "../../config/contracts.js";
import type { Finding } from "../../model.js";
import type { ImportGraph, ImportSite } from "./types.js";

export interface ContractReport {
  findings: Finding[];
  /** Contract names with whether they were kept. */
  contracts: Array<{ name: string; type: Contract["type"]; kept: boolean; violations: number }>;
}

/** Does a module pattern match this module (or one of its packages)? */
export function matches(pattern: string, id: string): boolean {
  if (!pattern.includes("*")) return id === pattern || id.startsWith(pattern + ".");
  const re = new RegExp(
    "^" + pattern.split(".").map((p) => (p === "**" ? "[^]*" : p === "*" ? "[^.]+" : p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))).join("\\.") + "(?:\\..*)?$",
  );
  return re.test(id);
}

/**
 * Checks direct imports against the contracts. Third-party packages count as modules too, so
 * `forbidden: [requests]` works. `display` turns a root-relative file into what users see.
 */
export function checkContracts(graph: ImportGraph, contracts: Contract[], display: (rel: string) => string): ContractReport {
  const findings: Finding[] = [];
  const report: ContractReport["contracts"] = [];
  type Imp = { from: string; to: string; site: ImportSite };
  const imports: Imp[] = [];
  for (const e of graph.edges) for (const site of e.sites) imports.push({ from: e.from, to: e.to, site });
  const external: Imp[] = [];
  for (const m of graph.modules) for (const tp of m.thirdParty) external.push({ from: m.id, to: tp, site: { file: m.file, line: 0, names: [], kind: "import" } });

  contracts.forEach((c, i) => {
    const name = c.name ?? `${c.type} #${i + 1}`;
    const ignored = (c.ignore ?? []).map((s) => s.split(/\s*->\s*/) as [string, string]);
    const isIgnored = (imp: Imp) => ignored.some(([a, b]) => matches(a, imp.from) && matches(b, imp.to));
    let violations = 0;
    const flag = (imp: Imp, message: string, hint: string) => {
      if (isIgnored(imp)) return;
      violations++;
      findings.push({ rule: `split/${c.type}`, severity: "error", message: `${name}: ${message}`, file: display(imp.site.file), line: imp.site.line || undefined, hint });
    };
    if (c.type === "layers") {
      const containers = c.containers?.length ? c.containers : [""];
      for (const container of containers) {
        const full = (p: string) => (container ? `${container}.${p}` : p);
        const layers = c.layers.map((l) => (Array.isArray(l) ? l : [l]).map(full));
        const layerOf = (id: string): [number, string] | undefined => {
          for (let li = 0; li < layers.length; li++) for (const p of layers[li]!) if (matches(p, id)) return [li, p];
          return undefined;
        };
        for (const imp of imports) {
          const a = layerOf(imp.from), b = layerOf(imp.to);
          if (!a || !b) continue;
          if (b[0] < a[0]) flag(imp, `${imp.from} (layer ${a[1]}) imports ${imp.to} from the higher layer ${b[1]}`, "move the code down a layer or pass it in from above");
          else if (a[0] === b[0] && a[1] !== b[1]) flag(imp, `${imp.from} imports its independent sibling ${imp.to} (both in layer ${a[0] + 1})`, "siblings in one layer must not import each other");
        }
      }
    } else if (c.type === "forbidden") {
      for (const imp of [...imports, ...external]) {
        if (!c.source.some((p) => matches(p, imp.from))) continue;
        const hit = c.forbidden.find((p) => matches(p, imp.to));
        if (hit) flag(imp, `${imp.from} imports ${imp.to}, forbidden by ${hit}`, "remove the import or move the code that needs it");
      }
    } else {
      for (const imp of imports) {
        const a = c.modules.find((p) => matches(p, imp.from));
        const b = c.modules.find((p) => matches(p, imp.to));
        if (a && b && a !== b) flag(imp, `${imp.from} imports ${imp.to}, but ${a} and ${b} must stay independent`, "move the shared code into a module both may import");
      }
    }
    report.push({ name, type: c.type, kept: violations === 0, violations });
  });
  return { findings, contracts: report };
}
