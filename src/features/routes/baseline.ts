import { createHash } from "node:crypto";
import type { Finding } from "../../model.js";

export interface Baseline {
  version: 1;
  /** Fingerprints of accepted findings; lines are left out so edits above a finding keep it accepted. */
  findings: Array<{ rule: string; service?: string; file?: string; message: string; fingerprint: string }>;
}

export function fingerprint(f: Finding): string {
  return createHash("sha256").update([f.rule, f.service ?? "", f.file ?? "", f.message].join("\u0000")).digest("hex").slice(0, 16);
}

export function makeBaseline(findings: Finding[]): Baseline {
  const rows = findings.map((f) => ({ rule: f.rule, service: f.service, file: f.file, message: f.message, fingerprint: fingerprint(f) }));
  rows.sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
  return { version: 1, findings: rows.filter((r, i) => i === 0 || rows[i - 1]!.fingerprint !== r.fingerprint) };
}

/** Parses a baseline file's text; undefined with a reason when it is not one. */
export function parseBaseline(text: string): Baseline | string {
  try {
    const v = JSON.parse(text) as Baseline;
    if (v?.version !== 1 || !Array.isArray(v.findings)) return "not an fks routes baseline (expected {version: 1, findings: [...]})";
    return v;
  } catch (e) {
    return `not valid JSON: ${(e as Error).message}`;
  }
}

export function applyBaseline(findings: Finding[], baseline: Baseline): { kept: Finding[]; suppressed: number } {
  const known = new Set(baseline.findings.map((f) => f.fingerprint));
  const kept = findings.filter((f) => !known.has(fingerprint(f)));
  return { kept, suppressed: findings.length - kept.length };
}
