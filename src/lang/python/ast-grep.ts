import type { SgNode, SgRoot } from "@ast-grep/napi";

export type { SgNode, SgRoot };
export type SgLang = "python" | "rust";

type ParseFn = (lang: SgLang, src: string) => SgRoot;
let parseFn: ParseFn | undefined;
let parseAsyncFn: ((lang: SgLang, src: string) => Promise<SgRoot>) | undefined;

/**
 * Loads @ast-grep/napi with the Python and Rust grammars on first use, so that commands
 * which never parse code do not pay for the native module. Shared by src/lang/rust.
 */
export async function astGrep(): Promise<ParseFn> {
  if (parseFn) return parseFn;
  const napi = await import("@ast-grep/napi");
  const { default: python } = await import("@ast-grep/lang-python");
  const { default: rust } = await import("@ast-grep/lang-rust");
  napi.registerDynamicLanguage({ python, rust } as unknown as Parameters<typeof napi.registerDynamicLanguage>[0]);
  parseFn = (lang, src) => napi.parse(lang as never, src);
  parseAsyncFn = (lang, src) => napi.parseAsync(lang as never, src);
  return parseFn;
}

/**
 * Parses many sources on libuv's thread pool, so that both cores parse at once; the trees
 * come back in the order of `sources`.
 */
export async function parseMany(lang: SgLang, sources: string[]): Promise<SgRoot[]> {
  await astGrep();
  return Promise.all(sources.map((s) => parseAsyncFn!(lang, s)));
}

/** tree-sitter's built-in error symbol: the same id in every grammar. */
const ERROR_KIND = 65535;

/** First syntax error of a tree as a 1-based line, or undefined when the file parsed cleanly. */
export function firstSyntaxError(root: SgNode): { line: number; text: string; missing?: true } | undefined {
  // A kind id skips compiling a rule for every file; most files have no error at all.
  if (!root.find(ERROR_KIND)) return missingToken(root);
  // An outer ERROR can swallow the whole file; the innermost one points at the real spot. Error
  // nodes nest or are disjoint, so in (start, longest first) order a node is innermost exactly when
  // the next one is not inside it: one sort, not a comparison of every pair (a fuzzed file has thousands).
  const spans = root.findAll(ERROR_KIND).map((n) => {
    const r = n.range();
    return { n, start: r.start.index, end: r.end.index, line: r.start.line };
  });
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const err = spans.find((a, i) => {
    const next = spans[i + 1];
    return !next || next.start > a.end || next.end > a.end;
  }) ?? spans[0]!;
  return { line: err.line + 1, text: err.n.text().split("\n")[0]!.slice(0, 60) };
}

/**
 * A token tree-sitter inserted to recover (a truncated `x = A` missing its `;`, `def f(:` its `)`):
 * such a file has no ERROR node, only a zero-width leaf. Empty text finds it in one native pass.
 */
export function missingToken(root: SgNode, skip?: (n: SgNode) => boolean): { line: number; text: string; missing: true } | undefined {
  const hit = root.findAll({ rule: { regex: "^$" } }).find((n) => n.isLeaf() && n.id() !== root.id() && !skip?.(n));
  return hit ? { line: hit.range().start.line + 1, text: String(hit.kind()), missing: true } : undefined;
}

/** The one-line message for a syntax error `firstSyntaxError` or `rustSyntaxError` found. */
export function syntaxErrorMessage(err: { text: string; missing?: true }): string {
  return err.missing ? `syntax error: "${err.text}" missing (a truncated file?); routes after it may be missing` : `syntax error near "${err.text}"; routes after it may be missing`;
}
