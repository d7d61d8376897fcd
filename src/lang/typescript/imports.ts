/**
 * A purpose-built TypeScript/JavaScript import scanner: one pass that knows comments, strings,
 * template literals (with nested `${…}`) and regex literals well enough that nothing inside them is
 * read as an import, and recognises the handful of forms that load another module. Tested against
 * the TypeScript compiler's own syntax tree.
 */

export type TsImportKind = "import" | "export" | "side-effect" | "require" | "dynamic" | "import-equals";

export interface TsImport {
  /** 1-based line of the `import` / `export` / `require` keyword. */
  line: number;
  specifier: string;
  kind: TsImportKind;
  /** `import type`, `export type`, only `type` specifiers, or `import("x")` in a type position. */
  typeOnly: boolean;
  /** Imported names on the exporting side: "default", "*", or the exported name. */
  names: string[];
}

export interface TsScan {
  imports: TsImport[];
  /** Lines on which code starts (blank and comment-only lines excluded). */
  loc: number;
  /** `import(expr)` / `require(expr)` with a computed specifier: cannot be followed statically. */
  computed: number[];
  errors: Array<{ line: number; message: string }>;
}

const enum C {
  TAB = 9, LF = 10, CR = 13, SPACE = 32, DQ = 34, DOLLAR = 36, SQ = 39, LPAR = 40, RPAR = 41, STAR = 42,
  COMMA = 44, DOT = 46, SLASH = 47, COLON = 58, SEMI = 59, LT = 60, EQ = 61, GT = 62, LBRK = 91, BSL = 92, RBRK = 93, BTICK = 96,
  LBRC = 123, RBRC = 125,
}

