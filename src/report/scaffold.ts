import { createTwoFilesPatch } from "diff";
import type { FileEdit } from "../model.js";

/** Unified diffs of planned edits, the form --dry-run prints. */
export function editsDiff(edits: FileEdit[]): string {
  return edits
    .map((e) => createTwoFilesPatch(e.before === null ? "/dev/null" : `a/${e.file}`, `b/${e.file}`, e.before ?? "", e.after, undefined, e.reason, { context: 3 }))
    .join("");
}

/** One line per written file, then what is left to do. */
export function editsSummary(edits: FileEdit[], dryRun: boolean): string {
  if (edits.length === 0) return "nothing to change: health endpoints, HEALTHCHECKs and probes are in place\n";
  const verb = dryRun ? "would change" : "changed";
  return edits.map((e) => `${e.before === null ? (dryRun ? "would create" : "created") : verb} ${e.file} — ${e.reason}\n`).join("");
}
