import type { SgNode } from "../../lang/python/ast-grep.js";
import { asParam, concat, lit, unresolved, type EnvLookup, type Resolved } from "./target.js";
import type { TargetSource } from "./types.js";

/** What target resolution may read: the service's files (parsed on demand) and its deployed environment. */
export interface PyResolveCtx {
  files: string[];
  read: (f: string) => string;
  tree: (f: string) => SgNode;
  env: EnvLookup;
  rel: (f: string) => string;
}

const MAX_DEPTH = 12;
const URLISH = /url|uri|host|base|endpoint|addr|domain|server|service|api/i;
const SETTINGSISH = /settings|config|conf\b|cfg|options|env\b|SETTINGS/i;
const ENV_GET = /^(os\.getenv|os\.environ\.get|getenv|environ\.get|os\.environ\.setdefault)$/;

const lineOf = (n: SgNode) => n.range().start.line + 1;
const strip = (s: string) => s.replace(/^[rbuRBU]*['"]{1,3}|['"]{1,3}$/g, "");

/** The literal value of a plain (non-f) string node, or undefined. */
export function stringValue(n: SgNode | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.kind() === "concatenated_string") {
    const parts = n.children().map(stringValue);
    return parts.every((p) => p !== undefined) ? parts.join("") : undefined;
  }
  if (n.kind() !== "string" || n.children().some((c) => c.kind() === "interpolation")) return undefined;
  return n.children().filter((c) => c.kind() === "string_content" || c.kind() === "escape_sequence").map((c) => c.text()).join("") || strip(n.text());
}

export class PyResolver {
  /** Files whose text matches a lookup's pattern, by pattern: one scan of the service per name. */
  private hits = new Map<string, string[]>();
  /** Assignments of each function, by name, with their position: one search per function. */
  private locals = new Map<number, Map<string, Array<{ node: SgNode; end: number }>>>();
  /** Module constants already resolved, by file and name (never mutated: concat copies). */
  private constants = new Map<string, Resolved | null>();

  constructor(private ctx: PyResolveCtx) {}

  /** Resolve an expression at `file` into URL parts, following names, settings and environment variables. */
  /** Resolve with the functions enclosing the call already known (innermost first): saves walking up from every name. */
  resolveAt(n: SgNode, file: string, scopes: SgNode[]): Resolved {
    this.scopes = scopes;
    try {
      return this.resolve(n, file);
    } finally {
      this.scopes = undefined;
    }
  }

  private scopes: SgNode[] | undefined;

  resolve(n: SgNode, file: string, depth = 0): Resolved {
    if (depth > MAX_DEPTH) return unresolved(`too many indirections: ${n.text()}`);
    const k = n.kind();
    if (k === "string" || k === "concatenated_string") return this.str(n, file, depth);
    if (k === "parenthesized_expression") return this.resolve(n.child(1) ?? n, file, depth + 1);
    if (k === "binary_operator") return this.binary(n, file, depth);
    if (k === "boolean_operator") {
      const left = this.resolve(n.field("left")!, file, depth + 1);
      return "unresolved" in left ? this.resolve(n.field("right")!, file, depth + 1) : left;
    }
    if (k === "conditional_expression") return this.resolve(n.child(0)!, file, depth + 1);
    if (k === "call") return this.call(n, file, depth);
    if (k === "subscript") {
      const env = /^(os\.)?environ$/.test(n.field("value")?.text() ?? "") ? stringValue(n.field("subscript")) : undefined;
      return env ? this.envVar(env, undefined, file, depth, n) : asParam(n.text());
    }
    if (k === "identifier") return this.name(n.text(), n, file, depth);
    if (k === "attribute") return this.attribute(n, file, depth);
    if (k === "await") return this.resolve(n.child(1) ?? n, file, depth + 1);
    return asParam(n.text());
  }

  private str(n: SgNode, file: string, depth: number): Resolved {
    if (n.kind() === "concatenated_string") return concat(n.children().map((c) => this.str(c, file, depth)));
    const out: Resolved[] = [];
    const isF = /^[a-zA-Z]*[fF]/.test(n.child(0)?.text() ?? "");
    for (const c of n.children()) {
      if (c.kind() === "string_content" || c.kind() === "escape_sequence") out.push(lit(isF ? c.text().replace(/\{\{/g, "{").replace(/\}\}/g, "}") : c.text()));
      else if (c.kind() === "interpolation") {
        const e = c.field("expression") ?? c.child(1);
        out.push(e ? this.resolve(e, file, depth + 1) : asParam("value"));
      }
    }
    return out.length ? concat(out) : lit("");
  }

  private binary(n: SgNode, file: string, depth: number): Resolved {
    const op = n.field("operator")?.text() ?? n.child(1)?.text();
    const left = n.field("left")!;
    const right = n.field("right")!;
    if (op === "+") return concat([this.resolve(left, file, depth + 1), this.resolve(right, file, depth + 1)]);
    if (op === "%") {
      const fmt = stringValue(left);
      if (fmt === undefined) return unresolved(`format string is not a literal: ${left.text()}`);
      const args = right.kind() === "tuple" ? right.children().filter((c) => c.isNamed()) : [right];
      return this.format(fmt, /%[-#0 +\d.]*[sdifr]/g, args, file, depth);
    }
    return asParam(n.text());
  }

  /** Replace each placeholder of a format string with the next argument's value. */
  private format(fmt: string, re: RegExp, args: SgNode[], file: string, depth: number, named?: Map<string, SgNode>): Resolved {
    const out: Resolved[] = [];
    let last = 0;
    let i = 0;
    for (const m of fmt.matchAll(re)) {
      out.push(lit(fmt.slice(last, m.index)));
      const key = m[1];
      const arg = key && !/^\d+$/.test(key) ? named?.get(key) : args[key ? Number(key) : i++];
      out.push(arg ? this.resolve(arg, file, depth + 1) : asParam(key || "value"));
      last = m.index! + m[0].length;
    }
    out.push(lit(fmt.slice(last)));
    return concat(out);
  }

  private call(n: SgNode, file: string, depth: number): Resolved {
    const fn = n.field("function")!;
    const ftext = fn.text().replace(/\s+/g, "");
    const args = (n.field("arguments")?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== "comment");
    const pos = args.filter((a) => a.kind() !== "keyword_argument");
    const kw = new Map(args.filter((a) => a.kind() === "keyword_argument").map((a) => [a.field("name")!.text(), a.field("value")!]));
    if (ENV_GET.test(ftext)) {
      const name = stringValue(pos[0]);
      return name ? this.envVar(name, pos[1] ?? kw.get("default"), file, depth, n) : unresolved(`environment variable name is not a literal: ${n.text()}`);
    }
    if (fn.kind() === "attribute") {
      const obj = fn.field("object")!;
      const attr = fn.field("attribute")!.text();
      if (attr === "format") {
        const fmt = stringValue(obj);
        if (fmt !== undefined) return this.format(fmt, /\{(\w*)(?:[:!][^}]*)?\}/g, pos, file, depth, kw);
      }
      if (/^(rstrip|strip|lstrip|removesuffix|removeprefix|lower|upper)$/.test(attr)) {
        const inner = this.resolve(obj, file, depth + 1);
        if ("parts" in inner && /strip|removesuffix/.test(attr)) {
          const lastPart = inner.parts.at(-1);
          if (lastPart && "s" in lastPart) return { parts: [...inner.parts.slice(0, -1), { s: lastPart.s.replace(/\/+$/, "") }], sources: inner.sources };
        }
        return inner;
      }
      if (/^(join|urljoin)$/.test(attr) && pos.length === 2) return this.join(pos[0]!, pos[1]!, file, depth);
    }
    if (/^(str|httpx\.URL|URL|yarl\.URL)$/.test(ftext) && pos[0]) return this.resolve(pos[0], file, depth + 1);
    if (/(^|\.)urljoin$/.test(ftext) && pos.length === 2) return this.join(pos[0]!, pos[1]!, file, depth);
    // A small helper returning the URL: `def data_url(): return os.getenv(...)`.
    const name = ftext.split(".").pop()!;
    const ret = /^[A-Za-z_]\w*$/.test(name) ? this.findReturn(name, file) : undefined;
    if (ret) return this.resolve(ret.node, ret.file, depth + 1);
    return unresolved(`the value of a call: ${n.text().slice(0, 80)}`);
  }

  private join(a: SgNode, b: SgNode, file: string, depth: number): Resolved {
    const base = this.resolve(a, file, depth + 1);
    const tail = this.resolve(b, file, depth + 1);
    if ("unresolved" in base) return base;
    if ("parts" in tail && tail.parts[0] && "s" in tail.parts[0] && tail.parts[0].s.startsWith("/")) {
      const first = base.parts[0];
      const origin = first && "s" in first ? /^https?:\/\/[^/]+/.exec(first.s)?.[0] : undefined;
      if (origin) return concat([lit(origin, base.sources), tail]);
    }
    return concat([base, lit("/"), tail]);
  }

  private envVar(name: string, dflt: SgNode | undefined, file: string, depth: number, at: SgNode): Resolved {
    const v = this.ctx.env(name);
    if (v) return lit(v.value, [v.source]);
    if (dflt) {
      const d = this.resolve(dflt, file, depth + 1);
      return { ...d, sources: [{ kind: "env-default", detail: `$${name} not set in compose, Kubernetes or .env: the code's default`, file: this.ctx.rel(file), line: lineOf(at) }, ...d.sources] } as Resolved;
    }
    return unresolved(`$${name} is set nowhere fks reads (compose, Kubernetes, .env) and has no default`, [{ kind: "env", detail: name, file: this.ctx.rel(file), line: lineOf(at) }]);
  }

  /** A bare name: a local assignment before this line, a parameter, a module constant here or in another module. */
  private name(name: string, at: SgNode, file: string, depth: number): Resolved {
    const line = lineOf(at);
    const start = at.range().start.index;
    const inside = (sc: SgNode) => sc.range().start.index <= start && sc.range().end.index >= start;
    const scopes = this.scopes?.length && inside(this.scopes[0]!) ? this.scopes.filter(inside) : at.ancestors().filter((a) => a.kind() === "function_definition");
    for (const scope of scopes) {
      const last = this.localsOf(scope).get(name)?.filter((a) => a.end < start || lineOf(a.node) < line).at(-1)?.node;
      if (last?.field("right")) return this.resolve(last.field("right")!, file, depth + 1);
      const params = scope.field("parameters");
      const param = params?.children().find((p) => p.text() === name || p.field("name")?.text() === name || p.child(0)?.text() === name);
      if (param) return asParam(name);
    }
    const key = `${file}\0${name}`;
    let cached = this.constants.get(key);
    if (cached === undefined) {
      const found = this.moduleConstant(name, file);
      cached = found ? this.withSource(this.resolve(found.node, found.file, depth + 1), found, "constant", name) : null;
      this.constants.set(key, cached);
    }
    return cached ?? asParam(name);
  }

  /** `settings.data_url`, `self.base_url`, `config.DATA_URL`: followed by the attribute's name. */
  private attribute(n: SgNode, file: string, depth: number): Resolved {
    const attr = n.field("attribute")!.text();
    const obj = n.field("object")!;
    if (obj.text() === "self") {
      const cls = n.ancestors().find((a) => a.kind() === "class_definition");
      const assign = cls?.find({ rule: { kind: "assignment", has: { field: "left", regex: `^self\\.${attr}$` } } });
      if (assign?.field("right")) return this.resolve(assign.field("right")!, file, depth + 1);
    }
    // Only settings-like objects or URL-like names are looked up by name elsewhere: `request.id` is a runtime value.
    if (!URLISH.test(attr) && !SETTINGSISH.test(obj.text())) return asParam(n.text());
    const field = this.settingsField(attr);
    if (field) return field.resolved(depth);
    const kwarg = this.keywordArgument(attr, file);
    if (kwarg) return this.withSource(this.resolve(kwarg.node, kwarg.file, depth + 1), kwarg, "settings", attr);
    const constant = this.moduleConstant(attr, file);
    if (constant) return this.withSource(this.resolve(constant.node, constant.file, depth + 1), constant, "settings", attr);
    return asParam(n.text());
  }

  private withSource(r: Resolved, at: { file: string; node: SgNode }, kind: TargetSource["kind"], name: string): Resolved {
    return { ...r, sources: [{ kind, detail: name, file: this.ctx.rel(at.file), line: lineOf(at.node) }, ...r.sources] } as Resolved;
  }

  /** `name = …` assignments directly in this function (not in functions nested in it). */
  private localsOf(scope: SgNode): Map<string, Array<{ node: SgNode; end: number }>> {
    let m = this.locals.get(scope.id());
    if (m) return m;
    m = new Map();
    for (const a of scope.findAll({ rule: { kind: "assignment", has: { field: "left", kind: "identifier" } } })) {
      if (a.ancestors().find((x) => x.kind() === "function_definition")?.id() !== scope.id()) continue;
      const n = a.field("left")!.text();
      m.set(n, [...(m.get(n) ?? []), { node: a, end: a.range().end.index }]);
    }
    this.locals.set(scope.id(), m);
    return m;
  }

  private candidates(re: RegExp, first: string): string[] {
    let hits = this.hits.get(re.source);
    if (!hits) this.hits.set(re.source, (hits = this.ctx.files.filter((f) => re.test(this.ctx.read(f)))));
    return hits.includes(first) ? [first, ...hits.filter((f) => f !== first)] : hits;
  }

  /** `NAME = expr` at the top of a module (this file first). */
  private moduleConstant(name: string, file: string): { file: string; node: SgNode } | undefined {
    for (const f of this.candidates(new RegExp(`^${name}\\s*(:[^=\\n]*)?=[^=]`, "m"), file)) {
      for (const st of this.ctx.tree(f).children()) {
        const a = st.kind() === "expression_statement" ? st.child(0) : undefined;
        if (a?.kind() === "assignment" && a.field("left")?.text() === name && a.field("right")) return { file: f, node: a.field("right")! };
      }
    }
    return undefined;
  }

  /** `Settings(data_url=os.environ.get(...))`: the value a settings object is built with. */
  private keywordArgument(name: string, file: string): { file: string; node: SgNode } | undefined {
    for (const f of this.candidates(new RegExp(`\\b${name}\\s*=[^=]`), file)) {
      const kw = this.ctx.tree(f).find({ rule: { kind: "keyword_argument", has: { field: "name", regex: `^${name}$` } } });
      if (kw?.field("value")) return { file: f, node: kw.field("value")! };
    }
    return undefined;
  }

  /** A field of a settings class: pydantic BaseSettings reads `$FIELD` (with env_prefix), else its default. */
  private settingsField(name: string): { resolved: (depth: number) => Resolved } | undefined {
    for (const f of this.candidates(new RegExp(`^\\s+${name}\\s*:[^\\n=]*=`, "m"), this.ctx.files[0] ?? "")) {
      for (const cls of this.ctx.tree(f).findAll({ rule: { kind: "class_definition" } })) {
        const body = cls.field("body");
        const field = body?.children().map((s) => s.child(0)).find((a) => a?.kind() === "assignment" && a.field("left")?.text() === name && a.field("right"));
        if (!field) continue;
        const bases = cls.field("superclasses")?.text() ?? "";
        let dflt = field.field("right")!;
        if (dflt.kind() === "call" && /(^|\.)Field$/.test(dflt.field("function")!.text())) {
          const a = dflt.field("arguments")!.children().filter((c) => c.isNamed());
          dflt = a.find((c) => c.kind() !== "keyword_argument") ?? a.find((c) => c.field("name")?.text() === "default")?.field("value") ?? dflt;
        }
        const src = { file: f, node: field };
        if (/BaseSettings/.test(bases)) {
          const prefix = /env_prefix\s*=\s*["']([^"']*)["']/.exec(cls.text())?.[1] ?? "";
          const envName = (prefix + name).toUpperCase();
          return { resolved: (d) => this.withSource(this.envVar(envName, dflt, f, d + 1, field), src, "settings", `${cls.field("name")!.text()}.${name}`) };
        }
        return { resolved: (d) => this.withSource(this.resolve(dflt, f, d + 1), src, "settings", `${cls.field("name")!.text()}.${name}`) };
      }
    }
    return undefined;
  }

  private findReturn(name: string, file: string): { file: string; node: SgNode } | undefined {
    for (const f of this.candidates(new RegExp(`def\\s+${name}\\s*\\(`), file)) {
      const def = this.ctx.tree(f).find({ rule: { kind: "function_definition", has: { field: "name", regex: `^${name}$` } } });
      const rets = def?.findAll({ rule: { kind: "return_statement" } }) ?? [];
      const value = rets.length === 1 ? rets[0]!.child(1) : undefined;
      if (value) return { file: f, node: value };
    }
    return undefined;
  }
}
