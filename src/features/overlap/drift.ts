import { diffArrays } from "diff";

/** One place where a copy differs from the reference version, in both files' line numbers. */
export interface DriftHunk {
  /** First line of the change in the copy (for a pure removal: the line after which lines are missing). */
  copyStart: number;
  /** Lines the copy has that the reference does not. */
  added: number;
  /** First line of the change in the reference. */
  refStart: number;
  /** Lines the reference has that the copy does not. */
  removed: number;
}

export interface Drift {
  added: number;
  removed: number;
  hunks: DriftHunk[];
}

/** Line-level difference of a copy against the reference version (both already normalised). */
export function driftOf(reference: string, copy: string): Drift {
  const a = reference.split("\n");
  const b = copy.split("\n");
  const changes = diffArrays(a, b);
  const hunks: DriftHunk[] = [];
  let i = 0;
  let j = 0;
  let open: DriftHunk | undefined;
  let added = 0;
  let removed = 0;
  for (const ch of changes) {
    const len = ch.count ?? ch.value.length;
    if (!ch.added && !ch.removed) {
      open = undefined;
      i += len;
      j += len;
      continue;
    }
    open ??= hunks[hunks.push({ copyStart: j + 1, added: 0, refStart: i + 1, removed: 0 }) - 1]!;
    if (ch.added) {
      open.added += len;
      added += len;
      j += len;
    } else {
      open.removed += len;
      removed += len;
      i += len;
    }
  }
  for (const h of hunks) if (h.added === 0) h.copyStart = Math.max(1, h.copyStart - 1);
  return { added, removed, hunks };
}

/** `12-14` for a hunk that adds lines, `12` for one that only removes lines after line 12. */
export function copyRange(h: DriftHunk): string {
  return h.added > 1 ? `${h.copyStart}-${h.copyStart + h.added - 1}` : `${h.copyStart}`;
}
