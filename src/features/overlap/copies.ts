import path from "node:path";
import type { SourceFile } from "./collect.js";
import { driftOf, type Drift } from "./drift.js";
import type { NearEdge } from "./match.js";
import type { CopiedFile, CopiedFolder, CopyMember } from "./types.js";

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[x] !== r) {
      const next = this.parent[x]!;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const x = this.find(a);
    const y = this.find(b);
    if (x !== y) this.parent[Math.max(x, y)] = Math.min(x, y);
  }
}

/**
 * Sets of copies, then the folders they live in: files copied together from one folder into
 * another service (`framework/` in three services) become one finding listing each folder and
 * each file, with how every copy drifted from the most common version.
 */
export function groupCopies(contents: Array<{ hash: string; files: SourceFile[] }>, edges: NearEdge[]): CopiedFolder[] {
  const uf = new UnionFind(contents.length);
  for (const e of edges) uf.union(e.a, e.b);
  const comps = new Map<number, number[]>();
  for (let i = 0; i < contents.length; i++) {
    const r = uf.find(i);
    const list = comps.get(r);
    if (list) list.push(i);
    else comps.set(r, [i]);
  }
  const edgesOf = new Map<number, NearEdge[]>();
  for (const e of edges) {
    const r = uf.find(e.a);
    edgesOf.set(r, [...(edgesOf.get(r) ?? []), e]);
  }

  const files: Array<{ file: CopiedFile; nodes: Array<{ service: string; folder: string; name: string }> }> = [];
  for (const [root, ids] of comps) {
    const all = ids.flatMap((i) => contents[i]!.files);
    if (new Set(all.map((f) => f.service)).size < 2) continue;
    // The version most files share is the reference; ties go to the version in more services, then by path.
    const versions = ids
      .map((i) => contents[i]!)
      .sort((a, b) => b.files.length - a.files.length || new Set(b.files.map((f) => f.service)).size - new Set(a.files.map((f) => f.service)).size || a.files[0]!.rel.localeCompare(b.files[0]!.rel));
    const ref = versions[0]!.files[0]!;
    const members: CopyMember[] = [];
    const drift: CopiedFile["drift"] = [];
    for (const [v, c] of versions.entries()) {
      const d: Drift | undefined = v === 0 ? undefined : driftOf(ref.text, c.files[0]!.text);
      for (const f of c.files) {
        members.push({ service: f.service, file: f.rel, lines: f.lines, version: v });
        if (d) drift.push({ service: f.service, file: f.rel, added: d.added, removed: d.removed, hunks: d.hunks });
      }
    }
    members.sort((a, b) => a.service.localeCompare(b.service) || a.file.localeCompare(b.file));
    drift.sort((a, b) => a.service.localeCompare(b.service) || a.file.localeCompare(b.file));
    const es = edgesOf.get(root) ?? [];
    const renamed = new Map<string, { from: string; to: string; count: number }>();
    const refIndex = ids.find((i) => contents[i]!.files.includes(ref));
    for (const e of es) {
      // Renames read from the reference version to the copy.
      for (const r0 of e.renamed) {
        const r = e.b === refIndex ? { from: r0.to, to: r0.from, count: r0.count } : r0;
        const k = `${r.from}\0${r.to}`;
        const prior = renamed.get(k);
        if (prior) prior.count += r.count;
        else renamed.set(k, { ...r });
      }
    }
    const placed = placeMembers([...all].sort((a, b) => a.rel.localeCompare(b.rel)));
    const refPlace = placed.find((p) => p.file === ref)!;
    files.push({
      file: {
        name: refPlace.name,
        members,
        identical: versions.length === 1,
        similarity: es.length ? Math.min(...es.map((e) => e.similarity)) : 1,
        renamed: [...renamed.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from)).slice(0, 10),
        reference: ref.rel,
        tie: versions.length > 1 && versions[1]!.files.length === versions[0]!.files.length,
        drift,
      },
      nodes: placed.map((p) => ({ service: p.file.service, folder: p.folder, name: p.folderName })),
    });
  }

  // Folders that share a copied file are one finding.
  const keyOf = (n: { service: string; folder: string }) => `${n.service}\0${n.folder}`;
  const nodeIds = new Map<string, number>();
  for (const f of files) for (const n of f.nodes) if (!nodeIds.has(keyOf(n))) nodeIds.set(keyOf(n), nodeIds.size);
  const fuf = new UnionFind(nodeIds.size);
  for (const f of files) for (const n of f.nodes) fuf.union(nodeIds.get(keyOf(f.nodes[0]!))!, nodeIds.get(keyOf(n))!);
  const out = new Map<number, CopiedFolder & { names: Set<string>; seen: Set<string> }>();
  for (const f of files) {
    const r = fuf.find(nodeIds.get(keyOf(f.nodes[0]!))!);
    let g = out.get(r);
    if (!g) out.set(r, (g = { name: "", folders: [], files: [], names: new Set(), seen: new Set() }));
    g.files.push(f.file);
    for (const n of f.nodes) {
      g.names.add(n.name);
      if (g.seen.has(keyOf(n))) continue;
      g.seen.add(keyOf(n));
      g.folders.push({ service: n.service, path: n.folder || "." });
    }
  }
  return [...out.values()]
    .map(({ names, seen: _seen, ...g }) => ({
      ...g,
      name: [...names].sort().join(" | "),
      folders: g.folders.sort((a, b) => a.service.localeCompare(b.service) || a.path.localeCompare(b.path)),
      files: g.files.sort((a, b) => a.name.localeCompare(b.name) || a.reference.localeCompare(b.reference)),
    }))
    .sort((a, b) => b.files.length - a.files.length || a.name.localeCompare(b.name) || a.folders[0]!.path.localeCompare(b.folders[0]!.path));
}

/**
 * Where each copy sits: the path the copies have in common at their end (`framework/db/session.py`)
 * names the copied folder (`framework`) and the file inside it (`db/session.py`). Copies that only
 * share their file name (or not even that) belong to the folder each lives in.
 */
function placeMembers(files: SourceFile[]): Array<{ file: SourceFile; folder: string; folderName: string; name: string }> {
  const split = files.map((f) => f.inService.split(path.sep));
  let common = 0;
  const shortest = Math.min(...split.map((s) => s.length));
  while (common < shortest && split.every((s) => s[s.length - 1 - common] === split[0]![split[0]!.length - 1 - common])) common++;
  return files.map((f, i) => {
    const segs = split[i]!;
    const relSegs = f.rel.split(path.sep);
    if (common >= 2) {
      const inside = segs.slice(segs.length - common + 1).join("/");
      const folder = relSegs.slice(0, relSegs.length - common + 1).join("/");
      return { file: f, folder, folderName: segs[segs.length - common]!, name: inside };
    }
    const folder = relSegs.slice(0, -1).join("/");
    // A service's top folder is named by the folder itself, not by an empty path inside the service.
    const folderName = segs.length > 1 ? segs[segs.length - 2]! : (relSegs[relSegs.length - 2] ?? "");
    return { file: f, folder, folderName, name: segs[segs.length - 1]! };
  });
}
