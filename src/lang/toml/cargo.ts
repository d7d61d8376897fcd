/**
 * Cargo.toml read with a real TOML parser (smol-toml), reduced to what fks asks of a manifest:
 * the crate's name, lib and bin targets, its dependencies (normal, per target, dev and build) and
 * the workspace it declares. Throws smol-toml's TomlError (with line and column) on a broken file.
 */
import { parse } from "smol-toml";

/** One dependency entry as the manifest writes it. */
export interface CargoDependency {
  /** The key the manifest writes (the crate's name in code, after `-` → `_`). */
  key: string;
  /** The crate on crates.io: `package = "..."`, else the key. */
  package: string;
  version?: string;
  path?: string;
  features: string[];
  defaultFeatures: boolean;
  /** `workspace = true`: the rest comes from the workspace root's [workspace.dependencies]. */
  workspace: boolean;
}

export interface CargoTarget {
  name?: string;
  path?: string;
}

export interface CargoManifest {
  name?: string;
  /** [package] version, when written out (not `version.workspace = true`). */
  version?: string;
  lib?: CargoTarget;
  bins: CargoTarget[];
  /** [dependencies] and [target.'cfg(...)'.dependencies]. */
  dependencies: Map<string, CargoDependency>;
  devDependencies: Map<string, CargoDependency>;
  buildDependencies: Map<string, CargoDependency>;
  /** Present when the manifest has a [workspace] table. */
  workspace?: { members: string[]; dependencies: Map<string, CargoDependency> };
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Table) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function parseCargoManifest(text: string): CargoManifest {
  const doc = parse(text) as Table;
  const pkg = table(doc.package);
  const target = (v: unknown): CargoTarget => ({ name: str(table(v)?.name), path: str(table(v)?.path) });
  const platformDeps = (kind: string) => Object.values(table(doc.target) ?? {}).map((t) => table(t)?.[kind]);
  const ws = table(doc.workspace);
  return {
    name: str(pkg?.name),
    version: str(pkg?.version),
    lib: doc.lib ? target(doc.lib) : undefined,
    bins: Array.isArray(doc.bin) ? doc.bin.map(target) : [],
    dependencies: dependencies([doc.dependencies, ...platformDeps("dependencies")]),
    devDependencies: dependencies([doc["dev-dependencies"], ...platformDeps("dev-dependencies")]),
    buildDependencies: dependencies([doc["build-dependencies"], ...platformDeps("build-dependencies")]),
    workspace: ws ? { members: Array.isArray(ws.members) ? ws.members.filter((m): m is string => typeof m === "string") : [], dependencies: dependencies([ws.dependencies]) } : undefined,
  };
}

function dependencies(tables: unknown[]): Map<string, CargoDependency> {
  const out = new Map<string, CargoDependency>();
  for (const t of tables) {
    for (const [key, spec] of Object.entries(table(t) ?? {})) {
      const s = table(spec) ?? {};
      const features = Array.isArray(s.features) ? s.features.filter((f): f is string => typeof f === "string") : [];
      const prev = out.get(key);
      out.set(key, {
        key,
        package: str(s.package) ?? key,
        version: str(spec) ?? str(s.version) ?? prev?.version,
        path: str(s.path) ?? prev?.path,
        features: [...new Set([...(prev?.features ?? []), ...features])],
        defaultFeatures: (s["default-features"] ?? s.default_features) !== false && (prev?.defaultFeatures ?? true),
        workspace: s.workspace === true || (prev?.workspace ?? false),
      });
    }
  }
  return out;
}
