import { diffArrays } from "diff";
import type { Shingled } from "./fingerprint.js";
import { Kind, type Tokens } from "./tokens.js";

/** One distinct content (files with the same normalised text share one), as the matcher sees it. */
export interface Content {
  /** Services holding a file with exactly this content. */
  services: Set<string>;
  tokens: Tokens;
  sh: Shingled;
}

export interface NearEdge {
  a: number;
  b: number;
  similarity: number;
  /** Identifiers of `a` renamed in `b`, most frequent first. */
  renamed: Array<{ from: string; to: string; count: number }>;
}

export interface MatchOptions {
  threshold: number;
  /** Fingerprints shared by more contents than this are boilerplate (license headers, `if __name__ …`). */
  maxPosting?: number;
}

export interface MatchStats {
  candidates: number;
  verified: number;
}

/**
 * Near-identical contents in different services. Candidate pairs come from an inverted index of
 * winnowed fingerprints, so the work grows with the number of shared fingerprints, never with
 * the square of the file count; each candidate is then aligned token by token.
 */
export function nearPairs(contents: Content[], opts: MatchOptions): { edges: NearEdge[]; stats: MatchStats } {
  const maxPosting = opts.maxPosting ?? 64;
  const index = new Map<number, number[]>();
  for (const [i, c] of contents.entries()) {
    for (const fp of c.sh.fingerprints) {
      const list = index.get(fp);
      if (list) list.push(i);
      else index.set(fp, [i]);
    }
  }
  const n = contents.length;
  const shared = new Map<number, number>();
  for (const list of index.values()) {
    if (list.length < 2 || list.length > maxPosting) continue;
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const a = list[x]!;
        const b = list[y]!;
        if (!crossService(contents[a]!, contents[b]!)) continue;
        const key = a * n + b;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  const edges: NearEdge[] = [];
  let verified = 0;
  for (const [key, count] of shared) {
    const a = Math.floor(key / n);
    const b = key % n;
    const ca = contents[a]!.sh;
    const cb = contents[b]!.sh;
    const small = Math.min(ca.fingerprints.length, cb.fingerprints.length);
    // A copy shares most of its fingerprints; a similarity of t needs the shorter file to be near the longer one's size.
    if (count < small * Math.max(0.1, opts.threshold - 0.5)) continue;
    const na = ca.codes.length;
    const nb = cb.codes.length;
    if ((2 * Math.min(na, nb)) / (na + nb) < opts.threshold) continue;
    verified++;
    const m = compare(contents[a]!, contents[b]!, opts.threshold);
    if (m) edges.push({ a, b, similarity: m.similarity, renamed: m.renamed });
  }
  const kept = bestMatches(edges, contents).sort((x, y) => x.a - y.a || x.b - y.b);
  return { edges: kept, stats: { candidates: shared.size, verified } };
}

/** Two contents whose files sit in the same services are near-duplicates inside those services, not copies between them. */
function crossService(a: Content, b: Content): boolean {
  if (a.services.size !== b.services.size) return true;
  for (const s of a.services) if (!b.services.has(s)) return true;
  return false;
}

/**
 * Keeps, for each content, only its closest match among the contents of each other set of
 * services: `AddUser.tsx` pairs with the other repo's `AddUser.tsx`, not also with its `EditUser.tsx`
 * (85% alike), which would chain two different files into one set of copies.
 */
function bestMatches(edges: NearEdge[], contents: Content[]): NearEdge[] {
  // For each side, the services the other side adds: only there does this edge say "copied".
  const keys = (self: number, other: number) => [...contents[other]!.services].filter((s) => !contents[self]!.services.has(s)).map((s) => `${self}\0${s}`);
  const best = new Map<string, number>();
  for (const e of edges) {
    for (const k of [...keys(e.a, e.b), ...keys(e.b, e.a)]) best.set(k, Math.max(best.get(k) ?? 0, e.similarity));
  }
  return edges.filter((e) => [...keys(e.a, e.b), ...keys(e.b, e.a)].some((k) => best.get(k) === e.similarity));
}

/**
 * Token similarity of two contents, 2·matched / (length a + length b) over the alignment of their
 * normalised tokens (difflib's ratio), or undefined below the threshold. The alignment gives up
 * as soon as more edits would be needed than the threshold allows, so a poor candidate costs little.
 *
 * Two files of the same shape are a copy only if their names mostly agree: a copy keeps most of its
 * identifiers and renames the rest consistently (`User` → `Account` everywhere), while two unrelated
 * files written in the same style (two pydantic model modules) share the shape but not the names.
 * Names are compared at the positions the token alignment pairs up.
 */
function compare(a: Content, b: Content, threshold: number): { similarity: number; renamed: NearEdge["renamed"] } | undefined {
  const na = a.sh.codes.length;
  const nb = b.sh.codes.length;
  const changes = diffArrays(Array.from(a.sh.codes), Array.from(b.sh.codes), { maxEditLength: Math.ceil((1 - threshold) * (na + nb)) + 1 });
  if (!changes) return undefined;
  let matched = 0;
  for (const ch of changes) if (!ch.added && !ch.removed) matched += ch.count ?? ch.value.length;
  const similarity = (2 * matched) / (na + nb);
  if (similarity < threshold) return undefined;
  const pairs = new Map<string, Map<string, number>>();
  let total = 0;
  let same = 0;
  let i = 0;
  let j = 0;
  for (const ch of changes) {
    const len = ch.count ?? ch.value.length;
    if (ch.added) j += len;
    else if (ch.removed) i += len;
    else {
      for (let k = 0; k < len; k++) {
        if (a.tokens.kind[i + k] !== Kind.Ident) continue;
        const x = a.tokens.text[i + k]!;
        const y = b.tokens.text[j + k]!;
        total++;
        if (x === y) same++;
        const m = pairs.get(x) ?? new Map<string, number>();
        m.set(y, (m.get(y) ?? 0) + 1);
        pairs.set(x, m);
      }
      i += len;
      j += len;
    }
  }
  if (total === 0) return { similarity, renamed: [] };
  let consistent = 0;
  const renamed: NearEdge["renamed"] = [];
  const targets = new Map<string, string>();
  let clashes = 0;
  for (const [from, tos] of pairs) {
    let best: [string, number] = ["", 0];
    for (const e of tos) if (e[1] > best[1]) best = e;
    consistent += best[1];
    if (best[0] !== from) renamed.push({ from, to: best[0], count: best[1] });
    // Two names becoming one is not a rename.
    const prior = targets.get(best[0]);
    if (prior !== undefined && prior !== from) clashes += best[1];
    targets.set(best[0], from);
  }
  const distinct = pairs.size;
  // A name kept elsewhere in both files was not renamed; the alignment only paired it with a neighbour.
  const namesA = new Set(a.tokens.text.filter((_, k) => a.tokens.kind[k] === Kind.Ident));
  const namesB = new Set(b.tokens.text.filter((_, k) => b.tokens.kind[k] === Kind.Ident));
  const shown = renamed.filter((r) => !namesB.has(r.from) && !namesA.has(r.to));
  if (same / total < 0.4) return undefined;
  if ((consistent - clashes) / total < 0.8) return undefined;
  if (renamed.length > Math.max(3, distinct * 0.25)) return undefined;
  shown.sort((x, y) => y.count - x.count || x.from.localeCompare(y.from));
  return { similarity, renamed: shown };
}
