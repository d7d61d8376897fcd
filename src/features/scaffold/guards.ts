import type { ProbeGuard } from "../../frameworks/health/guards.js";
import { RULES } from "./rules.js";
import type { PlanFinding } from "./types.js";

/** Guards in the code that reach the probes, as findings; an unsure one is a note, one fks avoids by placement is fixed. */
export function guardFindings(guards: ProbeGuard[], service: string, rel: (f: string) => string): PlanFinding[] {
  return guards.map((g) => {
    const rule = g.kind === "rate" ? RULES.probeRateLimited : RULES.probeAuth;
    const what = g.kind === "rate" ? "rate-limits" : "authenticates";
    return {
      rule: rule.id,
      severity: g.unsure || g.avoided ? "note" : g.maybe ? "warning" : rule.severity,
      service,
      file: rel(g.file),
      line: g.line,
      message: g.avoided
        ? `${g.what} would ${what.replace(/s$/, "")} ${g.paths.join(" and ")}; fks places the health endpoints out of its reach`
        : g.maybe
          ? `${g.what} may ${what.replace(/s$/, "")} ${g.paths.join(" and ")} (${g.maybe}): probes must reach the service without credentials or limits`
          : `${g.what} ${what} ${g.paths.join(" and ")}: probes must reach the service without credentials or limits${g.unsure ? ` (${g.unsure})` : ""}`,
      hint: g.hint,
      fixed: !!g.avoided,
    };
  });
}
