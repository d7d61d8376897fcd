import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditCalls } from "../../src/features/calls/index.js";
import { PLATFORM, ROOT } from "../helpers.js";

/** The example platform's planted calls (examples/platform/README.md, problems 20–22), written out by hand. */
describe("fks audit calls on examples/platform", () => {
  it("draws api, web and execution calling data, and flags the unsafe calls", async () => {
    const res = await auditCalls({ cwd: ROOT, paths: [PLATFORM] });
    expect(res.graph.edges.map((e) => `${e.from}->${e.to}`)).toEqual(["api->data", "execution->data", "web->data"]);
    expect(res.graph.cycles).toEqual([]);
    const P = path.relative(ROOT, PLATFORM);
    const rows = res.calls.map((c) => `${c.file}:${c.line} ${c.client} ${c.method} ${c.target.service} ${c.target.path} -> ${c.route?.handler ?? "none"}`);
    expect(rows).toEqual([
      `${P}/api/app/market.py:13 httpx GET data /quote/{symbol} -> none`,
      `${P}/execution/src/market.rs:14 reqwest GET data /quotes/{symbol} -> get_quote`,
      `${P}/web/portfolio/pricing.py:14 urllib GET data /quotes/{symbol} -> get_quote`,
      `${P}/web/reports/market.py:13 requests GET data /candles/{symbol}/latest -> latest_candle`,
    ]);
    const findings = res.findings.map((f) => `${f.rule} ${f.file}:${f.line}`).sort();
    expect(findings).toEqual(
      [
        `calls/dead-call ${P}/api/app/market.py:13`,
        `calls/no-breaker ${P}/api/app/market.py:13`,
        `calls/no-timeout ${P}/api/app/market.py:13`,
        `calls/trace-not-propagated ${P}/api/app/market.py:13`,
        `calls/no-breaker ${P}/execution/src/market.rs:14`,
        `calls/no-timeout ${P}/execution/src/market.rs:14`,
        `calls/trace-not-propagated ${P}/execution/src/market.rs:14`,
        `calls/no-breaker ${P}/web/portfolio/pricing.py:14`,
        `calls/trace-not-propagated ${P}/web/portfolio/pricing.py:14`,
        `calls/no-breaker ${P}/web/reports/market.py:13`,
        `calls/no-timeout ${P}/web/reports/market.py:13`,
        `calls/retry-no-backoff ${P}/web/reports/market.py:13`,
        `calls/trace-not-propagated ${P}/web/reports/market.py:13`,
      ].sort(),
    );
    // Each target came through the deployed environment: compose's DATA_URL for every caller.
    for (const c of res.calls) expect(c.target.sources.some((s) => s.kind === "env" && s.file === `${P}/docker-compose.yml`), `${c.file}:${c.line}`).toBe(true);
  });
});
