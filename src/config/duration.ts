import { z } from "zod";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "250ms", "10s", "2m", "1.5s" or a bare number of milliseconds → ms; undefined when not a duration. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "ms"]!);
}

/**
 * A duration in fks.yaml or an experiment file: a number of milliseconds or "10s"-style text.
 * `min` is the smallest accepted value in ms (0 allows "0s", e.g. a blackhole timeout).
 */
export function durationSchema(min = 1) {
  return z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({ code: "custom", message: `must be a duration like 250ms, 10s or 2m (got ${JSON.stringify(v)})` });
        return z.NEVER;
      }
      if (ms < min) {
        ctx.addIssue({ code: "custom", message: `must be ${min === 0 ? "zero or positive" : "positive"} (got ${JSON.stringify(v)})` });
        return z.NEVER;
      }
      return ms;
    })
    .describe("A duration: milliseconds as a number, or text such as 250ms, 10s, 2m.");
}
