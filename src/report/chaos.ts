import { createRequire } from "node:module";
import type { ChaosMatrixResult } from "../features/chaos/matrix.js";
import type { ChaosRollbackResult, ChaosProxiesResult } from "../features/chaos/index.js";
import type { ChaosRunResult, Check, PhaseSummary } from "../features/chaos/result.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";

const require = createRequire(import.meta.url);

export const CHAOS_FORMATS = ["table", "json", "junit", "markdown"] as const;
export type ChaosFormat = (typeof CHAOS_FORMATS)[number];

export function renderChaos(r: ChaosRunResult | ChaosMatrixResult, format: ChaosFormat, style: Style): string {
  switch (format) {
    case "json":
      return json(r);
    case "junit":
      return chaosJunit(r);
    case "markdown":
      return chaosMarkdown(r);
    default:
      return chaosTable(r, style);
  }
}

function phaseRows(p: PhaseSummary): string[][] {
  return p.services.map((s) => [p.name, s.service, endpointsText(s.endpoints), `${s.pass}/${s.warn}/${s.fail}`, String(s.hangs), s.p99 === undefined ? "-" : `${s.p99} ms`]);
}

function endpointsText(e: Record<string, string>): string {
  return Object.entries(e).map(([k, v]) => `${k} ${v}`).join(", ") || "-";
}

export function chaosTable(r: ChaosRunResult | ChaosMatrixResult, style: Style): string {
  const c = colorsFor(style);
  let out = "";
  if (r.dryRun) return `${r.plan.join("\n")}\n${notes(r)}dry run: nothing was applied\n`;
  if ("matrix" in r) out += matrixTable(r, style) + "\n";
  else out += renderTable(["phase", "service", "worst per endpoint", "pass/warn/fail", "hangs", "p99"], r.phases.flatMap(phaseRows), style) + "\n";
  const routes = r.phases.flatMap((p) => p.routes.map((x) => [p.name, `${x.service} ${x.path}`, String(x.requests), `${(x.errorRate * 100).toFixed(1)}%`, x.p99 === undefined ? "-" : `${x.p99} ms`]));
  if (routes.length) out += renderTable(["phase", "route", "requests", "errors", "p99"], routes, style) + "\n";
  for (const k of r.checks.filter((x) => !x.ok)) out += `${c.red("✗")} ${k.message}${k.detectedAfterMs !== undefined ? ` (detected ${k.detectedAfterMs} ms after the fault)` : ""}\n`;
  for (const f of r.rollback.failed) out += `${c.red("ROLLBACK FAILED")} ${f.id}: ${f.error} — finish it by hand: ${f.command}\n`;
  out += notes(r);
  const passed = r.checks.filter((x) => x.ok).length;
  const verdict = r.ok ? c.green("hypothesis held") : c.red(r.aborted ? `not concluded: ${r.aborted}` : "hypothesis broken");
  out += `${verdict}: ${passed}/${r.checks.length} checks passed in ${(r.wallMs / 1000).toFixed(1)} s (planned ${(r.plannedMs / 1000).toFixed(1)} s); rollback ${r.rollback.ms} ms\n`;
  return out;
}

function notes(r: ChaosRunResult): string {
  return r.notes.map((n) => `note: ${n}\n`).join("");
}

function cellText(cell: ChaosMatrixResult["matrix"]["rows"][number]["cells"][string] | undefined, c: ReturnType<typeof colorsFor>): string {
  if (!cell) return "-";
  if (cell.level === "faulted") return c.dim("(faulted)");
  const t = cell.level === "pass" ? c.green("pass") : cell.level === "warn" ? c.yellow("warn") : c.red(cell.level);
  return `${t}${cell.p99 !== undefined ? ` ${cell.p99}ms` : ""}${cell.cascade ? c.red(" CASCADE") : ""}`;
}

export function matrixTable(r: ChaosMatrixResult, style: Style): string {
  const c = colorsFor(style);
  const rows = r.matrix.rows.map((row) => [`${row.kind} ${row.service}`, ...r.matrix.services.map((s) => cellText(row.cells[s], c)), row.recoveredMs === undefined ? c.red("no") : `${row.recoveredMs} ms`]);
  return renderTable(["fault", ...r.matrix.services, "recovered"], rows, style);
}

