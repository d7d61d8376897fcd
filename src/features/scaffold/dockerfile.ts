import path from "node:path";
import { parseDockerfile } from "../../lang/dockerfile/parse.js";
import { RULES } from "./rules.js";
import { MISSING_NOTE } from "./stale-comments.js";
import { brokenBecause, imageFacts, probeCommand, type ImageFacts } from "./image.js";
import type { PlanParts, ScaffoldSettings, ServicePlanInput, Timing } from "./types.js";

export interface DockerfilePlan extends PlanParts {
  /** The probe command the final image can run (also used for compose). */
  command?: string[];
  facts?: ImageFacts;
  /** True when the final image will carry a working HEALTHCHECK after the plan. */
  healthy: boolean;
  /** True when the image already had a working HEALTHCHECK before the plan. */
  healthyBefore: boolean;
  /** Why there is no command, for the compose planner's hints. */
  why?: string;
}

export function healthUrl(port: number | undefined, p: string): string {
  return `http://127.0.0.1:${port ?? 8000}${p}`;
}

/** HEALTHCHECK in the final stage that works in that image; broken ones replaced only with force. */
export function planDockerfile(input: ServicePlanInput, abs: string, text: string, display: string, s: ScaffoldSettings, target?: string): DockerfilePlan {
  // compose `build.target`: the container is that stage, so the HEALTHCHECK goes there; the file up to
  // the stage's end reads as a Dockerfile whose final stage it is, with the same line numbers.
  const whole = parseDockerfile(text, display);
  const ti = target ? whole.info.stages.findIndex((st) => st.name === target) : -1;
  const stageEnd = ti >= 0 && ti < whole.info.stages.length - 1 ? whole.info.stages[ti + 1]!.line - 1 : undefined;
  const parse = stageEnd ? parseDockerfile(text.split(/\r?\n/).slice(0, stageEnd).join("\n"), display) : whole;
  const facts = imageFacts(parse);
  const svc = input.record.name;
  const out: DockerfilePlan = { edits: [], findings: [], facts, healthy: false, healthyBefore: false };
  const ready = input.paths.ready;
  const unserved = !!input.unservable && !input.served.has(ready) && input.serves?.(ready) !== true;
  const command = unserved ? undefined : probeCommand(facts, healthUrl(input.record.port, ready), input.selfCheck);
  out.command = command;
  const finalHc = parse.info.healthchecks.find((h) => h.inFinalStage);
  const builderHc = parse.info.healthchecks.find((h) => !h.inFinalStage);
  const lines = text.split(/\r?\n/);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const newLines = command ? healthcheckLines(command, s.timing) : undefined;
  const cannot = command ? undefined : unserved ? `the service does not serve ${ready} (${RULES.endpoints.id})` : `fks does not know an HTTP client in ${facts.image || "this image"}`;
  out.why = cannot;

  if (finalHc?.none) {
    out.findings.push({ rule: RULES.dockerMissing.id, severity: "note", message: "HEALTHCHECK NONE: health checks are switched off on purpose", file: display, line: finalHc.line, service: svc, fixed: false });
    return out;
  }
  if (finalHc) {
    const why = brokenBecause(finalHc.command, facts);
    timingFindings(finalHc.line, lines[finalHc.line - 1] ?? "", display, svc, out, s.timing.retries);
    if (!why) {
      out.healthy = true;
      out.healthyBefore = true;
      return out;
    }
    const fixable = s.force && !!newLines;
    out.findings.push({
      rule: RULES.dockerBroken.id, severity: RULES.dockerBroken.severity, file: display, line: finalHc.line, service: svc, fixed: fixable, needsForce: !s.force && !!newLines,
      message: `HEALTHCHECK can never pass: ${why}`,
      hint: cannot,
    });
    if (fixable) {
      const end = continuationEnd(lines, finalHc.line - 1);
      lines.splice(finalHc.line - 1, end - finalHc.line + 2, ...newLines!);
      out.edits.push({ file: abs, before: text, after: lines.join(eol), reason: "replace the broken HEALTHCHECK" });
      out.healthy = true;
    }
    return out;
  }
  if (builderHc) {
    out.findings.push({ rule: RULES.dockerBuilder.id, severity: RULES.dockerBuilder.severity, file: display, line: builderHc.line, service: svc, fixed: !!newLines, message: `HEALTHCHECK is in a build stage only; ${stageEnd ? `the image of stage ${target}` : "the final image"} has none`, hint: cannot });
  } else {
    out.findings.push({ rule: RULES.dockerMissing.id, severity: RULES.dockerMissing.severity, file: display, line: parse.info.stages.at(-1)?.line ?? 1, service: svc, fixed: !!newLines, message: stageEnd ? `the image of stage ${target} (compose build.target) has no HEALTHCHECK` : "the final image has no HEALTHCHECK", hint: cannot ? `${cannot}: ${unserved ? "serve it, then run fks again" : "add a HEALTHCHECK by hand"}` : undefined });
  }
  if (!newLines) return out;
  // Before the final stage's CMD/ENTRYPOINT, where readers look for it; else at the end.
  const finalStage = parse.info.stages.length - 1;
  const anchor = parse.instructions.find((i) => i.stage === finalStage && (i.keyword === "CMD" || i.keyword === "ENTRYPOINT"));
  let at = anchor ? anchor.line - 1 : (stageEnd ?? lines.length);
  // Keep a comment block that introduces CMD attached to it, and apart from the HEALTHCHECK when a blank line sets it apart.
  while (anchor && at > 0 && /^\s*#/.test(lines[at - 1]!)) at--;
  const apart = !!anchor && at < anchor.line - 1 && at > 0 && lines[at - 1]!.trim() === "";
  if (!anchor) while (at > 0 && lines[at - 1] === "") at--;
  // "# No HEALTHCHECK yet." in the final stage is false once it has one: the HEALTHCHECK takes its place.
  const finalFrom = (parse.info.stages.at(-1)?.line ?? 1) - 1;
  for (let i = (stageEnd ?? lines.length) - 1; i > finalFrom; i--) {
    if (!/^\s*#/.test(lines[i]!) || !MISSING_NOTE.test(lines[i]!)) continue;
    lines.splice(i, 1);
    if (i < at) at--;
  }
  lines.splice(at, 0, ...newLines, ...(apart && /^\s*#/.test(lines[at] ?? "") ? [""] : []));
  out.edits.push({ file: abs, before: text, after: lines.join(eol), reason: `add a HEALTHCHECK that runs ${path.basename(command![0]!)}` });
  out.healthy = true;
  return out;
}

function healthcheckLines(command: string[], t: Timing): string[] {
  return [
    `HEALTHCHECK --interval=${t.interval}s --timeout=${t.timeout}s --start-period=${t.startPeriod}s --retries=${t.retries} \\`,
    `  CMD ${JSON.stringify(command).replace(/","/g, '", "')}`,
  ];
}

function continuationEnd(lines: string[], start: number): number {
  let i = start;
  while (i < lines.length - 1 && /\\\s*$/.test(lines[i]!)) i++;
  return i;
}

function timingFindings(line: number, text: string, file: string, service: string, out: PlanParts, want: number): void {
  const interval = /--interval=(\d+)(ms|s|m)?/.exec(text);
  const seconds = interval ? Number(interval[1]) * (interval[2] === "m" ? 60 : interval[2] === "ms" ? 0.001 : 1) : 30;
  const retries = Number(/--retries=(\d+)/.exec(text)?.[1] ?? 3);
  if (seconds < 10 || seconds > 30 || retries !== want) {
    out.findings.push({ rule: RULES.timing.id, severity: RULES.timing.severity, file, line, service, fixed: false, message: `HEALTHCHECK interval ${seconds}s, retries ${retries}`, hint: `use an interval of 10–30 s and --retries=${want}` });
  }
}
