/**
 * A purpose-built Python import scanner: one pass over the characters that matter (strings,
 * comments, brackets, continuations, indentation), no syntax tree. It is an order of magnitude
 * cheaper than a full parse and is tested to give the same imports as tree-sitter and as
 * Python's own `ast` module.
 */

export interface PyImportName {
  name: string;
  asname?: string;
}

export interface PyImport {
  /** 1-based line where the statement starts. */
  line: number;
  /** `import a.b` → "import"; `from a import b` → "from". */
  kind: "import" | "from";
  /** Dotted module without the leading dots of a relative import. */
  module: string;
  /** Number of leading dots (0 for absolute imports). */
  level: number;
  /** For `import a.b as c`: one entry per module with its alias; for `from`: the imported names ("*" for star). */
  names: PyImportName[];
  /** Inside a function body: executed only when called. */
  lazy: boolean;
  /** Guarded by try/except ImportError (in the try body or in the handler). */
  optional: boolean;
  /** Inside `if TYPE_CHECKING:`; never executed at run time. */
  typeOnly: boolean;
}

export interface PyStringRef {
  /** The callee just before the string, e.g. "models.ForeignKey", or the assigned name for collected assignments. */
  callee: string;
  value: string;
  line: number;
}

export interface PySyntaxError {
  line: number;
  message: string;
}

export interface PyScan {
  imports: PyImport[];
  /** First-argument strings of the calls asked for (include("app.urls"), ForeignKey("app.Model")). */
  callStrings: PyStringRef[];
  /** Every string literal in the top-level assignments asked for (INSTALLED_APPS). */
  assignStrings: PyStringRef[];
  errors: PySyntaxError[];
  /** Non-blank, non-comment lines. */
  loc: number;
}

export interface PyScanOptions {
  /** Last name of callees whose first string argument is collected (e.g. "include", "ForeignKey"). */
  callees?: ReadonlySet<string>;
  /** Top-level names whose assigned string literals are collected (e.g. "INSTALLED_APPS"). */
  assignments?: ReadonlySet<string>;
}

const enum C {
  TAB = 9, LF = 10, FF = 12, CR = 13, SPACE = 32, DQ = 34, HASH = 35, SQ = 39, LPAR = 40, RPAR = 41,
  COMMA = 44, DOT = 46, COLON = 58, SEMI = 59, EQ = 61, LBRK = 91, BSL = 92, RBRK = 93, LBRC = 123, RBRC = 125,
}

/** Indentation in spaces, the common case; tabs and form feeds are counted one by one. */
const SPACES = / */y;
/** The characters of a name (what isIdent accepts). */
const WORD = /[A-Za-z0-9_\u0080-\uffff]*/y;
/**
 * Runs of characters that do not change the scanner's state (sticky: they match from lastIndex,
 * possibly empty), one per state: a colon matters only after a compound statement's keyword, a
 * semicolon only outside brackets.
 */
