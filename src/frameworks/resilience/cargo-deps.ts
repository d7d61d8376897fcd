import path from "node:path";
import type { FileEdit } from "../../model.js";
import { cargoDependencies } from "../health/cargo.js";
import type { CallsNote, Requirement } from "./types.js";

/**
 * Adds the crates the generated code uses to [dependencies] of the crate's Cargo.toml, and the
 * features it needs of crates already there (tokio's `time`, tower-http's `request-id`) when they
 * are declared inline; anything else (workspace inheritance, a table per dependency) is a note.
 */
export function cargoEdits(manifest: string, text: string, wanted: Requirement[], features: Record<string, string[]>): { text: string; added: string[]; notes: CallsNote[] } {
  const declared = cargoDependencies(text);
  const notes: CallsNote[] = [];
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let lines = text.split(/\r?\n/);
  const added: string[] = [];
  for (const [crate, need] of Object.entries(features)) {
    const dep = declared.get(crate);
    if (!dep) continue;
    const missing = need.filter((f) => !dep.features.includes(f));
    if (!missing.length) continue;
    const i = lines.findIndex((l) => new RegExp(`^\\s*${crate}\\s*=`).test(l));
    const line = i >= 0 ? lines[i]! : "";
    const inline = /^(\s*[\w-]+\s*=\s*\{.*\bfeatures\s*=\s*\[)([^\]]*)(\].*\})\s*$/.exec(line);
    const bare = /^(\s*[\w-]+\s*=\s*)("[^"]*")\s*$/.exec(line);
    const quoted = missing.map((f) => `"${f}"`).join(", ");
    if (inline) lines[i] = `${inline[1]}${inline[2]!.trim() ? `${inline[2]!.replace(/\s*$/, "")}, ` : ""}${quoted}${inline[3]}`;
    else if (bare) lines[i] = `${bare[1]}{ version = ${bare[2]}, features = [${quoted}] }`;
    else if (/^\s*[\w-]+\s*=\s*\{[^}]*\}\s*$/.test(line) && !line.includes("workspace")) lines[i] = line.replace(/\s*\}\s*$/, `, features = [${quoted}] }`);
    else {
      notes.push({ message: `${path.basename(manifest)}: ${crate} needs the feature${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, file: manifest, hint: `add ${quoted} to ${crate}'s features` });
      continue;
    }
    added.push(`${crate} features ${missing.join(", ")}`);
  }
  const toAdd = wanted.filter((r) => !declared.has(r.name));
  if (toAdd.length) {
    const header = lines.findIndex((l) => /^\s*\[dependencies\]\s*$/.test(l));
    const entries = toAdd.map((r) => (r.cargo ? `${r.name} = { version = "${r.version}", ${r.cargo} }` : `${r.name} = "${r.version}"`));
    if (header < 0) {
      while (lines.length && lines[lines.length - 1] === "") lines.pop();
      lines = [...lines, "", "[dependencies]", ...entries, ""];
    } else {
      let end = header + 1;
      while (end < lines.length && !/^\s*\[/.test(lines[end]!)) end++;
      let at = end;
      while (at > header + 1 && lines[at - 1]!.trim() === "") at--;
      lines.splice(at, 0, ...entries);
    }
    added.push(...toAdd.map((r) => r.name));
  }
  return { text: lines.join(eol), added, notes };
}

export function cargoEdit(manifest: string, before: string, wanted: Requirement[], features: Record<string, string[]>): { edit?: FileEdit; notes: CallsNote[] } {
  const r = cargoEdits(manifest, before, wanted, features);
  return { edit: r.text === before ? undefined : { file: manifest, before, after: r.text, reason: `add ${r.added.join(", ")}` }, notes: r.notes };
}
