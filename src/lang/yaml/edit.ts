import { diffArrays } from "diff";
import { parseAllDocuments, type Document } from "yaml";

// Whitespace is what the printer normalises (aligned comments, "[ a ]" vs "[a]"), so it is ignored when matching.
const squash = (s: string) => s.replace(/\s+/g, "");

const indentOf = (l: string) => /^\s*/.exec(l)![0].length;

/**
 * Edits YAML through the Document API (comments and key order survive), then keeps every
 * line the edit did not touch exactly as the author wrote it: lines of the printed result that
 * match an original line (ignoring whitespace) are replaced by that original line.
 * `edit` returns whether it changed anything.
 */
export function editYaml(original: string, edit: (docs: Document.Parsed[]) => boolean, parsed?: Document.Parsed[]): string {
  // Callers that already parsed the text (to report syntax errors) hand their documents over: parsing is the costly part.
  const docs = parsed ?? (parseAllDocuments(original) as Document.Parsed[]);
  // No "before" print to compare with: `edit` must return true only when it changed a node
  // (printing is the other costly part, and the diff below keeps untouched lines anyway).
  if (!edit(docs)) return original;
  // "[a, b]" rather than "[ a, b ]": how people write flow lists (compose `test:` lines).
  const after = docs.map((d) => d.toString({ lineWidth: 0, flowCollectionPadding: false })).join("");
  const eol = original.includes("\r\n") ? "\r\n" : "\n";
  const oldLines = original.split(/\r?\n/);
  const newLines = after.split(/\r?\n/);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  for (const part of diffArrays(oldLines.map(squash), newLines.map(squash))) {
    const n = part.count ?? part.value.length;
    if (part.added) {
      out.push(...newLines.slice(j, j + n));
      j += n;
    } else if (part.removed) {
      i += n;
    } else {
      // Equal but for whitespace: the author's line, unless its indentation differs, which in YAML
      // changes what it means (a new `redis:` key under depends_on is not the `redis:` service).
      for (let k = 0; k < n; k++) out.push(indentOf(oldLines[i + k]!) === indentOf(newLines[j + k]!) ? oldLines[i + k]! : newLines[j + k]!);
      i += n;
      j += n;
    }
  }
  const result = out.join(eol);
  return result === original ? original : result;
}
