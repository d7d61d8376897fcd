/** Python syntax lookups the guard scanners share: calls with their keyword arguments, and definitions by name. */
import type { SgNode, SgRoot } from "@ast-grep/napi";
import path from "node:path";
import { parsePython } from "../../lang/python/edit.js";
import { isTestCode } from "../../lang/test-code.js";

export interface PyFile {
  file: string;
  text: string;
  root: SgRoot;
}

export interface PyCall {
  file: string;
  line: number;
  /** The callee as written: `app.add_middleware`, `FastAPI`. */
  callee: string;
  /** Positional arguments, as written. */
  args: string[];
  /** Keyword arguments, as written. */
  kwargs: Map<string, string>;
  text: string;
  node: SgNode;
}

/**
 * The service's Python files outside tests, parsed on demand and once: a scanner asks only for the
 * files whose text can matter (a cheap regular expression first), so a big project is not parsed
 * whole. Files that do not parse are skipped (the planner reports them).
 */
export class PySources {
  readonly files: string[];
  private readonly parsed = new Map<string, Promise<PyFile | undefined>>();
  private readonly defs = new Map<string, PyDef[]>();
  private readonly byName = new Map<string, PyDef[]>();

  constructor(readonly dir: string, files: string[], readonly read: (f: string) => string) {
    this.files = files.filter((f) => f.endsWith(".py") && !isTestCode(path.relative(dir, f)));
  }

  parse(file: string): Promise<PyFile | undefined> {
    let p = this.parsed.get(file);
    if (!p) {
      const text = this.read(file);
      p = parsePython(text, file).then((root) => ({ file, text, root }), () => undefined);
      this.parsed.set(file, p);
    }
    return p;
  }

  /** The parsed files whose text matches (and that are among `only`, when given). */
  async matching(text: RegExp, only?: (file: string) => boolean): Promise<PyFile[]> {
    const out: PyFile[] = [];
    for (const f of this.files) {
      if ((only && !only(f)) || !text.test(this.read(f))) continue;
      const p = await this.parse(f);
      if (p) out.push(p);
    }
    return out;
  }

  /** Function and class definitions of that name, from the files that define it. */
  async named(name: string): Promise<PyDef[]> {
    if (!/^\w+$/.test(name)) return [];
    let found = this.byName.get(name);
    if (!found) {
      const re = new RegExp(`\\b(?:def|class)\\s+${name}\\b`);
      // A plain substring search first: a regular expression over every file is slow on big projects.
      const files = await this.matching(re, (f) => this.read(f).includes(name));
      this.byName.set(name, (found = files.flatMap((f) => this.definitionsOf(f)).filter((d) => d.name === name)));
    }
    return found;
  }

  /** All definitions of a parsed file, computed once. */
  definitionsOf(f: PyFile): PyDef[] {
    let d = this.defs.get(f.file);
    if (!d) this.defs.set(f.file, (d = definitions([f])));
    return d;
  }
}

/** Every call whose callee matches, in every file. */
export function calls(files: PyFile[], callee: RegExp): PyCall[] {
  const out: PyCall[] = [];
  for (const f of files) {
    for (const node of f.root.root().findAll({ rule: { kind: "call" } })) {
      const fn = node.field("function")?.text() ?? "";
      if (!callee.test(fn)) continue;
      const args: string[] = [];
      const kwargs = new Map<string, string>();
      for (const a of node.field("arguments")?.children() ?? []) {
        const kind = String(a.kind());
        if (kind === "keyword_argument") kwargs.set(a.field("name")?.text() ?? "", a.field("value")?.text() ?? "");
        else if (!["(", ")", ",", "comment"].includes(kind)) args.push(a.text());
      }
      out.push({ file: f.file, line: node.range().start.line + 1, callee: fn, args, kwargs, text: node.text(), node });
    }
  }
  return out;
}

