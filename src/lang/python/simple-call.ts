/**
 * Most calls a route declaration makes are simple: `router.get("/items/{id}")`,
 * `APIRouter(prefix="/v1", tags=["x"])`, `app.include_router(users.router)`. Reading them
 * from their source text costs one native call instead of one per tree node, which is most
 * of the interpreter's time on a large project. Anything beyond literals, dotted names and
 * lists of those is declined, and the caller walks the tree as before.
 */

export type Atom =
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "const"; v: boolean | null }
  /** A dotted name; `text` is the source of each prefix, `a`, `a.b`, … as the tree would give it. */
  | { t: "name"; parts: string[] }
  | { t: "list"; items: Atom[] };

export interface SimpleArg {
  name?: string;
  value: Atom;
  /** Source text of the value, as an argument node's text. */
  text: string;
}

export interface SimpleCall {
  callee: string[];
  args: SimpleArg[];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const INT = /[0-9][0-9_]*(?![A-Za-z0-9_.])/y;
const STRING = /(["'])([^"'\\\n]*)\1/y;
const SPACE = /[ \t\r\n]*/y;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  skip(): void {
    SPACE.lastIndex = this.i;
    SPACE.exec(this.s);
    this.i = SPACE.lastIndex;
  }

  match(re: RegExp): RegExpExecArray | undefined {
    re.lastIndex = this.i;
    const m = re.exec(this.s);
    if (!m) return undefined;
    this.i = re.lastIndex;
    return m;
  }

  eat(ch: string): boolean {
    if (this.s[this.i] !== ch) return false;
    this.i++;
    return true;
  }
}

/** `a.b.c` without spaces around the dots (spaced names are rare and left to the tree). */
function dotted(r: Reader): string[] | undefined {
  const first = r.match(IDENT);
  if (!first) return undefined;
  const parts = [first[0]];
  while (r.s[r.i] === ".") {
    r.i++;
    const next = r.match(IDENT);
    if (!next) return undefined;
    parts.push(next[0]);
  }
  return parts;
}

function atom(r: Reader): Atom | undefined {
  const c = r.s[r.i];
  if (c === '"' || c === "'") {
    const m = r.match(STRING);
    if (!m) return undefined;
    // Adjacent literals concatenate; the tree handles that.
    const save = r.i;
    r.skip();
    const n = r.s[r.i];
    r.i = save;
    if (n === '"' || n === "'") return undefined;
    return { t: "str", v: m[2]! };
  }
  if (c !== undefined && c >= "0" && c <= "9") {
    const m = r.match(INT);
    return m ? { t: "num", v: Number(m[0].replace(/_/g, "")) } : undefined;
  }
  if (c === "[") {
    r.i++;
    const items: Atom[] = [];
    for (;;) {
      r.skip();
      if (r.eat("]")) return { t: "list", items };
      const a = atom(r);
      if (!a) return undefined;
      items.push(a);
      r.skip();
      if (r.eat("]")) return { t: "list", items };
      if (!r.eat(",")) return undefined;
    }
  }
  const parts = dotted(r);
  if (!parts) return undefined;
  if (parts.length === 1) {
    const w = parts[0]!;
    if (w === "True" || w === "False") return { t: "const", v: w === "True" };
    if (w === "None") return { t: "const", v: null };
    if (KEYWORDS.has(w)) return undefined;
  }
  return { t: "name", parts };
}

/** Words that start an expression the reader does not model (`lambda`, `not x`, …). */
const KEYWORDS = new Set(["lambda", "not", "await", "yield", "if", "else", "for", "in", "is", "and", "or"]);

/** Parses `callee(args)` spanning the whole text, or returns undefined. */
export function parseSimpleCall(text: string): SimpleCall | undefined {
  const r = new Reader(text);
  const callee = dotted(r);
  if (!callee || !r.eat("(")) return undefined;
  const args: SimpleArg[] = [];
  for (;;) {
    r.skip();
    if (r.eat(")")) break;
    let name: string | undefined;
    const start = r.i;
    const kw = r.match(IDENT);
    if (kw) {
      r.skip();
      if (r.s[r.i] === "=" && r.s[r.i + 1] !== "=") {
        r.i++;
        r.skip();
        name = kw[0];
      } else r.i = start;
    }
    const from = r.i;
    const value = atom(r);
    if (!value) return undefined;
    args.push({ name, value, text: r.s.slice(from, r.i) });
    r.skip();
    if (r.eat(")")) break;
    if (!r.eat(",")) return undefined;
  }
  // Positional arguments after keywords are a syntax error: let the tree report it.
  let sawKw = false;
  for (const a of args) {
    if (a.name) sawKw = true;
    else if (sawKw) return undefined;
  }
  return r.i === text.length ? { callee, args } : undefined;
}

export interface SimpleDecorated {
  /** Each decorator: its expression as a call or a bare dotted name, and its line offset from the first. */
  decorators: Array<{ call?: SimpleCall; name?: string[]; text: string; lineOffset: number }>;
  kind: "def" | "class";
  name: string;
}

/** The name must end where an ASCII identifier ends (`def café` is left to the tree). */
const DEF = /(?:async[ \t]+)?def[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?=[ \t]*[([])|class[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?=[ \t]*[([:])/y;
const EOL = /[ \t]*\r?\n/y;

/**
 * Reads the decorators of a decorated definition from its text. Every decorator has to be a
 * simple call or a dotted name on its own line, else the tree is walked.
 */
export function parseDecorated(text: string): SimpleDecorated | undefined {
  const r = new Reader(text);
  const decorators: SimpleDecorated["decorators"] = [];
  let line = 0;
  for (;;) {
    r.skip();
    line = countLines(text, r.i);
    if (!r.eat("@")) break;
    r.match(/[ \t]*/y);
    const start = r.i;
    const parts = dotted(r);
    if (!parts) return undefined;
    let call: SimpleCall | undefined;
    if (r.s[r.i] === "(") {
      const end = closing(text, r.i);
      if (end < 0) return undefined;
      call = parseSimpleCall(text.slice(start, end + 1));
      if (!call) return undefined;
      r.i = end + 1;
    }
    const exprText = text.slice(start, r.i);
    if (!r.match(EOL)) return undefined;
    decorators.push(call ? { call, text: exprText, lineOffset: line } : { name: parts, text: exprText, lineOffset: line });
  }
  const m = r.match(DEF);
  if (!m || decorators.length === 0) return undefined;
  return { decorators, kind: m[1] ? "def" : "class", name: (m[1] ?? m[2])! };
}

function countLines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0 && i < end; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** Index of the parenthesis closing the one at `open`, skipping simple strings; -1 when unsure. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") {
      depth--;
      if (depth === 0) return i;
    } else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === "#" || c === "\\") return -1;
  }
  return -1;
}
