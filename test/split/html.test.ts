import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitPlan } from "../../src/features/split/index.js";
import { splitHtml } from "../../src/report/split/html.js";
import { plantMonolith } from "./helpers.js";

const CHROMIUM = process.env.FKS_CHROMIUM ?? "/usr/bin/chromium";
let dir = "";
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "fks-split-html-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("HTML report in headless Chromium", () => {
  it("renders the matrix and the cluster graph with the right counts, with no network requests", async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.log(`skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set FKS_CHROMIUM)`);
      ctx.skip();
      return;
    }
    const tree = path.join(dir, "tree");
    plantMonolith(tree);
    const r = await splitPlan({ path: tree, cacheDir: false, depth: 2 });
    const file = path.join(dir, "split.html");
    writeFileSync(file, splitHtml(r));
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (req) => { if (!req.url().startsWith("file:")) requests.push(req.url()); });
      await page.goto(`file://${file}`);
      const rows = await page.locator("#dsm text.row").count();
      const cells = await page.locator("#dsm rect.cell").count();
      const breakers = await page.locator("#dsm rect.cell.breaker").count();
      const nodes = await page.locator("#cluster-graph g.node").count();
      const edges = await page.locator("#cluster-graph line.edge").count();
      const steps = await page.locator("#plan > li").count();
      const box = await page.locator("#dsm").boundingBox();
      const graphBox = await page.locator("#cluster-graph").boundingBox();
      expect(rows).toBe(r.graph.modules.length);
      expect(cells).toBe(r.graph.edges.length);
      expect(breakers).toBeGreaterThanOrEqual(1);
      expect(nodes).toBe(r.candidates.length);
      const pairs = new Set<string>();
      const of = new Map(r.candidates.flatMap((c) => c.modules.map((m) => [m, c.name] as const)));
      for (const e of r.graph.edges) if (of.get(e.from) !== of.get(e.to)) pairs.add(`${of.get(e.from)}>${of.get(e.to)}`);
      expect(edges).toBe(pairs.size);
      expect(steps).toBe(r.plan.length);
      expect(box!.width).toBeGreaterThan(200);
      expect(graphBox!.height).toBeGreaterThan(200);
      expect(requests).toEqual([]);
      await page.setViewportSize({ width: 1300, height: 1000 });
      await page.screenshot({ path: path.join(os.tmpdir(), "fks-split-report.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