const RUN_HEADER = /[^#'"()[\]{}\\\n;:]*/y;
const RUN_STATEMENT = /[^#'"()[\]{}\\\n;]*/y;
const RUN_BRACKETS = /[^#'"()[\]{}\\\n]*/y;
/** The body of a one-line string up to what may end it: its quote, a backslash or a line break. */
const DQ_BODY = /[^"\\\n]*/y;
const SQ_BODY = /[^'\\\n]*/y;

type BlockKind = "def" | "class" | "typecheck" | "try" | "except-import" | "other";
interface Block {
  indent: number;
  kind: BlockKind;
  tryId: number;
}

/** The statement keywords the scanner cares about. */
const KEYWORDS: ReadonlySet<string> = new Set(["if", "import", "from", "for", "finally", "def", "class", "elif", "else", "except", "try", "with", "while", "async"]);

/**
 * The statement keyword the scanner cares about at `p` (a word of `len` characters), or "".
 * Most statements start with another word, told apart by its length and first letter without
 * slicing it: slicing every statement's first word cost an allocation per line.
 */
function keywordAt(s: string, p: number, len: number): string {
  if (len < 2 || len > 7) return "";
  const c = s.charCodeAt(p);
  if (c !== 105 && c !== 102 && c !== 100 && c !== 99 && c !== 101 && c !== 116 && c !== 119 && c !== 97) return "";
  const word = s.slice(p, p + len);
  return KEYWORDS.has(word) ? word : "";
}

/**
 * A copy of a piece of the source that does not keep the source alive. V8 represents a slice of 13
 * or more characters as a view into the whole string, and so do the matches of a regex: the names
 * of a file's imports kept every scanned file's text in memory, about as much again as the results,
 * which the garbage collector then copied from generation to generation. Concatenating and slicing
 * again makes V8 flatten the text into a string of its own.
 */
function detached(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

/** What an import statement's text can hold that parsing must first replace by spaces. */
const MESSY = /[#\\()\r\n]/;

/**
 * A compound statement's header, comments and line continuations removed, whitespace collapsed.
 * A function of its own, not a closure in openBlock: a closure there cost every header of a file an
 * allocation, most of them never asked for their text.
 */
function headerText(src: string, from: number, to: number): string {
  return src.slice(from, to).replace(/#[^\n]*/g, " ").replace(/\\\r?\n/g, " ").replace(/\s+/g, " ").trim();
}

function isIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
}

export function scanPythonImports(src: string, opts: PyScanOptions = {}): PyScan {
  const imports: PyImport[] = [];
  const importTries: number[][] = [];
  const callStrings: PyStringRef[] = [];
  const assignStrings: PyStringRef[] = [];
  const errors: PySyntaxError[] = [];
  const callees = opts.callees;
  const assignments = opts.assignments;
  const stack: Block[] = [];
  const importTry = new Set<number>();
  const tryAtIndent = new Map<number, number>();
  let tryCount = 0;
  // Where the next "TYPE_CHECKING" starts: found once per file, not searched for at every `if`.
  let nextTypeChecking = -1;
  let typeCheckingFrom = -1;
  const typeCheckingIn = (from: number, to: number): boolean => {
    if (from > typeCheckingFrom && nextTypeChecking < from) {
      nextTypeChecking = src.indexOf("TYPE_CHECKING", from);
      typeCheckingFrom = from;
      if (nextTypeChecking < 0) nextTypeChecking = Infinity;
    }
    return nextTypeChecking >= from && nextTypeChecking < to;
  };

  // Hot-loop state lives in locals no closure captures, so V8 keeps it in registers.
  let loc = 0;
  // Current statement (shared with the helpers below; touched once per statement).
  let stmtStart = 0;
  let stmtLine = 1;
  let stmtIndent = 0;
  let stmtWord = "";
  let collecting = false; // import or header: keep its text
  let header = false;
  let collectStrings = false;
  let strLines = 0;

  const finishStatement = (end: number) => {
    if (collecting) handleStatement(src.slice(stmtStart, end));
    collecting = false;
    header = false;
    collectStrings = false;
    stmtWord = "";
  };

  /** Handles an import statement's text. */
  const handleStatement = (text: string) => {
    if (stmtWord !== "import" && stmtWord !== "from") return;
    // Most imports fit on one line with nothing to clean away.
    const clean = detached(MESSY.test(text) ? text.replace(/#[^\n]*/g, " ").replace(/\\\r?\n/g, " ").replace(/[()\r\n]/g, " ").trim() : text.trim());
    const imp = parseImport(clean, stmtLine);
    if (!imp) {
      errors.push({ line: stmtLine, message: `cannot read import statement: ${clean.slice(0, 60)}` });
      return;
    }
    let lazy = false, typeOnly = false, optional = false;
    const tries: number[] = [];
    for (const b of stack) {
      if (b.kind === "def") lazy = true;
      else if (b.kind === "typecheck") typeOnly = true;
      else if (b.kind === "except-import") optional = true;
      else if (b.kind === "try") tries.push(b.tryId);
    }
    imp.lazy = lazy;
    imp.typeOnly = typeOnly;
    imp.optional = optional;
    imports.push(imp);
    importTries.push(tries);
  };

  /** Opens the block of a compound statement whose header ends at `colon`. */
  const openBlock = (colon: number) => {
    let kind: BlockKind = "other";
    let tryId = -1;
    const word = stmtWord;
    if (word === "def") kind = "def";
    else if (word === "class") kind = "class";
    else if (word === "async") {
      if (/^async\s+def\b/.test(headerText(src, stmtStart, colon))) kind = "def";
    } else if (word === "if") {
      if (typeCheckingIn(stmtStart, colon) && /^\(?\s*(?:typing\.|t\.|_typing\.)?TYPE_CHECKING\s*\)?$/.test(headerText(src, stmtStart, colon).slice(2).trim())) kind = "typecheck";
    } else if (word === "try") {
      tryId = tryCount++;
      kind = "try";
      tryAtIndent.set(stmtIndent, tryId);
    } else if (word === "except") {
      const id = tryAtIndent.get(stmtIndent);
      if (id !== undefined && src.slice(stmtStart, colon).includes("Error") && /\b(?:ImportError|ModuleNotFoundError)\b/.test(headerText(src, stmtStart, colon))) {
        importTry.add(id);
        kind = "except-import";
      }
    }
    stack.push({ indent: stmtIndent, kind, tryId });
  };

  const beginStatement = (p: number, ln: number, indent: number, virtual: boolean) => {
    if (!virtual) {
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      stmtIndent = indent;
    }
    stmtStart = p;
    stmtLine = ln;
    WORD.lastIndex = p;
    WORD.test(src);
    const e = WORD.lastIndex;
    const len = src.length;
    stmtWord = keywordAt(src, p, e - p);
    collecting = stmtWord === "import" || stmtWord === "from";
    header = stmtWord !== "" && !collecting && !(e < len && src.charCodeAt(e) === C.EQ);
    collectStrings = false;
    if (assignments && !virtual && stack.length === 0 && stmtWord === "" && e > p) {
      const word = src.slice(p, e);
      if (assignments.has(word)) {
        stmtWord = detached(word);
        collectStrings = true;
      }
    }
  };

  const s = src;
  const n = s.length;
  // A byte order mark is not part of the first line, for Python as here.
  let pos = n > 0 && s.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let depth = 0;
  let atLineStart = true;
  let lastLocLine = 0;
  while (pos < n) {
    if (atLineStart) {
      // Measure indentation of a new logical line; blank and comment-only lines do not count.
      SPACES.lastIndex = pos;
      SPACES.test(s);
      let col = SPACES.lastIndex - pos;
      pos = SPACES.lastIndex;
      let c = 0;
      while (pos < n) {
        c = s.charCodeAt(pos);
        if (c === C.SPACE) col++;
        else if (c === C.TAB) col = (col & ~7) + 8;
        else if (c === C.FF) col = 0;
        else break;
        pos++;
      }
      if (pos >= n) break;
      if (c === C.LF || c === C.CR) {
        if (c === C.CR && s.charCodeAt(pos + 1) === C.LF) pos++;
        pos++;
        line++;
        continue;
      }
      if (c === C.HASH) {
        const nl = s.indexOf("\n", pos);
        pos = nl < 0 ? n : nl;
        continue;
      }
      if (c === C.BSL && (s.charCodeAt(pos + 1) === C.LF || s.charCodeAt(pos + 1) === C.CR)) {
        pos += s.charCodeAt(pos + 1) === C.CR && s.charCodeAt(pos + 2) === C.LF ? 3 : 2;
        line++;
        continue;
      }
      atLineStart = false;
      beginStatement(pos, line, col, false);
      if (lastLocLine !== line) { loc++; lastLocLine = line; }
    }
    // Skip uninteresting characters in native code: a cold process never waits for the JIT here.
    const run = depth > 0 ? RUN_BRACKETS : header ? RUN_HEADER : RUN_STATEMENT;
    run.lastIndex = pos;
    run.test(s);
    pos = run.lastIndex;
    if (pos >= n) break;
    const c = s.charCodeAt(pos);
    switch (c) {
      case C.HASH: {
        const nl = s.indexOf("\n", pos);
        pos = nl < 0 ? n : nl;
        break;
      }
      case C.LF:
        if (depth === 0) {
          if (collecting) finishStatement(pos);
          else {
            header = false;
            collectStrings = false;
            stmtWord = "";
          }
          atLineStart = true;
        }
        pos++;
        line++;
        if (!atLineStart && s.charCodeAt(pos) !== C.LF && lastLocLine !== line) { loc++; lastLocLine = line; }
        break;
      case C.BSL:
        if (s.charCodeAt(pos + 1) === C.LF) {
          pos += 2;
          line++;
        } else if (s.charCodeAt(pos + 1) === C.CR && s.charCodeAt(pos + 2) === C.LF) {
          pos += 3;
          line++;
        } else pos++;
        break;
      case C.LPAR: case C.LBRK: case C.LBRC:
        depth++;
        pos++;
        break;
      case C.RPAR: case C.RBRK: case C.RBRC:
        if (depth === 0) errors.push({ line, message: `unmatched '${String.fromCharCode(c)}'` });
        else depth--;
        pos++;
        break;
      case C.SEMI:
        if (depth === 0) {
          finishStatement(pos);
          pos++;
          while (pos < n && (s.charCodeAt(pos) === C.SPACE || s.charCodeAt(pos) === C.TAB)) pos++;
          const d = s.charCodeAt(pos);
          if (pos < n && d !== C.LF && d !== C.CR && d !== C.HASH) beginStatement(pos, line, 0, true);
        } else pos++;
        break;
      case C.COLON:
        if (depth === 0 && header && s.charCodeAt(pos + 1) !== C.EQ) {
          openBlock(pos);
          collecting = false;
          header = false;
          pos++;
          while (pos < n && (s.charCodeAt(pos) === C.SPACE || s.charCodeAt(pos) === C.TAB)) pos++;
          const d = s.charCodeAt(pos);
          // A body on the header's own line lives inside the block just opened.
          if (pos < n && d !== C.LF && d !== C.CR && d !== C.HASH) beginStatement(pos, line, 0, true);
        } else pos++;
        break;
      case C.SQ: case C.DQ:
        strLines = 0;
        pos = skipString(pos, c, line);
        line += strLines;
        break;
      default:
        pos++;
    }
  }
  if (depth > 0) errors.push({ line, message: "unclosed bracket at end of file" });
  else finishStatement(n);

  for (let i = 0; i < imports.length; i++) {
    if (importTries[i]!.some((t) => importTry.has(t))) imports[i]!.optional = true;
  }
  return { imports, callStrings, assignStrings, errors, loc };

  /** Returns the position after the string that starts with the quote at `q`. */
  function skipString(q: number, quote: number, startLine: number): number {
    const n = src.length;
    // Prefix letters (r, b, f, u in any case and order, at most two) decide raw/f-string.
    let p = q - 1;
    let fstr = false;
    while (p >= 0 && q - p <= 2) {
      const ch = src.charCodeAt(p) | 32;
      if (ch === 102) fstr = true;
      else if (ch !== 114 && ch !== 98 && ch !== 117) break;
      p--;
    }
    if (p >= 0 && p < q - 1 && isIdent(src.charCodeAt(p))) fstr = false; // e.g. `elif"...` is not a prefix
    const triple = src.charCodeAt(q + 1) === quote && src.charCodeAt(q + 2) === quote;
    let i = q + (triple ? 3 : 1);
    const bodyStart = i;
    if (triple && !fstr) return skipTriple(q, quote, bodyStart, startLine);
    if (!triple && !fstr) return skipLine(q, quote, bodyStart, startLine);
    let braces = 0;
    while (i < n) {
      const ch = src.charCodeAt(i);
      if (ch === C.BSL) {
        if (src.charCodeAt(i + 1) === C.LF) strLines++;
        i += 2;
        continue;
      }
      if (ch === C.LF) {
        if (!triple && braces === 0) {
          errors.push({ line: startLine, message: "unterminated string literal" });
          return i;
        }
        strLines++;
        i++;
        continue;
      }
      if (fstr) {
        if (ch === C.LBRC) {
          if (braces === 0 && src.charCodeAt(i + 1) === C.LBRC) { i += 2; continue; }
          braces++;
          i++;
          continue;
        }
        if (ch === C.RBRC && braces > 0) { braces--; i++; continue; }
        if (braces > 0 && (ch === C.SQ || ch === C.DQ)) {
          // Python 3.12 lets replacement fields hold strings, even with the same quote.
          i = skipString(i, ch, startLine + strLines);
          continue;
        }
      }
      if (ch === quote && braces === 0) {
        if (!triple) return recordString(q, bodyStart, i, startLine, i + 1);
        if (src.charCodeAt(i + 1) === quote && src.charCodeAt(i + 2) === quote) return recordString(q, bodyStart, i, startLine, i + 3);
      }
      i++;
    }
    errors.push({ line: startLine, message: "unterminated string literal" });
    return n;
  }

  /** A one-line string without replacement fields, its body skipped in native code. */
  function skipLine(q: number, quote: number, bodyStart: number, startLine: number): number {
    const n = src.length;
    const body = quote === C.DQ ? DQ_BODY : SQ_BODY;
    let i = bodyStart;
    while (i < n) {
      body.lastIndex = i;
      body.test(src);
      i = body.lastIndex;
      if (i >= n) break;
      const ch = src.charCodeAt(i);
      if (ch === C.BSL) {
        if (src.charCodeAt(i + 1) === C.LF) strLines++;
        i += 2;
        continue;
      }
      if (ch === C.LF) {
        errors.push({ line: startLine, message: "unterminated string literal" });
        return i;
      }
      return recordString(q, bodyStart, i, startLine, i + 1);
    }
    errors.push({ line: startLine, message: "unterminated string literal" });
    return n;
  }

  /**
   * A triple-quoted string without replacement fields, found with indexOf: docstrings are a good
   * part of most files, and a character loop over them is what a cold process pays most for. A
   * quote is escaped when an odd run of backslashes stands right before it.
   */
  function skipTriple(q: number, quote: number, bodyStart: number, startLine: number): number {
    const close = quote === C.DQ ? '"""' : "'''";
    let from = bodyStart;
    let end = -1;
    for (;;) {
      const j = src.indexOf(close, from);
      if (j < 0) break;
      let k = j - 1;
      while (k >= bodyStart && src.charCodeAt(k) === C.BSL) k--;
      if (((j - 1 - k) & 1) === 0) {
        end = j;
        break;
      }
      from = j + 1;
    }
    const stop = end < 0 ? src.length : end;
    for (let nl = src.indexOf("\n", bodyStart); nl >= 0 && nl < stop; nl = src.indexOf("\n", nl + 1)) strLines++;
    if (end < 0) {
      errors.push({ line: startLine, message: "unterminated string literal" });
      return src.length;
    }
    return recordString(q, bodyStart, end, startLine, end + 3);
  }

  function recordString(q: number, bodyStart: number, bodyEnd: number, startLine: number, after: number): number {
    if (collectStrings) assignStrings.push({ callee: stmtWord, value: detached(src.slice(bodyStart, bodyEnd)), line: startLine });
    else if (callees) {
      let p = q - 1;
      while (p >= 0 && (src.charCodeAt(p) === C.SPACE || src.charCodeAt(p) === C.LF || src.charCodeAt(p) === C.TAB || src.charCodeAt(p) === C.CR)) p--;
      if (p >= 0 && src.charCodeAt(p) === C.LPAR) {
        const e = p;
        p--;
        while (p >= 0 && (isIdent(src.charCodeAt(p)) || src.charCodeAt(p) === C.DOT)) p--;
        const callee = src.slice(p + 1, e);
        const last = callee.slice(callee.lastIndexOf(".") + 1);
        if (callees.has(last)) callStrings.push({ callee: detached(callee), value: detached(src.slice(bodyStart, bodyEnd)), line: startLine });
      }
    }
    return after;
  }
}

const DOTTED = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*(?:\s*\.\s*[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)*$/;
const NAME = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*$/;

/** Parses `import a.b as c, d` or `from ..a import (b as c, d)` with comments and brackets removed. */
export function parseImport(text: string, line: number): PyImport | undefined {
  if (text.startsWith("import")) {
    const rest = text.slice(6);
    if (!/^\s/.test(rest)) return undefined;
    const names: PyImportName[] = [];
    for (const part of rest.split(",")) {
      const m = /^\s*(.+?)(?:\s+as\s+(\S+))?\s*$/.exec(part);
      if (!m || !DOTTED.test(m[1]!) || (m[2] && !NAME.test(m[2]))) return undefined;
      names.push(m[2] ? { name: m[1]!.replace(/\s+/g, ""), asname: m[2] } : { name: m[1]!.replace(/\s+/g, "") });
    }
    return { line, kind: "import", module: names[0]!.name, level: 0, names, lazy: false, optional: false, typeOnly: false };
  }
  const m = /^from\s*((?:\.\s*)*)([^\s.][^]*?)?\s+import\b\s*([^]*)$/.exec(text) ?? /^from\s*((?:\.\s*)+)()import\b\s*([^]*)$/.exec(text);
  if (!m) return undefined;
  const level = m[1]!.replace(/\s+/g, "").length;
  const module = (m[2] ?? "").replace(/\s+/g, "");
  if (module && !DOTTED.test(module)) return undefined;
  if (!module && level === 0) return undefined;
  const list = m[3]!.trim().replace(/,\s*$/, "");
  if (!list) return undefined;
  const names: PyImportName[] = [];
  for (const part of list.split(",")) {
    const p = /^\s*(\*|[^\s,]+)(?:\s+as\s+(\S+))?\s*$/.exec(part);
    if (!p || (p[1] !== "*" && !NAME.test(p[1]!)) || (p[2] && !NAME.test(p[2]))) return undefined;
    names.push(p[2] ? { name: p[1]!, asname: p[2] } : { name: p[1]! });
  }
  return { line, kind: "from", module, level, names, lazy: false, optional: false, typeOnly: false };
}
