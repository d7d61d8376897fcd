import { Kind, type Tokens } from "./tokens.js";

/**
 * Token shingles and winnowing fingerprints (Schleimer, Wilkerson, Aiken 2003, the scheme behind
 * MOSS). Identifiers are replaced by one placeholder so that a copy whose names were changed keeps
 * its fingerprints; literals and keywords stay as written. Hashes are 52-bit numbers (two 32-bit
 * rolling hashes) so that collisions between unrelated shingles are negligible at any repo size.
 */

/** Shingle length in tokens: long enough that a shared shingle is rarely a coincidence. */
export const K = 12;
/** Winnowing window: every run of K + W - 1 shared tokens shares at least one fingerprint. */
export const W = 6;

const ID = "\u0001id";

export interface Shingled {
  /** Normalised token codes (identifiers collapsed). */
  codes: Uint32Array;
  /** Sorted, distinct shingle hashes of the whole file: what similarity is measured on. */
  shingles: Float64Array;
  /** Winnowed subset of the shingle hashes: what the index stores. */
  fingerprints: Float64Array;
}

/** Interns token texts into small integers; one table per run so that codes compare across files. */
export class TokenTable {
  private readonly codes = new Map<string, number>();
  code(t: string): number {
    let c = this.codes.get(t);
    if (c === undefined) this.codes.set(t, (c = this.codes.size + 1));
    return c;
  }
}

export function shingle(tokens: Tokens, table: TokenTable): Shingled {
  const n = tokens.text.length;
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) codes[i] = table.code(tokens.kind[i] === Kind.Ident ? ID : tokens.text[i]!);
  const count = Math.max(0, n - K + 1);
  const hashes = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let a = 0x811c9dc5 | 0;
    let b = 0x2545f491 | 0;
    for (let j = 0; j < K; j++) {
      const c = codes[i + j]!;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b + c, 0x5bd1e995) ^ (b >>> 15);
    }
    hashes[i] = (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
  }
  return { codes, shingles: Float64Array.from(new Set(hashes)).sort(), fingerprints: winnow(hashes) };
}

/** The minimum of every window of W hashes (rightmost on ties), each position once. */
function winnow(hashes: Float64Array): Float64Array {
  if (hashes.length <= W) return Float64Array.from(new Set(hashes)).sort();
  const out = new Set<number>();
  let last = -1;
  for (let s = 0; s + W <= hashes.length; s++) {
    let min = s;
    for (let j = s + 1; j < s + W; j++) if (hashes[j]! <= hashes[min]!) min = j;
    if (min !== last) {
      out.add(hashes[min]!);
      last = min;
    }
  }
  return Float64Array.from(out).sort();
}

/** Jaccard similarity of two sorted distinct hash lists. */
export function jaccard(a: Float64Array, b: Float64Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}
