/**
 * Comments that say a healthcheck is missing ("# no healthcheck: fks scaffold adds one",
 * "# No HEALTHCHECK yet.", "# TODO: add a healthcheck") turn false once fks adds one, so they go.
 * A comment that only mentions a healthcheck ("this HEALTHCHECK belongs to the builder stage") stays.
 */
export const MISSING_NOTE = /\b(no|missing|without|add|adds|adding|todo)\b[^.]*?\bhealth[ -]?checks?\b|\bhealth[ -]?checks?\b[^.]*?\b(missing|yet|todo|later)\b/i;

/** A comment about a check that cannot pass ("the image has no curl, so this never passes"). */
export function brokenNote(program: string | undefined): RegExp {
  const p = program ? `|\\b${program.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b` : "";
  return new RegExp(`never pass|broken|\\bfails?\\b|does ?n[o']?t work|won'?t work${p}`, "i");
}

/**
 * A yaml comment string without the lines matching `re`. Blank lines it carried (yaml keeps the
 * blank line after a trailing comment inside the comment) stay, so nothing below moves.
 */
export function withoutLines(comment: string | null | undefined, re: RegExp): string | undefined {
  if (!comment) return comment ?? undefined;
  const lines = comment.split("\n");
  const kept = lines.filter((l) => !re.test(l));
  if (kept.length === lines.length) return comment;
  if (kept.every((l) => l === "")) return kept.length ? "\n" : undefined;
  return kept.join("\n");
}
