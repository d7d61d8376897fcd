import type { SgNode } from "@ast-grep/napi";
import { ready } from "../../src/features/split/python-treesitter.js";

/** The facts the Rust scanner reports, read off a full tree-sitter parse. */
export interface RsFacts {
  mods: Array<{ name: string; line: number; inline: boolean; pathAttr?: string; scope: string[] }>;
  uses: Array<{ line: number; path: string[]; alias?: string; pub: boolean; scope: string[] }>;
  paths: Array<{ line: number; path: string[]; scope: string[] }>;
}

const K = (n: SgNode): string => String(n.kind());
const fld = (n: SgNode, name: string): SgNode | null => n.field(name as never) as SgNode | null;
const IDENT = /^(?:r#)?[A-Za-z_][A-Za-z0-9_]*$/;
const SCOPED = new Set(["scoped_identifier", "scoped_type_identifier"]);

export async function rsTreeSitter(src: string, lineOffset = 0, outerScope: string[] = []): Promise<RsFacts> {
  const napi = await ready();
  const root = napi.parse("rust" as never, src).root();
  const line = (n: SgNode) => n.range().start.line + 1 + lineOffset;
  const scopeOf = (n: SgNode): string[] => {
    const names: string[] = [...outerScope];
    const inner: string[] = [];
    for (let p = n.parent(); p; p = p.parent()) {
      if (K(p) === "declaration_list" && p.parent() && K(p.parent()!) === "mod_item") inner.unshift(fld(p.parent()!, "name")!.text());
    }
    return [...names, ...inner];
  };
  const insideUse = (n: SgNode) => {
    for (let p = n.parent(); p; p = p.parent()) if (K(p) === "use_declaration") return true;
    return false;
  };
  const mods: RsFacts["mods"] = [];
  for (const m of root.findAll({ rule: { kind: "mod_item" } })) {
    const item: RsFacts["mods"][number] = { name: fld(m, "name")!.text(), line: line(m), inline: !!fld(m, "body"), scope: scopeOf(m) };
    if (!item.inline) {
      for (let p = m.prev(); p && K(p) === "attribute_item"; p = p.prev()) {
        const a = /^#\[\s*path\s*=\s*"([^"]*)"\s*\]$/.exec(p.text());
        if (a) item.pathAttr = a[1];
      }
    }
    mods.push(item);
  }
  const uses: RsFacts["uses"] = [];
  for (const u of root.findAll({ rule: { kind: "use_declaration" } })) {
    const pub = u.children().some((c) => K(c) === "visibility_modifier");
    const out: Array<{ path: string[]; alias?: string }> = [];
    expand(fld(u, "argument")!, [], out);
    for (const e of out) uses.push({ line: line(u), ...e, pub, scope: scopeOf(u) });
  }
  const paths: RsFacts["paths"] = [];
  for (const n of root.findAll({ rule: { any: [{ kind: "scoped_identifier" }, { kind: "scoped_type_identifier" }] } })) {
    // Only the outermost path: `a::B::<T>::new` nests `a::B` inside a generic type inside the path.
    let inner = false;
    for (let p = n.parent(); p && (SCOPED.has(K(p)) || K(p) === "generic_type"); p = p.parent()) {
      if (SCOPED.has(K(p)) && p.range().start.index === n.range().start.index) inner = true;
    }
    if (inner) continue;
    if (insideUse(n)) continue;
    const segs: string[] = [];
    for (const part of n.text().replace(/\s+/g, "").split("::")) {
      if (!IDENT.test(part)) break;
      segs.push(part.replace(/^r#/, ""));
    }
    if (segs.length >= 2 && n.text().replace(/\s+/g, "").startsWith(segs[0]!)) paths.push({ line: line(n), path: segs, scope: scopeOf(n) });
  }
  // Macro arguments are token trees. Item macros (`cfg_if! { mod a; use b; }`) hold real items:
  // parse their body as Rust on its own; elsewhere paths are `ident :: ident` runs of leaf tokens.
  const reparsed: SgNode[] = [];
  for (const tt of root.findAll({ rule: { any: [{ kind: "token_tree" }, { kind: "token_tree_pattern" }] } })) {
    if (reparsed.some((r) => r.range().start.index <= tt.range().start.index && tt.range().end.index <= r.range().end.index)) continue;
    const kids = tt.children();
    const inMacroDef = (() => {
      for (let p = tt.parent(); p; p = p.parent()) if (K(p) === "macro_definition") return true;
      return false;
    })();
    if (!inMacroDef && kids.some((k) => (k.text() === "mod" || k.text() === "use") && k.children().length === 0)) {
      const body = tt.text().slice(1, -1);
      const inner = napi.parse("rust" as never, body).root();
      if (!inner.find({ rule: { kind: "ERROR" } })) {
        const sub = await rsTreeSitter(body, line(tt) - 1, scopeOf(tt));
        mods.push(...sub.mods);
        uses.push(...sub.uses);
        paths.push(...sub.paths);
        reparsed.push(tt);
        continue;
      }
    }
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i]!;
      if (!IDENT.test(k.text()) || k.children().length > 0 || kids[i - 1]?.text() === "::") continue;
      const segs = [k.text().replace(/^r#/, "")];
      let j = i + 1;
      while (kids[j]?.text() === "::" && kids[j + 1] && IDENT.test(kids[j + 1]!.text()) && kids[j + 1]!.children().length === 0) {
        segs.push(kids[j + 1]!.text().replace(/^r#/, ""));
        j += 2;
      }
      if (segs.length >= 2) paths.push({ line: line(k), path: segs, scope: scopeOf(tt) });
      i = j - 1;
    }
  }
  return { mods, uses, paths };
}

function expand(n: SgNode, prefix: string[], out: Array<{ path: string[]; alias?: string }>): void {
  const segs = (p: SgNode): string[] => p.text().replace(/\s+/g, "").replace(/^::/, "").split("::").map((s) => s.replace(/^r#/, ""));
  switch (K(n)) {
    case "use_as_clause":
      out.push({ path: [...prefix, ...segs(fld(n, "path")!)], alias: fld(n, "alias")!.text() });
      return;
    case "use_wildcard": {
      const p = n.children().find((c) => c.isNamed());
      out.push({ path: [...prefix, ...(p ? segs(p) : []), "*"] });
      return;
    }
    case "scoped_use_list": {
      const p = fld(n, "path");
      expand(fld(n, "list")!, [...prefix, ...(p ? segs(p) : [])], out);
      return;
    }
    case "use_list":
      for (const c of n.children()) if (c.isNamed()) expand(c, prefix, out);
      return;
    default:
      out.push({ path: [...prefix, ...segs(n)] });
  }
}
