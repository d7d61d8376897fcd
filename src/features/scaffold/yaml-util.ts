import { isMap, isScalar, isSeq, type Document, type YAMLMap } from "yaml";

/** Sets a key only when its plain value differs, so a second run leaves the node (and its style) alone. */
export function ensure(doc: Document, map: YAMLMap, key: string, value: unknown): boolean {
  const cur = map.get(key, true) as unknown;
  const plain = cur && typeof cur === "object" && "toJSON" in cur ? (cur as { toJSON(): unknown }).toJSON() : isScalar(cur) ? cur.value : cur;
  if (JSON.stringify(plain) === JSON.stringify(value)) return false;
  if (isMap(cur) && value && typeof value === "object" && !Array.isArray(value)) {
    let changed = false;
    for (const [k, v] of Object.entries(value)) changed = ensure(doc, cur, k, v) || changed;
    return changed;
  }
  map.set(key, doc.createNode(value));
  return true;
}

export function getMap(node: unknown, key: string): YAMLMap | undefined {
  if (!isMap(node)) return undefined;
  const v = node.get(key, true);
  return isMap(v) ? v : undefined;
}

let starts: { text: string; at: number[] } | undefined;

/** 1-based line of a node's start; line starts are indexed once per text, so many lookups stay cheap. */
export function lineOf(text: string, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return undefined;
  if (starts?.text !== text) {
    const at = [0];
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) at.push(i + 1);
    starts = { text, at };
  }
  const at = starts.at;
  let lo = 0;
  let hi = at.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at[mid]! <= range[0]) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export { isMap, isSeq, isScalar };
