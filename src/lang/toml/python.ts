/**
 * Dependency names a pyproject.toml (PEP 621, PEP 735 groups, Poetry) or a Pipfile declares, read
 * with a real TOML parser. Throws smol-toml's TomlError (with line and column) on a broken file.
 */
import { parse } from "smol-toml";

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (v && typeof v === "object" && !Array.isArray(v) ? (v as Table) : {});
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
/** "fastapi[all]>=0.110; python_version>'3.8'" → "fastapi" (PEP 508). */
const requirementName = (spec: string) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec)?.[1];

export interface PythonManifest {
  name?: string;
  dependencies: string[];
  /** Extras each dependency is installed with (`celery[redis]`, Poetry's `extras = [...]`). */
  extras?: Record<string, string[]>;
}

/** "celery[redis, msgpack]>=5" → ["redis", "msgpack"]. */
const requirementExtras = (spec: string) => (/^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]/.exec(spec)?.[1] ?? "").split(",").map((x) => x.trim()).filter(Boolean);

export function parsePythonManifest(text: string, file: "pyproject.toml" | "Pipfile"): PythonManifest {
  const doc = parse(text) as Table;
  if (file === "Pipfile") {
    const pkgs = Object.entries({ ...table(doc.packages), ...table(doc["dev-packages"]) });
    const extras: Record<string, string[]> = {};
    for (const [k, v] of pkgs) if (list(table(v).extras).length) extras[k] = list(table(v).extras);
    return { dependencies: [...Object.keys(table(doc.packages)), ...Object.keys(table(doc["dev-packages"]))], extras };
  }
  const project = table(doc.project);
  const poetry = table(table(doc.tool).poetry);
  const specs = [
    ...list(project.dependencies),
    ...Object.values(table(project["optional-dependencies"])).flatMap(list),
    ...Object.values(table(doc["dependency-groups"])).flatMap(list),
  ];
  const poetryKeys = [poetry.dependencies, poetry["dev-dependencies"], ...Object.values(table(poetry.group)).map((g) => table(g).dependencies)].flatMap((t) => Object.keys(table(t)));
  const names = [...specs.map(requirementName), ...poetryKeys].filter((n): n is string => !!n && n.toLowerCase() !== "python");
  const name = typeof project.name === "string" ? project.name : typeof poetry.name === "string" ? poetry.name : undefined;
  const extras: Record<string, string[]> = {};
  const addExtras = (dep: string | undefined, xs: string[]) => {
    if (dep && xs.length) extras[dep] = [...new Set([...(extras[dep] ?? []), ...xs])];
  };
  for (const s of specs) addExtras(requirementName(s), requirementExtras(s));
  for (const t of [poetry.dependencies, poetry["dev-dependencies"], ...Object.values(table(poetry.group)).map((g) => table(g).dependencies)]) {
    for (const [dep, spec] of Object.entries(table(t))) addExtras(dep, list(table(spec).extras));
  }
  return { name, dependencies: [...new Set(names)], extras };
}
