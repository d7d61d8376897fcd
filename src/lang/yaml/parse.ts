import { LineCounter, parseAllDocuments, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from "yaml";
import { FksError } from "../../errors.js";
import { MAX_NESTING, tooDeep } from "../nesting.js";

/** Aliases expand exponentially (the "billion laughs" bomb); real config never needs many. */
const MAX_ALIASES = 100;

export interface ParsedYaml {
  docs: Document.Parsed[];
  lines: LineCounter;
  /** 1-based line of a node, or undefined when the node has no range. */
  lineOf(node: unknown): number | undefined;
}

/** Parses one or more YAML documents; syntax errors become an FksError at file:line. */
export function parseYaml(text: string, file: string, opts: { multi?: boolean } = {}): ParsedYaml {
  // The yaml library recurses per level (parsing, then converting): past the bound it would run
  // out of stack, so a file nested that deep is refused where it passes the bound.
  const deep = tooDeep(text);
  if (deep) {
    throw new FksError(`${file}:${deep.line} nested more than ${MAX_NESTING} levels deep: not read`, { file, line: deep.line, hint: "flatten the nesting; no configuration needs it" });
  }
  const lines = new LineCounter();
  const docs: Document.Parsed[] = [];
  try {
    if (opts.multi) {
      // parseAllDocuments keeps ranges per document while sharing one LineCounter.
      const all = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, merge: true });
      for (const d of Array.isArray(all) ? all : [all]) docs.push(d as Document.Parsed);
    } else {
      // Merge keys (`<<: *common`), as docker compose and kubectl read them.
      docs.push(parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true }));
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new FksError(`${file}:1 too deeply nested to read`, { file, line: 1, hint: "flatten the nesting; no configuration needs it" });
  }
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
      throw new FksError(`${file}:${line} YAML syntax error: ${firstLine(err.message)}`, {
        file,
        line,
        hint: "fix the YAML (indentation, quoting, a missing ':') and run again",
      });
    }
  }
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | undefined)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  return { docs, lines, lineOf };
}

/** Converts a document to plain JS, refusing alias bombs with a clear error. */
export function toPlain(doc: Document.Parsed, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof RangeError) throw new FksError(`${file}:1 too deeply nested to read`, { file, line: 1, hint: "flatten the nesting; no configuration needs it" });
    const msg = e instanceof Error ? e.message : String(e);
    throw new FksError(`${file}: YAML refused: ${firstLine(msg)}`, {
      file,
      hint: "the file expands too many aliases (a YAML alias bomb?); write the values out",
    });
  }
}

/** Finds the node at a path of keys/indices inside a document, for line numbers. */
export function nodeAt(doc: Document.Parsed, path: ReadonlyArray<PropertyKey>): Node | undefined {
  let node: unknown = doc.contents;
  let last: unknown = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) return (last as Node) ?? undefined;
      last = pair.key ?? pair.value;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      last = node;
    } else {
      return last as Node;
    }
  }
  return (node as Node) ?? (last as Node);
}

/** Line of the key that holds the value at `path` (the value itself may start on the next line). */
export function keyLine(doc: Document.Parsed, p: ReadonlyArray<PropertyKey>, lineOf: (n: unknown) => number | undefined): number | undefined {
  const parent = nodeAt(doc, p.slice(0, -1));
  if (isMap(parent)) {
    const last = p[p.length - 1];
    const pair = parent.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) === last);
    if (pair) return lineOf(pair.key);
  }
  return lineOf(nodeAt(doc, p));
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.trim();
}
