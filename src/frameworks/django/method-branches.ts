import type { SgNode } from "../../lang/python/ast-grep.js";

/**
 * Methods a Django function view serves when its own body refuses the others: an early
 * `if request.method != "POST": return HttpResponseNotAllowed(...)`, or `if`/`elif` branches on
 * `request.method` that each return, followed by a refusal. A view whose fall-through answers
 * normally serves every method, so undefined is returned and the route stays ANY.
 */
export function branchMethods(fn: SgNode): string[] | undefined {
  const params = fn.field("parameters")?.children().filter((c) => c.kind() === "identifier" || c.kind() === "typed_parameter") ?? [];
  const request = params[0]?.kind() === "typed_parameter" ? params[0].children().find((c) => c.kind() === "identifier")?.text() : params[0]?.text();
  if (!request) return undefined;
  const body = fn.field("body")?.children().filter((c) => c.kind() !== "comment") ?? [];
  for (let i = 0; i < body.length; i++) {
    const st = body[i]!;
    if (st.kind() !== "if_statement") continue;
    const first = methodTest(st.field("condition"), request);
    if (!first) continue;
    // if request.method != "POST": <refuse>
    if (first.negated) return refuses(block(st.field("consequence"))) ? first.methods : undefined;
    // if request.method == "GET": ... elif request.method == "POST": ... else/after: <refuse>
    const served = new Set<string>();
    let rest: SgNode[] | undefined = body.slice(i + 1);
    const clauses: Array<{ cond?: SgNode; body: SgNode[] }> = [{ cond: st.field("condition") ?? undefined, body: block(st.field("consequence")) }];
    for (const alt of st.children().filter((c) => c.kind() === "elif_clause" || c.kind() === "else_clause")) {
      if (alt.kind() === "else_clause") rest = block(alt.field("body"));
      else clauses.push({ cond: alt.field("condition") ?? undefined, body: block(alt.field("consequence")) });
    }
    for (const c of clauses) {
      const t = methodTest(c.cond, request);
      if (!t || t.negated || !returns(c.body)) return undefined;
      t.methods.forEach((m) => served.add(m));
    }
    return refuses(rest) ? [...served] : undefined;
  }
  return undefined;
}

/** `request.method == "X"`, `in ("X", "Y")`, and their negations; HEAD rides along with GET. */
function methodTest(cond: SgNode | null | undefined, request: string): { methods: string[]; negated: boolean } | undefined {
  if (cond?.kind() === "parenthesized_expression") return methodTest(cond.children().find((c) => c.isNamed()), request);
  if (cond?.kind() !== "comparison_operator") return undefined;
  const kids = cond.children();
  const [left, right] = kids.filter((c) => c.isNamed());
  const op = kids.filter((c) => !c.isNamed()).map((c) => c.text()).join(" ");
  if (!left || !right || left.text().replace(/\s/g, "") !== `${request}.method`) return undefined;
  const strings = (right.kind() === "string" ? [right] : right.children().filter((c) => c.kind() === "string")).map((s) => s.text().replace(/^[rbuRBU]*["']|["']$/g, "").toUpperCase());
  if (!strings.length) return undefined;
  const methods = strings.filter((m) => m !== "HEAD" && m !== "OPTIONS");
  if (op === "==" || op === "in") return { methods, negated: false };
  if (op === "!=" || op === "not in") return { methods, negated: true };
  return undefined;
}

function block(n: SgNode | null | undefined): SgNode[] {
  return n?.children().filter((c) => c.kind() !== "comment") ?? [];
}

function returns(stmts: SgNode[]): boolean {
  const last = stmts[stmts.length - 1];
  return last?.kind() === "return_statement" || last?.kind() === "raise_statement";
}

/** A block that answers 405: HttpResponseNotAllowed, status=405, or raising a not-allowed error. */
function refuses(stmts: SgNode[] | undefined): boolean {
  const first = stmts?.find((s) => s.kind() === "return_statement" || s.kind() === "raise_statement");
  return !!first && /NotAllowed|METHOD_NOT_ALLOWED|\b405\b/.test(first.text());
}
