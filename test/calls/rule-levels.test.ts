/**
 * `calls:` in fks.yaml: per-rule severities (off drops the rule, a level replaces the rule's own)
 * and the fan-out threshold, read by `fks audit calls`; bad settings are file:line errors, exit 2.
 */
import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, fks, removeTree, tempTree } from "../helpers.js";

interface Doc {
  findings: Array<{ rule: string; severity: string; file: string; line: number }>;
  graph: { edges: Array<{ from: string; to: string }> };
}

let dir = "";
const audit = (yaml: string | undefined, ...args: string[]) => {
  writeFileSync(path.join(dir, "fks.yaml"), yaml ?? "version: 1\n");
  return fks(["audit", "calls", "--format", "json", ...args], { cwd: dir });
};
const doc = (r: { stdout: string }) => JSON.parse(r.stdout) as Doc;
const key = (f: Doc["findings"][number]) => `${f.rule} ${f.file}:${f.line}`;

beforeAll(() => {
  dir = tempTree({});
  cpSync(path.join(ROOT, "test/fixtures/calls/platform"), dir, { recursive: true });
});
afterAll(() => removeTree(dir));

describe("calls.rules and calls.fanOut in fks.yaml", () => {
  it("off drops a rule's findings, a level replaces its severity, the rest stay as they were", () => {
    const base = doc(audit(undefined, "--fail-on", "none"));
    const of = (d: Doc, rule: string) => d.findings.filter((f) => f.rule === rule);
    expect(of(base, "calls/no-breaker").length).toBeGreaterThan(0);
    expect(of(base, "calls/no-timeout").every((f) => f.severity === "warning")).toBe(true);
    const r = audit("version: 1\ncalls:\n  rules:\n    calls/no-breaker: off\n    calls/no-timeout: error\n    calls/unresolved-target: warning\n", "--fail-on", "none");
    expect(r.code, r.stderr).toBe(0);
    const d = doc(r);
    expect(of(d, "calls/no-breaker")).toEqual([]);
    expect(of(d, "calls/no-timeout").map(key)).toEqual(of(base, "calls/no-timeout").map(key));
    expect(new Set(of(d, "calls/no-timeout").map((f) => f.severity))).toEqual(new Set(["error"]));
    expect(new Set(of(d, "calls/unresolved-target").map((f) => f.severity))).toEqual(new Set(["warning"]));
    const untouched = (x: Doc) => x.findings.filter((f) => !["calls/no-breaker", "calls/no-timeout", "calls/unresolved-target"].includes(f.rule)).map((f) => `${key(f)} ${f.severity}`);
    expect(untouched(d)).toEqual(untouched(base));
  });

  it("the exit code follows the configured severities", () => {
    const errors = [...new Set(doc(audit(undefined, "--fail-on", "none")).findings.filter((f) => f.severity === "error").map((f) => f.rule))];
    expect(errors.length).toBeGreaterThan(0);
    expect(audit(undefined).code).toBe(1);
    const lowered = `version: 1\ncalls:\n  rules:\n${errors.map((id) => `    ${id}: warning\n`).join("")}`;
    expect(audit(lowered).code).toBe(0);
    expect(audit(lowered, "--fail-on", "warning").code).toBe(1);
    // SARIF shows the configured level too.
    const sarif = JSON.parse(fks(["audit", "calls", "--format", "sarif"], { cwd: dir }).stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string }> }> };
    expect(sarif.runs[0]!.results.filter((x) => errors.includes(x.ruleId)).every((x) => x.level === "warning")).toBe(true);
  });

  it("calls.fanOut sets the threshold; --fan-out wins over it", () => {
    const edges = doc(audit(undefined, "--fail-on", "none")).graph.edges.filter((e) => e.from !== e.to);
    const fan = new Map<string, Set<string>>();
    for (const e of edges) fan.set(e.from, (fan.get(e.from) ?? new Set()).add(e.to));
    const widest = Math.max(...[...fan.values()].map((s) => s.size));
    expect(widest).toBeGreaterThan(1);
    const fanOuts = (d: Doc) => d.findings.filter((f) => f.rule === "calls/fan-out").length;
    const yaml = `version: 1\ncalls: { fanOut: ${widest - 1} }\n`;
    expect(fanOuts(doc(audit(yaml, "--fail-on", "none")))).toBeGreaterThan(0);
    expect(fanOuts(doc(audit(`version: 1\ncalls: { fanOut: ${widest} }\n`, "--fail-on", "none")))).toBe(0);
    expect(fanOuts(doc(audit(yaml, "--fail-on", "none", "--fan-out", String(widest))))).toBe(0);
  });

  it("an unknown rule, a bad level and a bad threshold are reported at their lines, all at once, exit 2", () => {
    const r = audit("version: 1\ncalls:\n  fanOut: 0\n  rules:\n    calls/no-breakr: off\n    calls/no-timeout: loud\n");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/fks\.yaml:5 calls\.rules\.calls\/no-breakr.*unknown setting/);
    expect(r.stderr).toMatch(/fks\.yaml:6 calls\.rules\.calls\/no-timeout.*must be one of "off", "note", "warning", "error" \(got "loud"\)/);
    expect(r.stderr).toMatch(/fks\.yaml:3 calls\.fanOut/);
  });
});
