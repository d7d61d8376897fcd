/**
 * A purpose-built Rust module scanner: tokens only (nested block comments, raw strings, char
 * literals vs lifetimes handled), then `mod`, `use` trees, `extern crate` and qualified paths
 * (`crate::a::b`, `orders::router`) read off the token stream. Tested against a full tree-sitter
 * parse.
 */

export interface RsMod {
  name: string;
  line: number;
  /** `mod x { … }` rather than `mod x;`. */
  inline: boolean;
  /** `#[path = "…"]` on the declaration. */
  pathAttr?: string;
  /** Names of the inline modules this declaration sits in, outermost first. */
  scope: string[];
}

export interface RsUse {
  line: number;
  /** One expanded path of a use tree; the last segment may be "*" or "self". */
  path: string[];
  alias?: string;
  pub: boolean;
  scope: string[];
}

export interface RsPath {
  line: number;
  /** A qualified path in code or attributes, e.g. ["crate", "orders", "create"], at least two segments. */
  path: string[];
  scope: string[];
}

export interface RsScan {
  mods: RsMod[];
  uses: RsUse[];
  paths: RsPath[];
  externCrates: Array<{ line: number; name: string; alias?: string }>;
  loc: number;
  errors: Array<{ line: number; message: string }>;
}

const enum T { Ident, Punct, Lit }

interface Tok {
  k: T;
  v: string;
  line: number;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}
function isIdent(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Splits Rust source into identifiers, punctuation (`::` as one token) and literals. */
export function tokenizeRust(src: string): { toks: Tok[]; loc: number; errors: RsScan["errors"] } {
  const toks: Tok[] = [];
  const errors: RsScan["errors"] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let loc = 0;
  let locLine = 0;
  const mark = () => {
    if (locLine !== line) {
      loc++;
      locLine = line;
    }
  };
  const lines = (a: number, b: number) => {
    for (let j = a; j < b; j++) if (src.charCodeAt(j) === 10) line++;
  };
  /** Skips a quoted string body starting after the opening quote; returns the index after the close. */
  const quoted = (j: number): number => {
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === 92) j += 2;
      else if (d === 34) return j + 1;
      else j++;
    }
    errors.push({ line, message: "unterminated string literal" });
    return n;
  };
  const raw = (j: number): number | undefined => {
    // j at the `r`: r"…", r#"…"#, r##"…"##
    let k = j + 1;
    let hashes = 0;
    while (src.charCodeAt(k) === 35) {
      hashes++;
      k++;
    }
    if (src.charCodeAt(k) !== 34) return undefined;
    const close = `"${"#".repeat(hashes)}`;
    const e = src.indexOf(close, k + 1);
    if (e < 0) {
      errors.push({ line, message: "unterminated raw string" });
      return n;
    }
    return e + close.length;
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 42) {
      // Block comments nest in Rust.
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        const d = src.charCodeAt(j);
        if (d === 47 && src.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else if (d === 42 && src.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else j++;
      }
      if (depth > 0) errors.push({ line, message: "unterminated block comment" });
      lines(i, j);
      i = j;
      continue;
    }
    mark();
    const start = i;
    if (isIdentStart(c)) {
      // String prefixes: b"…", br"…", r"…", r#"…"#, c"…", cr"…"; raw identifiers r#name.
      const c1 = src.charCodeAt(i + 1);
      if ((c === 98 || c === 99) && c1 === 34) {
        i = quoted(i + 2);
        lines(start, i);
        toks.push({ k: T.Lit, v: "", line });
        continue;
      }
      if ((c === 98 || c === 99) && c1 === 114) {
        const e = raw(i + 1);
        if (e !== undefined) {
          const l = line;
          lines(start, e);
          i = e;
          toks.push({ k: T.Lit, v: "", line: l });
          continue;
        }
      }
      if (c === 98 && c1 === 39) {
        i = charLit(i + 1) ?? i + 2;
        toks.push({ k: T.Lit, v: "", line });
        continue;
      }
      if (c === 114 && (c1 === 34 || c1 === 35)) {
        const e = raw(i);
        if (e !== undefined) {
          const l = line;
          lines(start, e);
          i = e;
          toks.push({ k: T.Lit, v: "", line: l });
          continue;
        }
        if (c1 === 35 && isIdentStart(src.charCodeAt(i + 2))) {
          let j = i + 2;
          while (j < n && isIdent(src.charCodeAt(j))) j++;
          toks.push({ k: T.Ident, v: src.slice(i + 2, j), line });
          i = j;
          continue;
        }
      }
      let j = i + 1;
      while (j < n && isIdent(src.charCodeAt(j))) j++;
      toks.push({ k: T.Ident, v: src.slice(i, j), line });
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        // 1.5, 1e-3, 0xff_u8 — but not the range in `0..n` or a method call on a number.
        if (isIdent(d)) j++;
        else if (d === 46 && src.charCodeAt(j + 1) >= 48 && src.charCodeAt(j + 1) <= 57) j++;
        else if ((d === 43 || d === 45) && (src.charCodeAt(j - 1) | 32) === 101 && !/^0x/i.test(src.slice(i, j))) j++;
        else break;
      }
      toks.push({ k: T.Lit, v: "", line });
      i = j;
      continue;
    }
    if (c === 34) {
      const l = line;
      i = quoted(i + 1);
      lines(start, i);
      toks.push({ k: T.Lit, v: src.slice(start + 1, i - 1), line: l });
      continue;
    }
    if (c === 39) {
      const e = charLit(i);
      if (e !== undefined) {
        toks.push({ k: T.Lit, v: "", line });
        i = e;
        continue;
      }
      // A lifetime or label: 'a, 'static.
      let j = i + 1;
      while (j < n && isIdent(src.charCodeAt(j))) j++;
      toks.push({ k: T.Punct, v: "'", line });
      i = j;
      continue;
    }
    if (c === 58 && src.charCodeAt(i + 1) === 58) {
      toks.push({ k: T.Punct, v: "::", line });
      i += 2;
      continue;
    }
    toks.push({ k: T.Punct, v: src[i]!, line });
    i++;
  }
  return { toks, loc, errors };

  /** A char literal starting at the quote `q`, or undefined for a lifetime. */
  function charLit(q: number): number | undefined {
    const d = src.charCodeAt(q + 1);
    if (d === 92) {
      const e = src.indexOf("'", q + 3);
      return e < 0 || e - q > 12 ? undefined : e + 1;
    }
    const cp = src.codePointAt(q + 1) ?? 0;
    const w = cp > 0xffff ? 2 : 1;
    return src.charCodeAt(q + 1 + w) === 39 && d !== 10 ? q + 2 + w : undefined;
  }
}