export interface PyDef {
  file: string;
  line: number;
  name: string;
  /** The whole definition with its decorators. */
  text: string;
  decorators: string[];
}

/** Function and class definitions (top level or nested), with their decorators. */
export function definitions(files: PyFile[]): PyDef[] {
  const out: PyDef[] = [];
  for (const f of files) {
    for (const node of f.root.root().findAll({ rule: { any: [{ kind: "function_definition" }, { kind: "class_definition" }] } })) {
      const parent = node.parent();
      const decorated = parent?.kind() === "decorated_definition" ? parent : undefined;
      const decorators = decorated ? decorated.children().filter((c) => c.kind() === "decorator").map((c) => c.text()) : [];
      const whole = decorated ?? node;
      out.push({ file: f.file, line: whole.range().start.line + 1, name: node.field("name")?.text() ?? "", text: whole.text(), decorators });
    }
  }
  return out;
}

/** `Depends(verify)` / `Security(verify, ...)` → `verify` (last dotted part); other items as written. */
export function dependencyNames(list: string): string[] {
  const names = [...list.matchAll(/\b(?:Depends|Security)\(\s*([\w.]+)/g)].map((m) => m[1]!.split(".").pop()!);
  return names.length ? names : list.replace(/^\[|\]$/g, "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** 1-based line of a node. */
export function lineOf(node: SgNode): number {
  return node.range().start.line + 1;
}

/**
 * A definition's text plus the constants it names, assigned at module level or in a function that
 * encloses it (`PROBES = ("/live", "/ready")`, a set built in the app factory), for exemption evidence.
 */
export function withConstants(f: PyFile | undefined, def: PyDef): string {
  if (!f) return def.text;
  const assignments = f.root.root().children().map((stmt) => (stmt.kind() === "expression_statement" ? stmt.child(0) : null));
  for (const fn of f.root.root().findAll({ rule: { kind: "function_definition" } })) {
    const r = fn.range();
    if (r.start.line + 1 < def.line && r.end.line + 1 >= def.line) assignments.push(...fn.findAll({ rule: { kind: "assignment" } }).filter((a) => a.range().start.line + 1 < def.line));
  }
  const extra: string[] = [];
  for (const a of assignments) {
    const name = a?.kind() === "assignment" ? a.field("left")?.text() : undefined;
    if (name && /^\w+$/.test(name) && new RegExp(`\\b${name}\\b`).test(def.text)) extra.push(a!.text());
  }
  return [def.text, ...extra].join("\n");
}

/** Python code without comments, docstrings, `except` headers and `isinstance(...)`: what it does, not what it mentions. */
export function pyCode(text: string): string {
  return text
    .replace(/(?:[rbuRBU]{0,2})("""|''')[\s\S]*?\1/g, '""')
    .replace(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|#[^\n]*/g, (m, s: string | undefined) => s ?? "")
    .replace(/^([ \t]*)except\b[^\n]*:/gm, "$1except:")
    .replace(/\bisinstance\([^()]*(?:\([^()]*\)[^()]*)*\)/g, "isinstance()");
}

const UNSAFE_METHOD = /^(POST|PUT|PATCH|DELETE)$/;
const NEXT = /\b(?:call_next|get_response|self\.app)\s*\(/;

/** What a middleware's (or dependency's) own code does to a probe, a GET without credentials. */
export interface PyVerdict {
  /** What it answers when it refuses (401/403 auth, 429 rate), undefined when its code never names such an answer. */
  kind?: "auth" | "rate";
  /** It checks only unsafe methods (POST, PUT, PATCH, DELETE); probes are GET. */
  unsafeOnly: boolean;
  /** It never refuses: no 401/403/429, no raised HTTP or permission error, no redirect, nothing inherited, and it calls the next handler. */
  passes: boolean;
  /** It may refuse with an answer fks cannot read (a caught exception's status, a redirect). */
  maybe?: string;
}

/** `text`: a definition with the constants it names (withConstants). */
export function judgePython(def: PyDef, text: string): PyVerdict {
  const code = pyCode(text);
  const kind = kindOfCode(code);
  const maybe = maybeOf(code);
  const bases = /^\s*class\s+\w+\s*\(([^)]*)\)/m.exec(def.text)?.[1]?.split(",").map((b) => b.trim().split(".").pop()!).filter((b) => b && !/=/.test(b)) ?? [];
  const inherits = bases.some((b) => !/^(object|BaseHTTPMiddleware|MiddlewareMixin)$/.test(b)) || /\bsuper\(\)\s*\.\s*(dispatch|__call__|process_request|process_view)\b/.test(code);
  const unsafe = unsafeOnly(code) && (SAFE_FIRST.test(code) || refusalsGated(code, "unsafe"));
  return { kind, unsafeOnly: unsafe, passes: !inherits && NEXT.test(code) && refusalsGated(code, "credential"), maybe: kind ? undefined : maybe };
}

function maybeOf(code: string): string | undefined {
  const unread = /status_code\s*=(?!=)\s*(?![\d\s])(?!status\.|HTTPStatus\.)[\w.]+/.exec(code)?.[0];
  if (unread) return `it answers with a status fks cannot read: ${unread.replace(/\s+/g, "")}`;
  if (/raise\s+[\w.]*HTTPException\(\s*(?!\d|status_code\s*=\s*\d|status\.)/.test(code)) return "it raises an HTTPException whose status fks cannot read";
  if (/\bRedirectResponse\(|\bredirect\(|redirect_to_login/.test(code)) return "it may redirect requests";
  return undefined;
}

/**
 * Whether every refusal in the code is reachable only when the request carries a credential (a
 * cookie or header it read): inside `if token:` / `if token is not None and ...`, or in an
 * `except` whose `try` does nothing else but call the next handler. Probes carry no credentials.
 * A refusal is a 401/403/429 or an unreadable status, a redirect, a raised exception, or any
 * return other than the next handler's answer or a variable (a helper may build the refusal).
 */
function refusalsGated(code: string, by: "credential" | "unsafe"): boolean {
  // One logical line per statement: brackets spanning lines are joined.
  let depth = 0;
  let joined = "";
  for (const ch of code) {
    if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth = Math.max(0, depth - 1);
    joined += ch === "\n" && depth > 0 ? " " : ch;
  }
  const lines = joined.split("\n").map((t) => ({ indent: /^\s*/.exec(t)![0].length, text: t.trim() })).filter((l) => l.text);
  const enclosing = (i: number): number[] => {
    const out: number[] = [];
    let limit = lines[i]!.indent;
    for (let j = i - 1; j >= 0 && limit > 0; j--) {
      if (lines[j]!.indent >= limit) continue;
      limit = lines[j]!.indent;
      if (lines[j]!.text.endsWith(":")) out.push(j);
    }
    return out;
  };
  // The gate: a credential the request carries, or a request method that is not GET.
  const source = (expr: string) => (by === "credential" ? /\brequest\.(cookies|headers|META)\b|\bscope\[["']headers["']\]/.test(expr) : unsafeTest(expr, code));
  const creds = new Set<string>();
  for (const l of lines) {
    const m = /^(\w+)\s*(?::[^=]*)?=\s*(.*)$/.exec(l.text);
    if (m && source(m[2]!)) creds.add(m[1]!);
  }
  const present = (cond: string) =>
    !/\bor\b/.test(cond) && cond.trim().replace(/^\((.*)\)$/s, "$1").split(/\s+and\s+/).some((c) => {
      if (by === "unsafe" && unsafeTest(c, code)) return true;
      const name = /^(?:\(\s*)?(\w+)(?:\s+is\s+not\s+None|\s*:=.*|(?:\.\w+\([^()]*\))*\.startswith\(.*)?$/.exec(c.trim())?.[1];
      return !!name && creds.has(name);
    });
  const gated = (i: number) => enclosing(i).some((j) => {
    const m = /^(?:el)?if\s+(.*):$/.exec(lines[j]!.text);
    return !!m && present(m[1]!);
  });
  // Variables set only under a credential (else None or empty) count as credentials too: `if new_token is not None:`.
  for (let grew = true; grew; ) {
    grew = false;
    const assigned = new Map<string, boolean>();
    lines.forEach((l, i) => {
      const m = /^(\w+)\s*(?::[^=]*)?=(?!=)\s*(.*)$/.exec(l.text);
      if (m && !creds.has(m[1]!)) assigned.set(m[1]!, (assigned.get(m[1]!) ?? true) && (/^(None|""|'')$/.test(m[2]!) || gated(i)));
    });
    for (const [name, ok] of assigned) if (ok) grew = !creds.has(name) && !!creds.add(name);
  }
  // A handler is reached only from its try block: one that, outside credential branches, only passes the request on.
  const handlerGated = (j: number): boolean => {
    const t = lines.findLastIndex((l, k) => k < j && l.indent === lines[j]!.indent && l.text === "try:");
    if (t < 0) return false;
    for (let k = t + 1; k < j && lines[k]!.indent > lines[t]!.indent; k++) {
      const l = lines[k]!;
      if (gated(k) || /^(?:el)?if\s/.test(l.text) && gated(k + 1)) continue;
      if (/^(?:\w+\s*(?::[^=]*)?=\s*|return\s+)?(?:await\s+)?(?:call_next|self\.get_response|get_response|self\.app)\([^()]*\)$/.test(l.text)) continue;
      if (/^(\w+\s*=\s*(None|""|''|\w+)|return\s+\w+|pass)$/.test(l.text)) continue;
      return false;
    }
    return true;
  };
  // What the request handler itself returns (not a helper method of the class) must be the next handler's answer.
  const entry = (i: number) => {
    const def = enclosing(i).find((j) => /^(?:async\s+)?def\s/.test(lines[j]!.text));
    return def !== undefined && /^(?:async\s+)?def\s+(?:dispatch|__call__|process_request|process_view)\b|\bcall_next\b/.test(lines[def]!.text);
  };
  const refusal = (t: string, i: number) =>
    !!kindOfCode(t) || !!maybeOf(t) || /^raise\s+\w/.test(t) ||
    (/^return\s/.test(t) && entry(i) && !/^return\s+(?:(?:await\s+)?(?:call_next|self\.get_response|get_response|self\.app)\([^()]*\)|\w+)$/.test(t));
  return lines.every((l, i) => {
    if (!refusal(l.text, i)) return true;
    return gated(i) || enclosing(i).some((j) => /^except\b/.test(lines[j]!.text) && handlerGated(j));
  });
}

/**
 * A refusal the code answers (not one it merely compares or logs): `status_code=401`,
 * `HTTPException(403)`, `PlainTextResponse("no", 401)`, `raise PermissionDenied`.
 */
function kindOfCode(code: string): PyVerdict["kind"] {
  const answer = (codes: string, names: string, raised: string) =>
    new RegExp(`(?:\\bstatus(?:_code)?\\s*=\\s*|["']status["']\\s*:\\s*|\\b(?:HTTPException|abort)\\(\\s*|\\w*Response\\([^()\\n]*,\\s*)(?:${codes})\\b|\\b(?:${names})\\b|\\braise\\s+[\\w.]*(?:${raised})\\b`).test(code);
  if (answer("429", "HTTP_429_TOO_MANY_REQUESTS|HTTPStatus\\.TOO_MANY_REQUESTS", "Throttled|Ratelimited|RateLimitExceeded")) return "rate";
  if (answer("40[13]", "HTTP_401_UNAUTHORIZED|HTTP_403_FORBIDDEN|HTTPStatus\\.(?:UNAUTHORIZED|FORBIDDEN)|HttpResponseForbidden", "PermissionDenied|NotAuthenticated|AuthenticationFailed|Unauthorized|Forbidden")) return "auth";
  return undefined;
}

/**
 * Whether every request-method test in the code limits it to unsafe methods: `method in {"POST", ...}`,
 * `method not in ("GET", "HEAD", ...)`, `method in SAFE_METHODS: return ...` (a pass-through).
 */
function unsafeOnly(code: string): boolean {
  const tests = [...code.matchAll(/\bmethod\b[\w.()[\]"']*\s*(==|!=|not\s+in|in)\s*(\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|frozenset\([^)]*\)|["'][A-Za-z]+["']|[A-Za-z_]\w*)/g)];
  if (!tests.length) return false;
  return tests.every((m) => {
    const negative = m[1] !== "==" && m[1] !== "in";
    const methods = methodsOf(m[2]!, code);
    if (!methods) return false;
    const hasGet = methods.includes("GET");
    if (!negative && !hasGet && methods.every((x) => UNSAFE_METHOD.test(x))) return true; // acts on POST..DELETE only
    if (negative && hasGet) return true; // acts on everything but the safe methods
    // `if request.method in SAFE_METHODS: return await call_next(request)` lets GET through first
    // (the method test must be the whole condition).
    const before = code.slice(Math.max(0, m.index! - 80), m.index!);
    const after = code.slice(m.index! + m[0].length, m.index! + m[0].length + 200);
    return !negative && hasGet && /\bif\s+[\w.[\]"']*$/.test(before) && /^\s*:\s*(?:\n\s*)?return\s+(?:await\s+)?(?:call_next|self\.get_response|self\.app|get_response|None\b)/.test(after);
  });
}

/** `if request.method in SAFE_METHODS: return await call_next(request)` as the method test's whole condition. */
const SAFE_FIRST = /\bif\s+[\w.[\]"']*\bmethod\b[\w.()[\]"']*\s+in\s+(?:\w*SAFE\w*|[[({][^\])}]*["']GET["'][^\])}]*[\])}])\s*:\s*(?:\n\s*)?return\s+(?:await\s+)?(?:call_next|self\.get_response|self\.app|get_response|None\b)/;

/** Whether an expression is a request-method test true only for unsafe methods (`method in {"POST", ...}`, `method not in SAFE_METHODS`). */
function unsafeTest(expr: string, code: string): boolean {
  const m = /^\(?\s*[\w.[\]"']*\bmethod\b[\w.()[\]"']*\s*(==|!=|not\s+in|in)\s*(\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|frozenset\([^)]*\)|["'][A-Za-z]+["']|[A-Za-z_]\w*)\s*\)?$/.exec(expr.trim());
  const methods = m && methodsOf(m[2]!, code);
  if (!methods) return false;
  const negative = m![1] !== "==" && m![1] !== "in";
  return negative ? methods.includes("GET") : methods.every((x) => UNSAFE_METHOD.test(x));
}

/** The upper-case method names of a collection, a literal, or a constant defined in the code; undefined when unknown. */
function methodsOf(operand: string, code: string): string[] | undefined {
  let text = operand;
  if (/^[A-Za-z_]\w*$/.test(operand) && operand !== "frozenset") {
    const def = new RegExp(`^\\s*${operand}\\s*(?::[^=\\n]*)?=\\s*(\\{[^}]*\\}|\\[[^\\]]*\\]|\\([^)]*\\)|frozenset\\([^)]*\\))`, "m").exec(code);
    if (def) text = def[1]!;
    else if (/UNSAFE/i.test(operand)) return ["POST", "PUT", "PATCH", "DELETE"];
    else if (/SAFE/i.test(operand)) return ["GET", "HEAD", "OPTIONS", "TRACE"];
    else return undefined;
  }
  const names = [...text.matchAll(/["']([A-Za-z]+)["']/g)].map((x) => x[1]!.toUpperCase());
  return names.length ? names : undefined;
}
