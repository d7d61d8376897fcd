/**
 * A small lexer for Python, Rust and JavaScript/TypeScript that is enough to compare files:
 * comments are dropped, strings and numbers are single tokens, everything else is an identifier,
 * a keyword or a punctuation run. It never fails: any byte it does not know is one token.
 * Linear in the file's length, with no parse tree: comparing copies needs token order, not structure.
 */

export type Lang = "python" | "rust" | "js";

export const enum Kind {
  Ident = 0,
  Keyword = 1,
  Literal = 2,
  Punct = 3,
}

export interface Tokens {
  /** Token text (strings and numbers as written). */
  text: string[];
  kind: Kind[];
  /** 1-based line of each token. */
  line: number[];
}

const KEYWORDS: Record<Lang, Set<string>> = {
  python: new Set(
    "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case self cls".split(" "),
  ),
  rust: new Set(
    "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while".split(" "),
  ),
  js: new Set(
    "async await break case catch class const continue debugger default delete do else export extends false finally for from function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while with yield interface type enum implements private protected public readonly as".split(" "),
  ),
};

export function langOf(file: string): Lang | undefined {
  if (file.endsWith(".py")) return "python";
  if (file.endsWith(".rs")) return "rust";
  if (/\.(?:[cm]?[jt]sx?)$/.test(file)) return "js";
  return undefined;
}

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127;
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

export function tokenize(src: string, lang: Lang): Tokens {
  const text: string[] = [];
  const kind: Kind[] = [];
  const line: number[] = [];
  const kw = KEYWORDS[lang];
  let ln = 1;
  let i = 0;
  const n = src.length;
  const push = (t: string, k: Kind, at: number) => {
    text.push(t);
    kind.push(k);
    line.push(at);
  };
  /** Advances over src[from, to) counting newlines. */
  const lines = (from: number, to: number) => {
    for (let j = from; j < to; j++) if (src.charCodeAt(j) === 10) ln++;
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      ln++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    // Comments.
    if (lang === "python" && c === 35) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (lang !== "python" && c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (lang !== "python" && c === 47 && src.charCodeAt(i + 1) === 42) {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      lines(i, stop);
      i = stop;
      continue;
    }
    const start = i;
    const at = ln;
    if (isIdStart(c)) {
      while (i < n && isIdPart(src.charCodeAt(i))) i++;
      const word = src.slice(start, i);
      const q = src.charCodeAt(i);
      // String prefixes: Python f"", rb'', Rust b"" and r#""#.
      if ((q === 34 || q === 39 || q === 35) && isStringPrefix(word, lang, q)) {
        i = start + word.length;
        const end = lang === "rust" ? rustString(src, i, word) : pyString(src, i);
        lines(i, end);
        push(src.slice(start, end), Kind.Literal, at);
        i = end;
        continue;
      }
      push(word, kw.has(word) ? Kind.Keyword : Kind.Ident, at);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      i++;
      while (i < n && (isIdPart(src.charCodeAt(i)) || src.charCodeAt(i) === 46)) i++;
      push(src.slice(start, i), Kind.Literal, at);
      continue;
    }
    if (c === 34 || c === 39 || (c === 96 && lang === "js")) {
      if (lang === "rust" && c === 39) {
        // A lifetime (`'a`) unless it closes as a char literal (`'a'`, `'\n'`).
        const close = src.charCodeAt(i + 1) === 92 ? src.indexOf("'", i + 2) : i + 2;
        if (src.charCodeAt(close) !== 39 || close - i > 12) {
          i++;
          while (i < n && isIdPart(src.charCodeAt(i))) i++;
          push(src.slice(start, i), Kind.Ident, at);
          continue;
        }
      }
      const end = lang === "python" ? pyString(src, i) : quoted(src, i, c);
      lines(i, end);
      push(src.slice(start, end), Kind.Literal, at);
      i = end;
      continue;
    }
    // One punctuation character per token keeps `)):` and `) ) :` the same sequence.
    i++;
    push(src[start]!, Kind.Punct, at);
  }
  return { text, kind, line };
}

function isStringPrefix(word: string, lang: Lang, q: number): boolean {
  if (lang === "python") return q !== 35 && /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/.test(word);
  if (lang === "rust") return /^(?:b|r|br|c|cr)$/.test(word) && (q !== 35 || word.includes("r"));
  return false;
}

/** End of a Python string starting at its quote: single, triple, with escapes. */
function pyString(src: string, i: number): number {
  const q = src[i]!;
  const triple = src.startsWith(q + q + q, i);
  if (triple) {
    const end = src.indexOf(q + q + q, i + 3);
    // Escaped quotes inside a triple-quoted string are rare enough to ignore.
    return end < 0 ? src.length : end + 3;
  }
  return quoted(src, i, q.charCodeAt(0), true);
}

/** End of a quoted string with backslash escapes; a single-line string also ends at the line's end. */
function quoted(src: string, i: number, q: number, singleLine = false): number {
  let j = i + 1;
  while (j < src.length) {
    const c = src.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === q) return j + 1;
    else if (c === 10 && singleLine && q !== 96) return j;
    else j++;
  }
  return src.length;
}

/** Rust raw strings `r#"…"#` need their hashes matched; other prefixed strings are escaped strings. */
function rustString(src: string, i: number, prefix: string): number {
  if (!prefix.includes("r")) return quoted(src, i, 34);
  let hashes = 0;
  while (src.charCodeAt(i + hashes) === 35) hashes++;
  if (src.charCodeAt(i + hashes) !== 34) return i + hashes;
  const close = '"' + "#".repeat(hashes);
  const end = src.indexOf(close, i + hashes + 1);
  return end < 0 ? src.length : end + close.length;
}