/** Keywords after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORD = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await", "extends"]);
/** `import("x").Then` in a type position vs `import("x").then(…)` at run time. */
const PROMISE_MEMBERS = new Set(["then", "catch", "finally"]);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === C.DOLLAR || c > 127;
}
function isIdent(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isSpace(c: number): boolean {
  return c === C.SPACE || c === C.TAB || c === C.LF || c === C.CR || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;
}

interface Tok {
  t: "id" | "str" | "p" | "eof";
  v: string;
  start: number;
  end: number;
}

export interface TsScanOptions {
  /** JSX may appear (.tsx, .jsx, .js): text between tags is not code. */
  jsx?: boolean;
}

export function scanTsImports(src: string, opts: TsScanOptions = {}): TsScan {
  const n = src.length;
  const imports: TsImport[] = [];
  const computed: number[] = [];
  const errors: TsScan["errors"] = [];
  let pos = 0;
  let line = 1;
  let loc = 0;
  let locLine = 0;
  // What came before, for the regex-or-division question and for `.import` member access.
  let prevChar = 0; // last significant punctuation char, 0 after a word
  let prevWord = "";
  let prevWasValue = false; // identifier, number, string, `)` or `]`: a following `/` divides
  // `{` of code vs `${` of a template: a `}` that closes the latter resumes the template.
  const braces: number[] = [];

  const mark = () => {
    if (locLine !== line) {
      loc++;
      locLine = line;
    }
  };
  const countLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (src.charCodeAt(i) === C.LF) line++;
  };

  /** Skips whitespace and comments without moving the main cursor; returns the next position. */
  const skipTrivia = (p: number): number => {
    while (p < n) {
      const c = src.charCodeAt(p);
      if (isSpace(c)) p++;
      else if (c === C.SLASH && src.charCodeAt(p + 1) === C.SLASH) {
        while (p < n && src.charCodeAt(p) !== C.LF) p++;
      } else if (c === C.SLASH && src.charCodeAt(p + 1) === C.STAR) {
        const e = src.indexOf("*/", p + 2);
        p = e < 0 ? n : e + 2;
      } else break;
    }
    return p;
  };
  /** A small token reader for import clauses, which hold no regex or template literals. */
  const tok = (p: number): Tok => {
    p = skipTrivia(p);
    if (p >= n) return { t: "eof", v: "", start: p, end: p };
    const c = src.charCodeAt(p);
    if (isIdentStart(c)) {
      let e = p + 1;
      while (e < n && isIdent(src.charCodeAt(e))) e++;
      return { t: "id", v: src.slice(p, e), start: p, end: e };
    }
    if (c === C.SQ || c === C.DQ) {
      let e = p + 1;
      let v = "";
      let from = e;
      for (; e < n; e++) {
        const d = src.charCodeAt(e);
        if (d === C.BSL) {
          v += src.slice(from, e) + unescapeAt(src, e + 1);
          e++;
          from = e + 1;
        } else if (d === c) break;
        else if (d === C.LF) return { t: "p", v: "", start: p, end: e };
      }
      return { t: "str", v: v + src.slice(from, e), start: p, end: e + 1 };
    }
    if (c === C.BTICK) {
      // A template without substitutions is a plain string to the compiler.
      let e = p + 1;
      for (; e < n; e++) {
        const d = src.charCodeAt(e);
        if (d === C.BSL) e++;
        else if (d === C.BTICK) return { t: "str", v: src.slice(p + 1, e), start: p, end: e + 1 };
        else if (d === C.DOLLAR && src.charCodeAt(e + 1) === C.LBRC) break;
      }
    }
    return { t: "p", v: src[p]!, start: p, end: p + 1 };
  };

  const record = (kw: number, kwLine: number, specifier: string, kind: TsImportKind, typeOnly: boolean, names: string[], end: number) => {
    imports.push({ line: kwLine, specifier, kind, typeOnly, names });
    countLines(kw, end);
    pos = end;
    prevWasValue = true;
    prevChar = 0;
    prevWord = "";
  };

  /** `{ a, b as c, type T, "str" as d }` → names, whether every one is type-only, end. */
  const namedList = (p: number): { names: string[]; allType: boolean; end: number } | undefined => {
    const names: string[] = [];
    let allType = true;
    let t = tok(p);
    for (;;) {
      if (t.t === "p" && t.v === "}") return { names, allType: allType && names.length > 0, end: t.end };
      let isType = false;
      if (t.t === "id" && t.v === "type") {
        // `type X` and `type as as X` mark X type-only; `type`, `type,` and `type as X` import a name "type".
        const u = tok(t.end);
        if ((u.t === "id" && u.v !== "as") || u.t === "str" || (u.v === "as" && tok(u.end).v === "as")) {
          isType = true;
          t = u;
        }
      }
      if (t.t !== "id" && t.t !== "str") return undefined;
      names.push(t.v);
      if (!isType) allType = false;
      t = tok(t.end);
      if (t.t === "id" && t.v === "as") {
        const alias = tok(t.end);
        if (alias.t !== "id" && alias.t !== "str") return undefined;
        t = tok(alias.end);
      }
      if (t.t === "p" && t.v === ",") t = tok(t.end);
      else if (!(t.t === "p" && t.v === "}")) return undefined;
    }
  };

  const fromClause = (p: number): Tok | undefined => {
    const f = tok(p);
    if (f.t !== "id" || f.v !== "from") return undefined;
    const s = tok(f.end);
    return s.t === "str" ? s : undefined;
  };

  /** After the `import` keyword at statement level. Returns true when it recorded something. */
  const importDecl = (kw: number, kwLine: number, after: number): boolean => {
    let t = tok(after);
    if (t.t === "str") {
      record(kw, kwLine, t.v, "side-effect", false, [], t.end);
      return true;
    }
    let typeOnly = false;
    if (t.t === "id" && t.v === "type") {
      const u = tok(t.end);
      // `import type from "x"` imports a default export named `type`.
      const isModifier = !(u.t === "id" && u.v === "from" && tok(u.end).t === "str") && !(u.t === "p" && (u.v === "," || u.v === "="));
      if (isModifier) {
        typeOnly = true;
        t = u;
      }
    }
    const names: string[] = [];
    let named: ReturnType<typeof namedList> | undefined;
    let hasDefaultOrNs = false;
    if (t.t === "id") {
      const eq = tok(t.end);
      if (eq.t === "p" && eq.v === "=") {
        // import x = require("y")
        const r = tok(eq.end);
        const lp = tok(r.end);
        const s = tok(lp.end);
        const rp = tok(s.end);
        if (r.v === "require" && lp.v === "(" && s.t === "str" && rp.v === ")") {
          record(kw, kwLine, s.v, "import-equals", typeOnly, ["*"], rp.end);
          return true;
        }
        return false;
      }
      names.push("default");
      hasDefaultOrNs = true;
      t = eq;
      if (t.t === "p" && t.v === ",") t = tok(t.end);
      else {
        const s = t.t === "id" && t.v === "from" ? tok(t.end) : undefined;
        if (s?.t !== "str") return false;
        record(kw, kwLine, s.v, "import", typeOnly, names, s.end);
        return true;
      }
    }
    if (t.t === "p" && t.v === "*") {
      const as = tok(t.end);
      const ns = tok(as.end);
      if (as.v !== "as" || ns.t !== "id") return false;
      names.push("*");
      hasDefaultOrNs = true;
      t = tok(ns.end);
    } else if (t.t === "p" && t.v === "{") {
      named = namedList(t.end);
      if (!named) return false;
      names.push(...named.names);
      t = tok(named.end);
    } else return false;
    if (!(t.t === "id" && t.v === "from")) return false;
    const s = tok(t.end);
    if (s.t !== "str") return false;
    const allType = typeOnly || (!hasDefaultOrNs && !!named?.allType);
    record(kw, kwLine, s.v, "import", allType, names, s.end);
    return true;
  };

  const exportDecl = (kw: number, kwLine: number, after: number): boolean => {
    let t = tok(after);
    let typeOnly = false;
    if (t.t === "id" && t.v === "type") {
      const u = tok(t.end);
      if (u.t === "p" && (u.v === "{" || u.v === "*")) {
        typeOnly = true;
        t = u;
      }
    }
    if (t.t === "p" && t.v === "*") {
      let u = tok(t.end);
      if (u.t === "id" && u.v === "as") {
        const ns = tok(u.end);
        if (ns.t !== "id" && ns.t !== "str") return false;
        u = tok(ns.end);
      }
      if (!(u.t === "id" && u.v === "from")) return false;
      const s = tok(u.end);
      if (s.t !== "str") return false;
      record(kw, kwLine, s.v, "export", typeOnly, ["*"], s.end);
      return true;
    }
    if (t.t === "p" && t.v === "{") {
      const named = namedList(t.end);
      if (!named) return false;
      const s = fromClause(named.end);
      if (!s) return false;
      record(kw, kwLine, s.v, "export", typeOnly || named.allType, named.names, s.end);
      return true;
    }
    return false;
  };

  /** `(` string `)` after `import` or `require`; true when a literal specifier was recorded. */
  const callArg = (kw: number, kwLine: number, after: number, kind: "dynamic" | "require", typeOnlyBefore: boolean): boolean => {
    const lp = tok(after);
    if (lp.v !== "(" || lp.t !== "p") return false;
    const s = tok(lp.end);
    let end: Tok | undefined;
    if (s.t === "str") {
      end = tok(s.end);
      // import("x", { with: … }) keeps its first argument.
      if (kind === "dynamic" && end.t === "p" && end.v === ",") end = undefined;
      else if (!(end.t === "p" && end.v === ")")) end = undefined;
      if (!end && kind === "dynamic") {
        record(kw, kwLine, s.v, kind, typeOnlyBefore, [], s.end);
        return true;
      }
    }
    if (!end || s.t !== "str") {
      if (!(s.t === "p" && s.v === ")")) computed.push(kwLine);
      return false;
    }
    let typeOnly = typeOnlyBefore;
    if (kind === "dynamic") {
      const dot = tok(end.end);
      if (dot.t === "p" && dot.v === ".") {
        const member = tok(dot.end);
        if (member.t === "id" && !PROMISE_MEMBERS.has(member.v)) typeOnly = true;
      } else if (dot.t === "p" && dot.v === "<") typeOnly = true;
    }
    record(kw, kwLine, s.v, kind, typeOnly, kind === "require" ? ["*"] : [], end.end);
    return true;
  };

  while (pos < n) {
    const c = src.charCodeAt(pos);
    if (c === C.LF) {
      line++;
      pos++;
      continue;
    }
    if (c === C.SPACE || c === C.TAB || c === C.CR) {
      pos++;
      continue;
    }
    if (isIdentStart(c) || (c === C.BSL && src.charCodeAt(pos + 1) === 117)) {
      mark();
      const start = pos;
      pos++;
      while (pos < n && (isIdent(src.charCodeAt(pos)) || src.charCodeAt(pos) === C.BSL)) pos++;
      const word = src.slice(start, pos);
      const member = prevChar === C.DOT;
      const wordLine = line;
      if (!member) {
        if (word === "import") {
          const next = skipTrivia(pos);
          const d = src.charCodeAt(next);
          if (d === C.LPAR) {
            if (callArg(start, wordLine, pos, "dynamic", prevWord === "typeof")) continue;
          } else if (d !== C.DOT && d !== C.COLON && d !== C.EQ && d !== C.COMMA && d !== C.RPAR && d !== C.SEMI && d !== 63 /* ? */) {
            if (importDecl(start, wordLine, pos)) continue;
          }
        } else if (word === "export") {
          if (exportDecl(start, wordLine, pos)) continue;
        } else if (word === "require") {
          if (src.charCodeAt(skipTrivia(pos)) === C.LPAR && callArg(start, wordLine, pos, "require", false)) continue;
        }
      }
      prevWord = word;
      prevChar = 0;
      prevWasValue = !REGEX_AFTER_WORD.has(word);
      continue;
    }
    if (c >= 48 && c <= 57) {
      mark();
      pos++;
      while (pos < n && (isIdent(src.charCodeAt(pos)) || src.charCodeAt(pos) === C.DOT)) pos++;
      prevWord = "";
      prevChar = 0;
      prevWasValue = true;
      continue;
    }
    switch (c) {
      case C.SLASH: {
        const d = src.charCodeAt(pos + 1);
        if (d === C.SLASH) {
          while (pos < n && src.charCodeAt(pos) !== C.LF) pos++;
          continue;
        }
        if (d === C.STAR) {
          const e = src.indexOf("*/", pos + 2);
          const end = e < 0 ? n : e + 2;
          if (e < 0) errors.push({ line, message: "unterminated comment" });
          countLines(pos, end);
          pos = end;
          continue;
        }
        mark();
        if (!prevWasValue) {
          pos = skipRegex(pos);
          prevWasValue = true;
          prevChar = 0;
          prevWord = "";
          continue;
        }
        break;
      }
      case C.SQ:
      case C.DQ: {
        mark();
        pos = skipQuoted(pos, c);
        prevWasValue = true;
        prevChar = 0;
        prevWord = "";
        continue;
      }
      case C.BTICK:
        mark();
        pos = skipTemplate(pos + 1);
        prevWasValue = true;
        prevChar = 0;
        prevWord = "";
        continue;
      case C.LBRC:
        braces.push(0);
        break;
      case C.LT:
        if (opts.jsx && !prevWasValue) {
          const d = src.charCodeAt(pos + 1);
          if (isIdentStart(d) || d === C.GT) {
            const end = skipJsx(pos);
            if (end > 0) {
              mark();
              countLines(pos, end);
              pos = end;
              prevWasValue = true;
              prevChar = 0;
              prevWord = "";
              continue;
            }
          }
        }
        break;
      case C.RBRC:
        if (braces.pop() === 1) {
          // End of a `${…}` substitution: back into the template text.
          mark();
          pos = skipTemplate(pos + 1);
          prevWasValue = true;
          prevChar = 0;
          prevWord = "";
          continue;
        }
        break;
      default:
        break;
    }
    mark();
    prevChar = c;
    prevWord = "";
    // `}` usually ends a block, after which a `/` starts a regex; `)` and `]` end values.
    prevWasValue = c === C.RPAR || c === C.RBRK;
    pos++;
  }
  return { imports, loc, computed, errors };

  /**
   * A JSX element from its `<` to after its end, or -1 when it is not one after all (a generic
   * arrow function `<T,>(x) => x`, a comparison): the caller then reads it as code.
   */
  function skipJsx(p: number): number {
    // Opening tag: name, attributes (strings, `{…}`), then `/>` or `>`.
    let i = p + 1;
    const nameStart = i;
    while (i < n && (isIdent(src.charCodeAt(i)) || src.charCodeAt(i) === C.DOT || src.charCodeAt(i) === 45 || src.charCodeAt(i) === C.COLON)) i++;
    const name = src.slice(nameStart, i);
    for (;;) {
      i = skipTrivia(i);
      if (i >= n) return -1;
      const c = src.charCodeAt(i);
      if (c === C.SLASH && src.charCodeAt(i + 1) === C.GT) return i + 2;
      if (c === C.GT) break;
      if (c === C.SQ || c === C.DQ) {
        const e = src.indexOf(src[i]!, i + 1);
        if (e < 0) return -1;
        i = e + 1;
      } else if (c === C.LBRC) {
        i = skipBalanced(i);
        if (i < 0) return -1;
      } else if (isIdent(c) || c === 45 || c === C.COLON || c === C.EQ) i++;
      else return -1;
    }
    i++;
    // Children: text, `{expression}`, nested elements, until the closing tag.
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === C.LBRC) {
        i = skipBalanced(i);
        if (i < 0) return -1;
      } else if (c === C.LT) {
        if (src.charCodeAt(i + 1) === C.SLASH) {
          const e = src.indexOf(">", i);
          if (e < 0) return -1;
          return src.slice(i + 2, e).trim() === name ? e + 1 : -1;
        }
        const e = skipJsx(i);
        if (e < 0) return -1;
        i = e;
      } else i++;
    }
    return -1;
  }

  /** From a `{` to after its matching `}`, stepping over strings and templates; -1 if unbalanced. */
  function skipBalanced(p: number): number {
    let d = 0;
    for (let i = p; i < n; i++) {
      const c = src.charCodeAt(i);
      if (c === C.LBRC) d++;
      else if (c === C.RBRC) {
        if (--d === 0) return i + 1;
      } else if (c === C.SQ || c === C.DQ || c === C.BTICK) {
        let j = i + 1;
        while (j < n && src.charCodeAt(j) !== c) j += src.charCodeAt(j) === C.BSL ? 2 : 1;
        i = j;
      } else if (c === C.SLASH && src.charCodeAt(i + 1) === C.SLASH) {
        while (i < n && src.charCodeAt(i) !== C.LF) i++;
      } else if (c === C.SLASH && src.charCodeAt(i + 1) === C.STAR) {
        const e = src.indexOf("*/", i + 2);
        if (e < 0) return -1;
        i = e + 1;
      }
    }
    return -1;
  }

  function skipQuoted(p: number, q: number): number {
    let i = p + 1;
    while (i < n) {
      const d = src.charCodeAt(i);
      if (d === C.BSL) {
        if (src.charCodeAt(i + 1) === C.LF) line++;
        i += 2;
        continue;
      }
      if (d === q) return i + 1;
      if (d === C.LF) {
        // A quote cannot span lines; JSX text such as `don't` ends here too.
        return i;
      }
      i++;
    }
    return n;
  }

  /** Template text from `p` to its end or to a `${`, which opens a substitution on the brace stack. */
  function skipTemplate(p: number): number {
    let i = p;
    while (i < n) {
      const d = src.charCodeAt(i);
      if (d === C.BSL) {
        if (src.charCodeAt(i + 1) === C.LF) line++;
        i += 2;
        continue;
      }
      if (d === C.LF) line++;
      else if (d === C.BTICK) return i + 1;
      else if (d === C.DOLLAR && src.charCodeAt(i + 1) === C.LBRC) {
        braces.push(1);
        prevWasValue = false;
        return i + 2;
      }
      i++;
    }
    errors.push({ line, message: "unterminated template literal" });
    return n;
  }

  function skipRegex(p: number): number {
    let i = p + 1;
    let cls = false;
    while (i < n) {
      const d = src.charCodeAt(i);
      if (d === C.BSL) {
        i += 2;
        continue;
      }
      if (d === C.LF) return i; // not a regex after all; resume as code
      if (cls) {
        if (d === C.RBRK) cls = false;
      } else if (d === C.LBRK) cls = true;
      else if (d === C.SLASH) {
        i++;
        while (i < n && isIdent(src.charCodeAt(i))) i++;
        return i;
      }
      i++;
    }
    return n;
  }
}

function unescapeAt(src: string, i: number): string {
  const c = src[i];
  switch (c) {
    case "n": return "\n";
    case "t": return "\t";
    case "r": return "\r";
    case "0": return "\0";
    case "\n": return "";
    default: return c ?? "";
  }
}
