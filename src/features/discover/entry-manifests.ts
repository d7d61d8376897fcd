import path from "node:path";
import { parse } from "smol-toml";
import { parseCargoManifest } from "../../lang/toml/cargo.js";
import type { EntryStep } from "../../model.js";
import type { EntryInput } from "./entry-input.js";

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (v && typeof v === "object" && !Array.isArray(v) ? (v as Table) : {});

/** `[project.scripts]` and `[tool.poetry.scripts]`: console scripts a command may name. */
export function pyprojectScripts(input: EntryInput): Array<{ name: string; target: string; file: string; line: number }> {
  const file = path.join(input.dir, "pyproject.toml");
  if (!input.exists(file)) return [];
  const text = input.read(file);
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch {
    return []; // a broken pyproject is reported by discovery's manifest reading
  }
  const scripts = { ...table(table(doc.project).scripts), ...table(table(table(doc.tool).poetry).scripts) };
  const lines = text.split(/\r?\n/);
  return Object.entries(scripts)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .map(([name, target]) => ({ name, target, file: input.rel(file), line: lines.findIndex((l) => new RegExp(`^\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*=`).test(l)) + 1 || 1 }));
}

/**
 * The Rust binary a command runs (`/usr/local/bin/api`, `./server`): the Cargo `[[bin]]` of that name,
 * or the package's own binary (src/main.rs), and the line of its `fn main`. Without a name, the
 * package's default binary.
 */
export function cargoBinary(input: EntryInput, name?: string): { name: string; steps: EntryStep[] } | undefined {
  const manifest = path.join(input.dir, "Cargo.toml");
  if (!input.exists(manifest)) return undefined;
  const text = input.read(manifest);
  let cargo;
  try {
    cargo = parseCargoManifest(text);
  } catch {
    return undefined;
  }
  const lines = text.split(/\r?\n/);
  const norm = (n?: string) => n?.replace(/_/g, "-");
  const bin = cargo.bins.find((b) => norm(b.name) === norm(name)) ?? (name === undefined && cargo.bins.length === 1 ? cargo.bins[0] : undefined);
  const steps: EntryStep[] = [];
  let file: string | undefined;
  let binName: string | undefined;
  if (bin) {
    binName = bin.name ?? cargo.name;
    const at = lines.findIndex((l) => new RegExp(`^\\s*name\\s*=\\s*["']${bin.name}["']`).test(l));
    steps.push({ file: input.rel(manifest), line: at + 1 || 1, text: `[[bin]] name = "${bin.name}"${bin.path ? ` path = "${bin.path}"` : ""}` });
    file = path.join(input.dir, bin.path ?? (input.exists(path.join(input.dir, "src", "bin", `${bin.name}.rs`)) ? `src/bin/${bin.name}.rs` : "src/main.rs"));
  } else if ((name === undefined || norm(name) === norm(cargo.name)) && input.exists(path.join(input.dir, "src", "main.rs"))) {
    binName = cargo.name;
    const at = lines.findIndex((l) => /^\s*name\s*=/.test(l));
    steps.push({ file: input.rel(manifest), line: at + 1 || 1, text: `[package] name = "${cargo.name}"` });
    file = path.join(input.dir, "src", "main.rs");
  } else if (name !== undefined && input.exists(path.join(input.dir, "src", "bin", `${name}.rs`))) {
    binName = name;
    file = path.join(input.dir, "src", "bin", `${name}.rs`);
  }
  if (!file || !binName || !input.exists(file)) return undefined;
  const src = input.read(file).split(/\r?\n/);
  const main = src.findIndex((l) => /^\s*(pub\s+)?(async\s+)?fn\s+main\s*\(/.test(l));
  steps.push({ file: input.rel(file), line: main + 1 || 1, text: (src[main] ?? "fn main").trim() });
  return { name: binName, steps };
}

/** `[tool.fastapi] entrypoint = "app.main:app"` of the pyproject.toml in `dir`: what `fastapi run` serves without a path. */
export function fastapiEntrypoint(input: EntryInput, dir: string): { target: string; file: string; line: number } | undefined {
  const file = path.join(dir, "pyproject.toml");
  if (!input.exists(file)) return undefined;
  const text = input.read(file);
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch {
    return undefined;
  }
  const target = table(table(doc.tool).fastapi).entrypoint;
  if (typeof target !== "string" || !target.includes(":")) return undefined;
  const line = text.split(/\r?\n/).findIndex((l) => /^\s*entrypoint\s*=/.test(l)) + 1 || 1;
  return { target, file: input.rel(file), line };
}
