import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildImportGraph } from "../../src/features/split/graph.js";
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
