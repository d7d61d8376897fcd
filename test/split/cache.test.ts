import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildImportGraph } from "../../src/features/split/graph.js";
import { splitPlan, type SplitResult } from "../../src/features/split/index.js";
import { FIX } from "./helpers.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "fks-split-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("scan cache (size + mtime)", () => {
  it("serves unchanged files without reading them again and rescans an edited one", async () => {
    const root = path.join(tmp, "forms");
    cpSync(path.join(FIX, "forms"), root, { recursive: true });
    const cacheDir = path.join(tmp, "cache");
    const first = await buildImportGraph({ root, cacheDir });
    expect(first.stats.cached).toBe(0);
    const second = await buildImportGraph({ root, cacheDir });
    expect(second.stats.cached).toBe(second.stats.files);
    expect(second.edges).toEqual(first.edges);
    // A new import in one file: that file is read again and the edge appears.
    appendFileSync(path.join(root, "src/shop/legacy/old.py"), "\nimport shop.billing.tax\n");
    const third = await buildImportGraph({ root, cacheDir });
    expect(third.stats.cached).toBe(third.stats.files - 1);
    expect(third.edges.some((e) => e.from === "shop.legacy.old" && e.to === "shop.billing.tax")).toBe(true);
  });

  it("ignores a damaged cache file", async () => {
    const root = path.join(tmp, "forms2");
    cpSync(path.join(FIX, "forms"), root, { recursive: true });
    const cacheDir = path.join(tmp, "cache2");
    await buildImportGraph({ root, cacheDir });
    for (const f of readdirSync(cacheDir)) writeFileSync(path.join(cacheDir, f), "{not json");
    const again = await buildImportGraph({ root, cacheDir });
    expect(again.stats.cached).toBe(0);
    expect(again.edges.length).toBeGreaterThan(0);
  });
});

describe("graph cache (warm runs)", () => {
  it("a warm run on an unchanged tree reads no source file; one edited file is scanned again alone", async () => {
    const root = path.join(tmp, "forms3");
    cpSync(path.join(FIX, "forms"), root, { recursive: true });
    const cacheDir = path.join(tmp, "cache3");
    // Whole seconds survive utimes exactly, so the file below can get its old mtime back.
    const file = path.join(root, "src/shop/legacy/old.py");
    const before = "VALUE = 1\n#".padEnd(40, "-") + "\n";
    writeFileSync(file, before);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const first = await buildImportGraph({ root, cacheDir });
    expect(first.timings?.scan).toBeDefined();
    // Same size and mtime, other content: a run that read the file would see the new import.
    const swapped = "import shop.billing.tax\n#".padEnd(40, "-") + "\n";
    expect(swapped.length).toBe(before.length);
    writeFileSync(file, swapped);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const warm = await buildImportGraph({ root, cacheDir });
    expect(warm.timings).toHaveProperty("cache");
    expect(warm.timings).not.toHaveProperty("scan");
    expect(warm.stats.cached).toBe(warm.stats.files);
    expect(warm.edges).toEqual(first.edges);
    // Now the edit is seen: only that file is rescanned, from the per-file cache for the rest.
    utimesSync(file, 1_700_000_000, 1_700_000_005);
    const edited = await buildImportGraph({ root, cacheDir });
    expect(edited.stats.cached).toBe(edited.stats.files - 1);
    expect(edited.edges.some((e) => e.from === "shop.legacy.old" && e.to === "shop.billing.tax")).toBe(true);
  });

  it("says so in a note when a cache file is damaged or was written by another version, and rebuilds", async () => {
    const root = path.join(tmp, "forms4");
    cpSync(path.join(FIX, "forms"), root, { recursive: true });
    const cacheDir = path.join(tmp, "cache4");
    const first = await buildImportGraph({ root, cacheDir });
    const files = readdirSync(cacheDir);
    expect(files.length).toBe(2);
    for (const f of files) writeFileSync(path.join(cacheDir, f), "{\"version\":");
    const damaged = await buildImportGraph({ root, cacheDir });
    expect(damaged.notes.filter((n) => n.message.includes("damaged"))).toHaveLength(1);
    expect(damaged.stats.cached).toBe(0);
    expect(damaged.edges).toEqual(first.edges);
    for (const f of readdirSync(cacheDir)) writeFileSync(path.join(cacheDir, f), JSON.stringify({ version: 1, root, entries: {} }));
    const foreign = await buildImportGraph({ root, cacheDir });
    expect(foreign.notes.filter((n) => n.message.includes("another fks version"))).toHaveLength(1);
    // Rewritten: the next run is warm and quiet.
    const again = await buildImportGraph({ root, cacheDir });
    expect(again.stats.cached).toBe(again.stats.files);
    expect(again.notes.some((n) => n.message.includes("cache file"))).toBe(false);
  });
});