export function chaosMarkdown(r: ChaosRunResult | ChaosMatrixResult): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  let out = `# Chaos experiment: ${r.experiment.name}\n\n`;
  out += `**${r.ok ? "Hypothesis held" : r.aborted ? `Not concluded: ${r.aborted}` : "Hypothesis broken"}** — ${r.checks.filter((x) => x.ok).length}/${r.checks.length} checks passed in ${(r.wallMs / 1000).toFixed(1)} s.\n\n`;
  out += `## Plan\n\n${r.plan.map((l) => `- ${esc(l)}`).join("\n")}\n\n`;
  if ("matrix" in r && r.matrix.rows.length) {
    out += `## Matrix\n\n| fault | ${r.matrix.services.join(" | ")} | recovered |\n|---|${r.matrix.services.map(() => "---").join("|")}|---|\n`;
    for (const row of r.matrix.rows) {
      const cells = r.matrix.services.map((s) => {
        const x = row.cells[s];
        return !x ? "-" : x.level === "faulted" ? "*(faulted)*" : `${x.level}${x.p99 !== undefined ? ` ${x.p99} ms` : ""}${x.cascade ? " **cascade**" : ""}`;
      });
      out += `| ${row.kind} ${row.service} | ${cells.join(" | ")} | ${row.recoveredMs === undefined ? "**no**" : `${row.recoveredMs} ms`} |\n`;
    }
    out += "\n";
  }
  if (r.phases.length) {
    out += `## Phases\n\n| phase | service | worst per endpoint | pass/warn/fail | hangs | p99 |\n|---|---|---|---|---|---|\n`;
    for (const p of r.phases) for (const row of phaseRows(p)) out += `| ${row.map(esc).join(" | ")} |\n`;
    out += "\n";
  }
  out += `## Checks\n\n${r.checks.map((k) => `- ${k.ok ? "✅" : "❌"} ${esc(k.name)}: ${esc(k.message)}`).join("\n")}\n`;
  if (r.rollback.failed.length) out += `\n## Rollback failed\n\n${r.rollback.failed.map((f) => `- ${f.id}: ${f.error} — \`${f.command}\``).join("\n")}\n`;
  return out;
}

/** One testcase for the experiment as a whole, and one per hypothesis check. */
export function chaosJunit(r: ChaosRunResult): string {
  const junit = require("junit-report-builder") as { default?: JunitBuilder } & JunitBuilder;
  const builder = (junit.default ?? junit).newBuilder();
  const suite = builder.testSuite().name(`fks chaos ${r.experiment.name}`);
  const whole = suite.testCase().className(`fks.chaos.${r.experiment.name}`).name(`experiment ${r.experiment.name}`).time(r.wallMs / 1000);
  if (!r.ok) whole.failure(r.aborted ?? r.checks.filter((c) => !c.ok).map((c) => c.message).join("; "), r.aborted ? "aborted" : "hypothesis");
  for (const k of r.checks) {
    const tc = suite.testCase().className(`fks.chaos.${r.experiment.name}.${k.kind}`).name(k.name);
    if (k.ok) tc.standardOutput(k.message);
    else tc.failure(k.message, k.kind);
  }
  for (const f of r.rollback.failed) suite.testCase().className(`fks.chaos.${r.experiment.name}.rollback`).name(`rollback ${f.id}`).failure(`${f.error} — ${f.command}`, "rollback");
  return builder.build() + "\n";
}

export function renderRollback(r: ChaosRollbackResult, format: "table" | "json", style: Style): string {
  if (format === "json") return json(r);
  const c = colorsFor(style);
  if (!r.journal) return "nothing to roll back: no chaos journal\n";
  let out = `journal ${r.journal} (experiment ${r.experiment}):\n`;
  for (const u of r.outcome.undone) out += `  ${c.green("undone")} ${u.entry.id}: ${what(u.entry)}\n`;
  for (const f of r.outcome.failed) out += `  ${c.red("FAILED")} ${f.entry.id}: ${f.error} — finish it by hand: ${f.command}\n`;
  if (!r.outcome.undone.length && !r.outcome.failed.length) out += "  nothing left to undo\n";
  return out;
}

function what(e: ChaosRollbackResult["outcome"]["undone"][number]["entry"]): string {
  return e.kind === "container" ? `${e.action === "pause" ? "unpaused" : "started"} container ${e.container}` : e.kind === "toxic" ? `removed toxic ${e.toxic} from ${e.proxy}` : `enabled proxy ${e.proxy}`;
}

export function renderProxies(r: ChaosProxiesResult, format: "table" | "json", style: Style): string {
  if (format === "json") return json(r);
  return renderTable(["proxy", "listen", "upstream", "caller env", "action"], r.proxies.map((p) => [p.name, p.listen, p.upstream, p.env ?? "-", p.action]), style) + r.notes.map((n) => `note: ${n}\n`).join("");
}

export function checkLine(k: Check): string {
  return `${k.ok ? "ok" : "FAIL"} ${k.name}: ${k.message}`;
}

interface JunitCase {
  className(n: string): JunitCase;
  name(n: string): JunitCase;
  time(t: number): JunitCase;
  failure(msg: string, type?: string): JunitCase;
  standardOutput(s: string): JunitCase;
}
interface JunitBuilder {
  newBuilder(): { testSuite(): { name(n: string): { testCase(): JunitCase } }; build(): string };
}

export interface LiveChaosState {
  phase: string;
  faults: string[];
  services: Map<string, { endpoints: Record<string, string>; recent: number[] }>;
}

/** The live view on a terminal: the phase, what is applied, each service's latest state and p99 of recent probes. */
export function chaosLiveTable(s: LiveChaosState, style: Style): string {
  const c = colorsFor(style);
  const paint = (v: string) => (v === "pass" ? c.green(v) : v === "warn" ? c.yellow(v) : c.red(v));
  const rows = [...s.services.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, x]) => {
    const lat = [...x.recent].sort((a, b) => a - b);
    const p99 = lat.length ? lat[Math.min(lat.length - 1, Math.ceil(0.99 * lat.length) - 1)] : undefined;
    return [name, Object.entries(x.endpoints).map(([k, v]) => `${k} ${paint(v)}`).join("  "), p99 === undefined ? "-" : `${p99} ms`];
  });
  return `${c.bold(`phase ${s.phase || "starting"}`)}${s.faults.length ? ` — ${s.faults.join("; ")}` : ""}\n` + renderTable(["service", "latest", "p99 (last 40)"], rows, style);
}
