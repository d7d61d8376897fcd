import path from "node:path";
import { scanRustImports } from "./imports.js";

/**
 * The files one crate target compiles: its root file (src/main.rs, src/bin/x.rs, src/lib.rs) and
 * every file reached through `mod x;` declarations (x.rs, x/mod.rs, `#[path = "…"]`). Other
 * targets' files (another bin, examples/) are not in it, though they share the folder.
 */
export function moduleTree(root: string, exists: (f: string) => boolean, read: (f: string) => string): Set<string> {
  const out = new Set<string>();
  const visit = (file: string) => {
    if (out.has(file) || !exists(file)) return;
    out.add(file);
    const base = path.basename(file, ".rs");
    // main.rs, lib.rs, mod.rs and a bin's root own their folder; x.rs owns the folder x/.
    const ownsDir = base === "mod" || file === root;
    const dir = ownsDir ? path.dirname(file) : path.join(path.dirname(file), base);
    for (const m of scanRustImports(read(file)).mods) {
      if (m.inline) continue;
      const inner = path.join(dir, ...m.scope);
      if (m.pathAttr) {
        visit(path.resolve(m.scope.length ? inner : path.dirname(file), m.pathAttr));
        continue;
      }
      const flat = path.join(inner, `${m.name}.rs`);
      visit(exists(flat) ? flat : path.join(inner, m.name, "mod.rs"));
    }
  };
  visit(root);
  return out;
}