describe("metrics cache (warm runs)", () => {
  const fresh = (root: string, depth?: number) => splitPlan({ path: root, cacheDir: false, depth, graphOnly: true });
  const strip = (r: SplitResult) => JSON.parse(JSON.stringify({ ...r, graph: { ...r.graph, stats: undefined, timings: undefined }, timings: undefined })) as unknown;

  it("a warm run gives the metrics a fresh computation gives, for each depth asked for", async () => {
    const root = path.join(tmp, "forms5");
    cpSync(path.join(FIX, "forms"), root, { recursive: true });
    const cacheDir = path.join(tmp, "cache5");
    const cold = await splitPlan({ path: root, cacheDir, graphOnly: true });
    expect(readdirSync(cacheDir).some((f) => f.endsWith(".metrics.json"))).toBe(true);
    const warm = await splitPlan({ path: root, cacheDir, graphOnly: true });
    expect(warm.graph.stats.cached).toBe(warm.graph.stats.files);
    expect(strip(warm)).toEqual(strip(cold));
    expect(strip(warm)).toEqual(strip(await fresh(root)));
    // Another depth is another entry, not the cached one.
    const deep = await splitPlan({ path: root, cacheDir, graphOnly: true, depth: 3 });
    expect(deep.depth).toBe(3);
    expect(strip(deep)).toEqual(strip(await fresh(root, 3)));
    // An edit that changes the graph changes the metrics: nothing stale is served.
    appendFileSync(path.join(root, "src/shop/legacy/old.py"), "\nimport shop.billing.tax\n");
    const edited = await splitPlan({ path: root, cacheDir, graphOnly: true });
    expect(strip(edited)).toEqual(strip(await fresh(root)));
    expect(strip(edited)).not.toEqual(strip(cold));
  });

  it("a damaged metrics cache file is ignored with a note, and the metrics are computed again", async () => {
    const root = path.join(tmp, "forms6");
    cpSync(path.join(FIX, "forms"), root, { recursive: true });
    const cacheDir = path.join(tmp, "cache6");
    await splitPlan({ path: root, cacheDir, graphOnly: true });
    const file = readdirSync(cacheDir).find((f) => f.endsWith(".metrics.json"))!;
    // Right version, root and key, wrong shape: read, found wanting, never trusted.
    const stored = JSON.parse(readFileSync(path.join(cacheDir, file), "utf8")) as { graph: unknown };
    writeFileSync(path.join(cacheDir, file), JSON.stringify({ ...stored, graph: { depth: "two" } }));
    const damaged = await splitPlan({ path: root, cacheDir, graphOnly: true });
    expect(damaged.graph.notes.filter((n) => n.message.includes("damaged"))).toHaveLength(1);
    const want = await fresh(root);
    expect(strip({ ...damaged, graph: { ...damaged.graph, notes: [] } })).toEqual(strip({ ...want, graph: { ...want.graph, notes: [] } }));
    writeFileSync(path.join(cacheDir, file), "{not json");
    const broken = await splitPlan({ path: root, cacheDir, graphOnly: true });
    expect(broken.graph.notes.filter((n) => n.message.includes("damaged"))).toHaveLength(1);
    // Rewritten: the next run is quiet.
    const again = await splitPlan({ path: root, cacheDir, graphOnly: true });
    expect(again.graph.notes.some((n) => n.message.includes("cache file"))).toBe(false);
  });
});
