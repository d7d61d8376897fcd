import { createRequire } from "node:module";
import type * as Sarif from "node-sarif-builder";
import type { Finding, Severity } from "../model.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";

const require = createRequire(import.meta.url);

export const FINDING_FORMATS = ["table", "json", "sarif", "junit", "github"] as const;
export type FindingFormat = (typeof FINDING_FORMATS)[number];

export interface RuleDoc {
  id: string;
  description: string;
  /** The rule of another tool or style guide this one matches, or "new". */
  matches?: string;
}

const RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/** True when any finding is at or above the threshold severity. */
export function reaches(findings: Finding[], threshold: Severity): boolean {
  return findings.some((f) => RANK[f.severity] >= RANK[threshold]);
}

export function findingsTable(findings: Finding[], style: Style): string {
  if (findings.length === 0) return "no findings\n";
  const c = colorsFor(style);
  const sev = (s: Severity) => (s === "error" ? c.red(s) : s === "warning" ? c.yellow(s) : c.dim(s));
  const rows = sortFindings(findings).map((f) => [
    sev(f.severity),
    f.rule,
    f.service ?? "",
    f.file ? (f.line ? `${f.file}:${f.line}` : f.file) : "",
    f.message + (f.hint ? c.dim(` — ${f.hint}`) : ""),
  ]);
  return renderTable(["severity", "rule", "service", "where", "message"], rows, style) + summaryLine(findings) + "\n";
}

export function summaryLine(findings: Finding[]): string {
  const n = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return `${n("error")} errors, ${n("warning")} warnings, ${n("note")} notes`;
}

export function findingsSarif(findings: Finding[], tool: { name: string; version: string; rules?: RuleDoc[] }): string {
  // Loaded here only: the SARIF builder and its file helpers cost start-up time every other format does not need.
  const { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } = require("node-sarif-builder") as typeof Sarif;
  const sarif = new SarifBuilder();
  const run = new SarifRunBuilder().initSimple({ toolDriverName: tool.name, toolDriverVersion: tool.version });
  const ruleIds = new Set(findings.map((f) => f.rule));
  for (const r of tool.rules ?? []) ruleIds.add(r.id);
  for (const id of [...ruleIds].sort()) {
    const doc = tool.rules?.find((r) => r.id === id);
    run.addRule(new SarifRuleBuilder().initSimple({ ruleId: id, shortDescriptionText: doc?.description ?? id }));
  }
  for (const f of sortFindings(findings)) {
    const res = new SarifResultBuilder();
    const init: Parameters<Sarif.SarifResultBuilder["initSimple"]>[0] = {
      level: f.severity,
      messageText: f.hint ? `${f.message} — ${f.hint}` : f.message,
      ruleId: f.rule,
    };
    if (f.file) {
      init.fileUri = f.file.split("\\").join("/");
      if (f.line) init.startLine = f.line;
    }
    run.addResult(res.initSimple(init));
  }
  sarif.addRun(run);
  return sarif.buildSarifJsonString({ indent: true }) + "\n";
}

/** One testcase per rule and location, grouped in one suite per service. */
export function findingsJunit(findings: Finding[], suiteName: string, passed: string[] = []): string {
  const junit = (require("junit-report-builder") as { default?: JunitBuilder } & JunitBuilder);
  const builder = (junit.default ?? junit).newBuilder();
  const bySuite = new Map<string, Finding[]>();
  for (const f of findings) bySuite.set(f.service ?? suiteName, [...(bySuite.get(f.service ?? suiteName) ?? []), f]);
  for (const p of passed) if (!bySuite.has(p)) bySuite.set(p, []);
  if (bySuite.size === 0) bySuite.set(suiteName, []);
  for (const [name, fs] of bySuite) {
    const suite = builder.testSuite().name(name);
    if (fs.length === 0) suite.testCase().className(name).name(`${suiteName}: no findings`);
    for (const f of fs) {
      const tc = suite.testCase().className(`${name}.${f.rule}`).name(f.file ? `${f.rule} ${f.file}:${f.line ?? 0}` : f.rule);
      const text = f.hint ? `${f.message} — ${f.hint}` : f.message;
      if (f.severity === "error") tc.failure(text, f.rule);
      else tc.standardOutput(`${f.severity}: ${text}`);
    }
  }
  return builder.build() + "\n";
}

interface JunitBuilder {
  newBuilder(): {
    testSuite(): { name(n: string): { testCase(): JunitCase } };
    build(): string;
  };
}
interface JunitCase {
  className(n: string): JunitCase;
  name(n: string): JunitCase;
  failure(msg: string, type?: string): JunitCase;
  standardOutput(s: string): JunitCase;
}

/** GitHub Actions workflow commands: annotations on the files in the pull request. */
export function findingsGithub(findings: Finding[]): string {
  const esc = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const prop = (s: string) => esc(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const kind: Record<Severity, string> = { error: "error", warning: "warning", note: "notice" };
  return sortFindings(findings)
    .map((f) => {
      const props = [f.file ? `file=${prop(f.file)}` : "", f.line ? `line=${f.line}` : "", `title=${prop(f.rule)}`].filter(Boolean).join(",");
      return `::${kind[f.severity]} ${props}::${esc(f.hint ? `${f.message} — ${f.hint}` : f.message)}\n`;
    })
    .join("");
}

export function renderFindings(
  findings: Finding[],
  format: FindingFormat,
  opts: Style & { tool: { name: string; version: string; rules?: RuleDoc[] }; suite: string; extra?: Record<string, unknown> },
): string {
  switch (format) {
    case "json":
      return json({ ...opts.extra, findings: sortFindings(findings) });
    case "sarif":
      return findingsSarif(findings, opts.tool);
    case "junit":
      return findingsJunit(findings, opts.suite);
    case "github":
      return findingsGithub(findings);
    default:
      return findingsTable(findings, opts);
  }
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      RANK[b.severity] - RANK[a.severity] ||
      (a.service ?? "").localeCompare(b.service ?? "") ||
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.rule.localeCompare(b.rule),
  );
}

/**
 * Discovery's diagnostics (unparsable files, skipped large files, malformed compose or
 * Kubernetes YAML) as one line each, `severity: file:line message — hint`, the way
 * `fks services` lists them.
 */
export function diagnosticLines(diagnostics: Finding[], style: Style): string {
  const c = colorsFor(style);
  const label: Record<Severity, string> = { error: c.red("error"), warning: c.yellow("warning"), note: c.dim("note") };
  return sortFindings(diagnostics)
    .map((d) => `${label[d.severity]}: ${d.file ? `${d.file}${d.line ? `:${d.line}` : ""} ` : ""}${d.message}${d.hint ? ` — ${d.hint}` : ""}\n`)
    .join("");
}
