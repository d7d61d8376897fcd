import path from "node:path";
import { missingToken, type SgNode } from "../python/ast-grep.js";

export interface RustFn {
  name: string;
  /** crate-relative module path, e.g. ["api", "orders"]. */
  module: string[];
  node: SgNode;
  file: string;
  returnsRouter: boolean;
}

export interface RustIndex {
  fns: RustFn[];
  consts: Map<string, { node: SgNode; module: string[]; file: string }>;
}

/** Module path of a file inside a crate's src/ folder (main.rs, lib.rs and mod.rs name their folder). */
export function modulePathOf(file: string): string[] {
  const parts = file.split(path.sep);
  const src = parts.lastIndexOf("src");
  const rel = src >= 0 ? parts.slice(src + 1) : [path.basename(file)];
  const last = rel.pop()!.replace(/\.rs$/, "");
  if (!(rel.length === 0 && (last === "main" || last === "lib")) && last !== "mod") rel.push(last);
  return rel;
}

/** Functions (free, in inline modules and in impl blocks) and string constants of one file. */
export function indexFile(root: SgNode, file: string, into: RustIndex): void {
  const visit = (node: SgNode, module: string[]) => {
    for (const c of node.children()) {
      const k = c.kind();
      if ((k === "function_item" || k === "mod_item") && isTestOnly(c)) continue;
      if (k === "function_item") {
        const name = c.field("name")?.text();
        if (name) into.fns.push({ name, module, node: c, file, returnsRouter: /Router\b/.test(c.field("return_type")?.text() ?? "") });
      } else if (k === "mod_item") {
        const body = c.field("body");
        const name = c.field("name")?.text();
        if (body && name) visit(body, [...module, name]);
      } else if (k === "impl_item") {
        const body = c.field("body");
        if (body) visit(body, module);
      } else if (k === "const_item" || k === "static_item") {
        const name = c.field("name")?.text();
        const value = c.field("value");
        if (name && value) into.consts.set([...module, name].join("::"), { node: value, module, file });
      }
    }
  };
  visit(root, modulePathOf(file));
}

/** `#[cfg(test)] mod tests` and `#[test]` / `#[tokio::test]` functions: compiled only into the test binary. */
const TEST_ATTR = /^#\[\s*(cfg\s*\(\s*test\s*\)|([\w:]+::)?test\b|rstest\b)/;

function isTestOnly(item: SgNode): boolean {
  for (let prev = item.prev(); prev && (prev.kind() === "attribute_item" || String(prev.kind()).endsWith("comment")); prev = prev.prev()) {
    if (prev.kind() === "attribute_item" && TEST_ATTR.test(prev.text())) return true;
  }
  return false;
}

/** Resolves `orders::router`, `crate::api::routes`, `super::x` or a bare name as seen from a module. */
export function resolveFn(index: RustIndex, pathText: string, from: string[], crateDir: string): RustFn | undefined {
  const segs = pathText.split("::").filter(Boolean);
  const name = segs.pop()!;
  let mod: string[];
  if (segs[0] === "crate") mod = segs.slice(1);
  else if (segs[0] === "self") mod = [...from, ...segs.slice(1)];
  else if (segs[0] === "super") {
    let up = [...from];
    while (segs[0] === "super") {
      up = up.slice(0, -1);
      segs.shift();
    }
    mod = [...up, ...segs];
  } else mod = [...from, ...segs];
  const inCrate = index.fns.filter((f) => f.name === name && f.file.startsWith(crateDir));
  const exact = inCrate.find((f) => f.module.join("::") === mod.join("::")) ?? inCrate.find((f) => f.module.join("::") === segs.join("::"));
  if (exact) return exact;
  // `use` imports are not followed: fall back to the one function of that name whose module ends like the path.
  const tailMatch = inCrate.filter((f) => segs.every((s, i) => f.module[f.module.length - segs.length + i] === s));
  if (tailMatch.length === 1) return tailMatch[0];
  // A bare name may be imported from anywhere in the crate; a qualified one whose module is not
  // in the crate (`feeds::config` from another crate) is not some other module's `config`.
  return segs.length === 0 && inCrate.length === 1 ? inCrate[0] : undefined;
}

/** Short name of a handler argument: the path as written, "closure" for an inline closure, long text cut. */
export function handlerName(node: SgNode | undefined): string {
  if (!node) return "?";
  if (node.kind() === "closure_expression" || node.kind() === "async_block") return "closure";
  const t = node.text().replace(/\s+/g, " ");
  return t.length > 60 ? t.slice(0, 57) + "..." : t;
}

/**
 * First syntax error of a Rust tree that can cost routes, as a 1-based line. The grammar lags
 * the language in two places that never hold routes: `macro_rules!` patterns (`$x:pat_param`)
 * and Rust 2024 async closures (`async move |x| …`); errors there are not reported.
 */
export function rustSyntaxError(root: SgNode): { line: number; text: string; missing?: true } | undefined {
  const ERROR = 65535;
  const inMacro = (n: SgNode) => {
    for (let p = n.parent(); p; p = p.parent()) if (p.kind() === "macro_definition") return true;
    return false;
  };
  if (!root.find(ERROR)) return missingToken(root, inMacro);
  const real = root.findAll(ERROR).filter((e) => {
    if (/^async(\s+move)?$/.test(e.text().trim()) && e.next()?.kind() === "closure_expression") return false;
    return !inMacro(e);
  });
  const first = real.sort((a, b) => a.range().start.index - b.range().start.index)[0];
  return first ? { line: first.range().start.line + 1, text: first.text().split("\n")[0]!.slice(0, 60) } : undefined;
}
