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
}

export function parsePythonManifest(text: string, file: "pyproject.toml" | "Pipfile"): PythonManifest {
  const doc = parse(text) as Table;
  if (file === "Pipfile") return { dependencies: [...Object.keys(table(doc.packages)), ...Object.keys(table(doc["dev-packages"]))] };
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
  return { name, dependencies: [...new Set(names)] };
}
