import path from "node:path";
import { existsSync, readTextSync } from "../../io/fs.js";
import { parseCargoManifest, type CargoDependency } from "../../lang/toml/cargo.js";

export type { CargoDependency } from "../../lang/toml/cargo.js";

/**
 * Dependencies of one table kind of a Cargo.toml: the normal ones (`[dependencies]`, also per
 * target), or the workspace root's `[workspace.dependencies]`. A manifest that does not parse has
 * none: cargo refuses it too, and says where.
 */
export function cargoDependencies(toml: string, which: "normal" | "workspace" = "normal"): Map<string, CargoDependency> {
  let manifest;
  try {
    manifest = parseCargoManifest(toml);
  } catch {
    return new Map();
  }
  return (which === "normal" ? manifest.dependencies : manifest.workspace?.dependencies) ?? new Map();
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
