import path from "node:path";
import type { FileEdit } from "../../model.js";
import type { CallsNote, Requirement } from "./types.js";

const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");

/**
 * Adds the requirements the generated code imports to the service's requirements.txt (or its
 * pyproject [project] dependencies), in the file's own pin style: `==` when its lines pin, `>=`
 * otherwise. Names already declared are left as they are.
 */
export function pythonRequirementEdits(dir: string, files: string[], read: (f: string) => string, deps: Set<string>, wanted: Requirement[]): { edits: FileEdit[]; notes: CallsNote[] } {
  const missing = wanted.filter((r) => !deps.has(norm(r.name)));
  if (!missing.length) return { edits: [], notes: [] };
  const req = files.find((f) => path.dirname(f) === dir && path.basename(f) === "requirements.txt");
  if (req) {
    const text = read(req);
    const lines = text.split(/\r?\n/).filter((l) => /^[A-Za-z0-9]/.test(l));
    const pins = lines.filter((l) => l.includes("==")).length > lines.length / 2;
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    const add = missing.map((r) => `${r.name}${pins ? "==" : ">="}${r.version}`);
    const after = (text === "" || text.endsWith("\n") ? text : text + eol) + add.join(eol) + eol;
    return { edits: [{ file: req, before: text, after, reason: `add ${missing.map((r) => r.name).join(", ")}` }], notes: [] };
  }
  const py = files.find((f) => path.dirname(f) === dir && path.basename(f) === "pyproject.toml");
  if (py) {
    const text = read(py);
    const m = /^\[project\][^[]*?^dependencies\s*=\s*\[([^\]]*)\]/ms.exec(text);
    if (m) {
      const close = m.index + m[0].length - 1;
      const body = m[1]!;
      const multi = body.includes("\n");
      const indent = multi ? (/\n([ \t]+)\S/.exec(body)?.[1] ?? "    ") : "";
      const items = missing.map((r) => `"${r.name}>=${r.version}"`);
      const trimmed = body.replace(/\s+$/, "");
      const comma = trimmed && !trimmed.endsWith(",") ? "," : "";
      const inner = multi ? `${trimmed}${comma}\n${items.map((i) => `${indent}${i},`).join("\n")}\n` : `${trimmed}${comma}${trimmed ? " " : ""}${items.join(", ")}`;
      const after = text.slice(0, close - body.length) + inner + text.slice(close);
      return { edits: [{ file: py, before: text, after, reason: `add ${missing.map((r) => r.name).join(", ")} to [project] dependencies` }], notes: [] };
    }
  }
  return {
    edits: [],
    notes: [{ message: `no requirements.txt or pyproject [project] dependencies in ${dir}: the generated code needs ${missing.map((r) => `${r.name}>=${r.version}`).join(", ")}`, hint: "add them where the service declares its dependencies" }],
  };
}
