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

export function lineOf(text: string, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return undefined;
  return text.slice(0, range[0]).split("\n").length;
}

export { isMap, isSeq, isScalar };
