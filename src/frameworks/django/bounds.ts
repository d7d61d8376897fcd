/**
 * How many URL patterns one Python file may declare before fks stops reading it for routes.
 * Hand-written URL confs stay far below it (the largest real ones hold a few hundred); a
 * generated file of thousands of nested include()/path() lists would cost seconds to
 * interpret, so it becomes a diagnostic instead and the rest of the repository is still read.
 */
export const MAX_URL_PATTERNS = 2000;

const PATTERN_CALL = /\b(?:re_path|path|url|include)\s*\(/g;

/** Where a file's Django pattern calls first pass `max` (1-based line), or undefined. One regex pass, no parse. */
export function tooManyUrlPatterns(text: string, max = MAX_URL_PATTERNS): { line: number; max: number } | undefined {
  if (!text.includes("urlpatterns") && !text.includes("include(")) return undefined;
  let n = 0;
  PATTERN_CALL.lastIndex = 0;
  for (let m = PATTERN_CALL.exec(text); m; m = PATTERN_CALL.exec(text)) {
    if (++n > max) return { line: text.slice(0, m.index).split("\n").length, max };
  }
  return undefined;
}

export function tooManyUrlPatternsMessage(d: { max: number }): string {
  return `more than ${d.max} URL patterns (path, re_path, url, include) in one file: not read for routes, so its routes are left out — split the URL conf, or move generated code out of the service folder`;
}
