import type { Breaker, Candidate, PlanStep } from "./types.js";
import { byText } from "../../text-order.js";

/**
 * Orders the work: first the cheapest cycle breakers (each one unblocks the packages it separates),
 * then candidates leaf-first (a candidate whose dependencies are already out can leave next), and
 * the last, most depended-on remainder stays as the core.
 */
export function buildPlan(breakers: Breaker[], candidates: Candidate[], candidateBreakers: Breaker[] = []): PlanStep[] {
  const steps: PlanStep[] = [];
  // A cycle inside one candidate does not block the split; only breakers that cross candidates are steps,
  // then the cuts between candidates that still import each other after those.
  const home = new Map(candidates.flatMap((c) => c.modules.map((m) => [m, c.name] as const)));
  const crosses = (b: Breaker) => b.sites.some((s) => s.from !== undefined && home.get(s.from) !== home.get(s.to ?? ""));
  const cut = new Set<string>();
  for (const b of candidateBreakers) cut.add(`${b.from}\u0000${b.to}`);
  for (const b of breakers) for (const s of b.sites) if (s.from !== undefined && home.get(s.from) !== home.get(s.to ?? "")) cut.add(`${home.get(s.from)}\u0000${home.get(s.to ?? "")}`);
  for (const b of breakers.filter((x) => candidates.length < 2 || crosses(x))) {
    steps.push({
      order: 0,
      action: "break-cycle",
      title: `break ${b.from} → ${b.to}`,
      cost: b.cost,
      unblocks: [`${b.from} and ${b.to} no longer in one cycle of ${b.cycleSize}`],
      details: b.sites.map((s) => `${s.file}:${s.line}${s.names.length ? ` (${s.names.join(", ")})` : ""}: move the code or invert the import`),
    });
  }
  // Modules nothing imports and that import nothing local (scripts, manage.py, a folder of them)
  // need no step: a candidate held together by no import at all is no service.
  const loose = candidates.filter((c) => c.internalEdges === 0 && c.crossingEdges === 0);
  candidates = candidates.filter((c) => !loose.includes(c));
  if (candidates.length > 1) {
    const remaining = new Map(candidates.map((c) => [c.name, c]));
    const done = new Set<string>();
    while (remaining.size > 1) {
      // Leaves first: fewest dependencies still in place; then the cheapest cut.
      const next = [...remaining.values()].sort(
        (a, b) => pending(a, done, cut) - pending(b, done, cut) || a.crossingEdges - b.crossingEdges || byText(a.name, b.name),
      )[0]!;
      remaining.delete(next.name);
      done.add(next.name);
      const unblocks = [...remaining.values()].filter((c) => c.dependsOn.includes(next.name) && pending(c, done, cut) === 0).map((c) => c.name);
      steps.push({
        order: 0,
        action: "extract",
        title: `extract ${next.name} (${next.modules.length} modules, ${next.loc} lines)`,
        cost: next.crossingEdges,
        unblocks,
        details: [
          // Imports of candidates that leave later: the cycles between candidates the package cuts left.
          ...candidateBreakers.filter((b) => b.from === next.name).map((b) => `first cut its ${b.cost} import${b.cost === 1 ? "" : "s"} of ${b.to}: ${sitesText(b)}`),
          `interface: ${next.interface.length} symbols${next.interface.length ? ` (${next.interface.slice(0, 8).join(", ")}${next.interface.length > 8 ? ", …" : ""})` : ""}`,
          next.dependsOn.length ? `depends on: ${next.dependsOn.join(", ")}` : "depends on no other candidate",
          next.thirdParty.length ? `carries: ${next.thirdParty.join(", ")}` : "carries no third-party packages",
        ],
      });
    }
    const core = [...remaining.values()][0]!;
    const alone = loose.flatMap((c) => c.modules);
    const details = alone.length ? [`stand-alone modules that go wherever they fit: ${alone.slice(0, 10).join(", ")}${alone.length > 10 ? `, … ${alone.length - 10} more` : ""}`] : [];
    steps.push({ order: 0, action: "keep", title: `keep ${core.name} as the core (${core.modules.length} modules)`, cost: 0, unblocks: [], details });
  }
  steps.forEach((s, i) => (s.order = i + 1));
  return steps;
}

function sitesText(b: Breaker): string {
  const shown = b.sites.slice(0, 3).map((s) => `${s.file}:${s.line}`).join(", ");
  return b.sites.length > 3 ? `${shown}, … ${b.sites.length - 3} more` : shown;
}

/** Dependencies still in place: not extracted yet, and not cut by an earlier step. */
function pending(c: Candidate, done: Set<string>, cut: Set<string>): number {
  return c.dependsOn.filter((d) => !done.has(d) && !cut.has(`${c.name}\u0000${d}`)).length;
}