const PATH_HEAD_KEYWORDS = new Set(["crate", "self", "super", "Self"]);
const NOT_PATH_HEAD = new Set(["as", "use", "mod", "fn", "let", "mut", "ref", "in", "if", "else", "match", "for", "while", "loop", "return", "impl", "where", "struct", "enum", "trait", "type", "const", "static", "pub", "dyn", "move", "async", "await", "unsafe", "extern"]);

export function scanRustImports(src: string): RsScan {
  const { toks, loc, errors } = tokenizeRust(src);
  const mods: RsMod[] = [];
  const uses: RsUse[] = [];
  const paths: RsPath[] = [];
  const externCrates: RsScan["externCrates"] = [];
  const scope: Array<{ name: string; depth: number }> = [];
  let depth = 0;
  let pendingPath: string | undefined;
  let attrEnd = -1;
  let macroEnd = -1;
  const names = () => scope.map((s) => s.name);
  const n = toks.length;
  const is = (i: number, v: string) => i >= 0 && i < n && toks[i]!.k === T.Punct && toks[i]!.v === v;
  const id = (i: number) => (i >= 0 && i < n && toks[i]!.k === T.Ident ? toks[i]!.v : undefined);

  /** Whether the item at `i` is preceded by `pub` or `pub(…)`. */
  const isPub = (i: number): boolean => {
    let j = i - 1;
    while (j >= 0 && toks[j]!.k === T.Ident && (toks[j]!.v === "unsafe" || toks[j]!.v === "async")) j--;
    if (j >= 0 && id(j) === "pub") return true;
    if (is(j, ")")) {
      let d = 0;
      for (; j >= 0; j--) {
        if (is(j, ")")) d++;
        else if (is(j, "(") && --d === 0) break;
      }
      return id(j - 1) === "pub";
    }
    return false;
  };

  /** Parses a use tree at `i`; appends expanded paths; returns the index after it. */
  const useTree = (i: number, prefix: string[], out: Array<{ path: string[]; alias?: string }>): number => {
    if (is(i, "::")) i++; // leading `::` (2015-style absolute path)
    if (is(i, "{")) return useList(i, prefix, out);
    if (is(i, "*")) {
      out.push({ path: [...prefix, "*"] });
      return i + 1;
    }
    const segs = [...prefix];
    for (;;) {
      const s = id(i);
      if (s === undefined) return i;
      segs.push(s);
      i++;
      if (!is(i, "::")) break;
      i++;
      if (is(i, "{")) return useList(i, segs, out);
      if (is(i, "*")) {
        out.push({ path: [...segs, "*"] });
        return i + 1;
      }
    }
    if (id(i) === "as") {
      const alias = id(i + 1);
      out.push(alias !== undefined ? { path: segs, alias } : { path: segs });
      return i + 2;
    }
    out.push({ path: segs });
    return i;
  };
  const useList = (i: number, prefix: string[], out: Array<{ path: string[]; alias?: string }>): number => {
    i++; // {
    while (i < n && !is(i, "}")) {
      const before = i;
      i = useTree(i, prefix, out);
      if (is(i, ",")) i++;
      else if (i === before) i++; // unreadable: step over
    }
    return i + 1;
  };

  for (let i = 0; i < n; i++) {
    const t = toks[i]!;
    if (t.k === T.Punct) {
      if (t.v === "{") depth++;
      else if (t.v === "}") {
        depth--;
        while (scope.length > 0 && scope[scope.length - 1]!.depth > depth) scope.pop();
      } else if (t.v === "#" && (is(i + 1, "[") || (is(i + 1, "!") && is(i + 2, "[")))) {
        // #[path = "…"] sets where the next `mod x;` lives; other attributes are read for paths below.
        const open = is(i + 1, "[") ? i + 1 : i + 2;
        let d = 0;
        for (attrEnd = open; attrEnd < n; attrEnd++) {
          if (is(attrEnd, "[")) d++;
          else if (is(attrEnd, "]") && --d === 0) break;
        }
        if (id(open + 1) === "path" && is(open + 2, "=") && toks[open + 3]?.k === T.Lit && is(open + 4, "]")) {
          pendingPath = toks[open + 3]!.v;
          i = open + 4;
        }
      }
      continue;
    }
    if (t.k !== T.Ident) continue;
    const prevColons = is(i - 1, "::");
    if (t.v === "macro_rules" && is(i + 1, "!") && id(i + 2) !== undefined && i > macroEnd) {
      // A macro definition's body is a template, not items of this module: only its paths count.
      let d = 0;
      for (macroEnd = i + 3; macroEnd < n; macroEnd++) {
        const v = toks[macroEnd]!;
        if (v.k !== T.Punct) continue;
        if (v.v === "{" || v.v === "(" || v.v === "[") d++;
        else if ((v.v === "}" || v.v === ")" || v.v === "]") && --d === 0) break;
      }
    }
    const inMacro = i < macroEnd;
    if (t.v === "mod" && !inMacro && !prevColons && id(i + 1) !== undefined) {
      const name = id(i + 1)!;
      if (is(i + 2, ";") || is(i + 2, "{")) {
        const inline = is(i + 2, "{");
        const m: RsMod = { name, line: t.line, inline, scope: names() };
        if (pendingPath !== undefined && !inline) m.pathAttr = pendingPath;
        mods.push(m);
        pendingPath = undefined;
        if (inline) {
          depth++;
          scope.push({ name, depth });
        }
        i += 2;
        continue;
      }
    }
    if (t.v === "use" && !inMacro && !prevColons && !is(i - 1, ".")) {
      const out: Array<{ path: string[]; alias?: string }> = [];
      const end = useTree(i + 1, [], out);
      if (is(end, ";")) {
        const pub = isPub(i);
        for (const u of out) uses.push({ line: t.line, ...u, pub, scope: names() });
        i = end;
        continue;
      }
    }
    if (t.v === "extern" && !inMacro && id(i + 1) === "crate" && id(i + 2) !== undefined) {
      const name = id(i + 2)!;
      const alias = id(i + 3) === "as" ? id(i + 4) : undefined;
      externCrates.push(alias ? { line: t.line, name, alias } : { line: t.line, name });
      i += alias ? 4 : 2;
      continue;
    }
    // A qualified path starts at an identifier followed by `::` that does not itself follow `::`.
    // `$name::x` in a macro body is a metavariable, not a path.
    if (!prevColons && !is(i - 1, "$") && is(i + 1, "::") && id(i + 2) !== undefined && (PATH_HEAD_KEYWORDS.has(t.v) || !NOT_PATH_HEAD.has(t.v))) {
      const segs = [t.v];
      let j = i + 1;
      while (is(j, "::") && id(j + 1) !== undefined) {
        segs.push(id(j + 1)!);
        j += 2;
      }
      paths.push({ line: t.line, path: segs, scope: names() });
      i = j - 1;
      continue;
    }
    if (pendingPath !== undefined && i > attrEnd && t.v !== "pub" && t.v !== "crate" && t.v !== "in" && t.v !== "super" && t.v !== "self") pendingPath = undefined;
  }
  return { mods, uses, paths, externCrates, loc, errors };
}
