import path from "node:path";

/** Declared dependency names of a service (requirements, pyproject, Pipfile, Cargo.toml), lower-case with "-". */
export function declaredDeps(files: string[], read: (f: string) => string): Set<string> {
  const out = new Set<string>();
  const add = (n: string) => out.add(n.toLowerCase().replace(/_/g, "-"));
  for (const f of files) {
    const name = path.basename(f);
    if (/^requirements[\w.-]*\.txt$/.test(name)) {
      for (const l of read(f).split(/\r?\n/)) {
        const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(l);
        if (m && !l.trim().startsWith("-")) add(m[1]!);
      }
    } else if (name === "pyproject.toml" || name === "Pipfile" || name === "setup.py") {
      for (const m of read(f).matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ][^"']*)?["']/g)) add(m[1]!);
      for (const m of read(f).matchAll(/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=/gm)) add(m[1]!);
    } else if (name === "Cargo.toml") {
      let section = "";
      for (const l of read(f).split(/\r?\n/)) {
        const h = /^\s*\[([^\]]+)\]/.exec(l);
        if (h) {
          section = h[1]!.trim();
          const dotted = /^dependencies\.([\w-]+)$/.exec(section);
          if (dotted) add(dotted[1]!);
          continue;
        }
        const k = /^\s*([A-Za-z0-9_-]+)\s*(?:\.\s*[\w-]+\s*)?=/.exec(l);
        if (k && section === "dependencies") add(k[1]!);
      }
    }
  }
  return out;
}
