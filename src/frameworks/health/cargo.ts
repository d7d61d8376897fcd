import path from "node:path";
import { existsSync, readTextSync } from "../../io/fs.js";

/** One dependency of a Cargo manifest, as far as choosing client code needs it. */
export interface CargoDependency {
  /** The key the manifest writes (the name code uses, with `-` → `_`). */
  key: string;
  /** The crate on crates.io: `package = "..."`, else the key. */
  package: string;
  version?: string;
  features: string[];
  defaultFeatures: boolean;
  /** `workspace = true`: the rest comes from the workspace root's [workspace.dependencies]. */
  workspace: boolean;
}

const NORMAL = /^(?:target\..+\.)?dependencies$/;
const WORKSPACE = /^workspace\.dependencies$/;

/**
 * Dependencies of one table kind of a Cargo.toml: the normal ones (`[dependencies]`, also per target),
 * or the workspace root's `[workspace.dependencies]`. Handles `key = "1"`, inline tables over several
 * lines, dotted keys (`sqlx.workspace = true`, `sqlx.features = [...]`) and `[dependencies.key]` tables.
 * Not a TOML parser: enough for keys, versions, features, default-features, package and workspace.
 */
export function cargoDependencies(toml: string, which: "normal" | "workspace" = "normal"): Map<string, CargoDependency> {
  const tableRe = which === "normal" ? NORMAL : WORKSPACE;
  const specs = new Map<string, string>();
  const append = (key: string, text: string) => specs.set(key, `${specs.get(key) ?? ""}${text}\n`);
  let section = "";
  let table: string | undefined;
  const lines = toml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s+#[^"]*$/, "").replace(/^\s*#.*$/, "");
    const header = /^\s*\[\[?([^\]]+)\]\]?\s*$/.exec(line);
    if (header) {
      section = header[1]!.replace(/\s+/g, "").replace(/"/g, "");
      const dot = section.lastIndexOf(".");
      table = dot > 0 && tableRe.test(section.slice(0, dot)) ? section.slice(dot + 1) : undefined;
      if (table) append(table, "");
      continue;
    }
    if (table) {
      append(table, line);
      continue;
    }
    if (!tableRe.test(section)) continue;
    const kv = /^\s*"?([\w-]+)"?\s*(?:\.\s*([\w-]+)\s*)?=(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[3]!;
    // An inline table or array may run over several lines.
    while ((value.match(/[{[]/g) ?? []).length > (value.match(/[}\]]/g) ?? []).length && i + 1 < lines.length) value += `\n${lines[++i]}`;
    // `sqlx.workspace = true` is `sqlx = { workspace = true }` written with a dotted key.
    append(kv[1]!, kv[2] ? `${kv[2]} = ${value}` : value);
  }
  const out = new Map<string, CargoDependency>();
  for (const [key, spec] of specs) out.set(key, parseSpec(key, spec));
  return out;
}

function parseSpec(key: string, spec: string): CargoDependency {
  const str = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(spec)?.[1];
  const bare = /^\s*"([^"]*)"\s*$/.exec(spec)?.[1];
  const features = [...spec.matchAll(/\bfeatures\s*=\s*\[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/"([^"]+)"/g)].map((f) => f[1]!));
  return {
    key,
    package: str("package") ?? key,
    version: bare ?? str("version"),
    features,
    defaultFeatures: !/\bdefault[-_]features\s*=\s*false\b/.test(spec),
    workspace: /\bworkspace\s*=\s*true\b/.test(spec),
  };
}

/**
 * A member's dependencies with `workspace = true` entries completed from the root's
 * [workspace.dependencies], as cargo does: package, version and default-features from the root,
 * features from both.
 */
export function withWorkspace(member: Map<string, CargoDependency>, root: Map<string, CargoDependency>): Map<string, CargoDependency> {
  const out = new Map<string, CargoDependency>();
  for (const [key, dep] of member) {
    const base = dep.workspace ? root.get(key) : undefined;
    out.set(key, base ? { ...base, key, features: [...new Set([...base.features, ...dep.features])], workspace: true } : dep);
  }
  return out;
}

/** The Cargo.toml of the workspace a crate folder belongs to: the nearest one above it (or itself) with a [workspace] table. */
export function workspaceManifest(crateDir: string, read: (file: string) => string = readTextSync): string | undefined {
  for (let dir = path.resolve(crateDir); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "Cargo.toml");
    if (existsSync(file) && /^\s*\[workspace(?:\.[\w-]+)?\]\s*$/m.test(read(file))) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The normal dependencies of the crate in `crateDir`, workspace inheritance resolved. */
export function crateDependencies(crateDir: string, read: (file: string) => string = readTextSync): Map<string, CargoDependency> {
  const own = path.join(crateDir, "Cargo.toml");
  const deps = existsSync(own) ? cargoDependencies(read(own)) : new Map<string, CargoDependency>();
  if (![...deps.values()].some((d) => d.workspace)) return deps;
  const root = workspaceManifest(crateDir, read);
  return root ? withWorkspace(deps, cargoDependencies(read(root), "workspace")) : deps;
}
