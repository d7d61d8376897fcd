import { z } from "zod";

/**
 * `calls:` in fks.yaml — severities of the `fks audit calls` rules and the fan-out threshold.
 * The ids are listed here (not imported from the feature) so the config layer stays free of
 * features; src/features/calls/rules.ts checks at compile time that both lists agree.
 */
export const CALL_RULE_IDS = [
  "calls/dead-call",
  "calls/redirect",
  "calls/no-timeout",
  "calls/retry-unbounded",
  "calls/retry-no-backoff",
  "calls/retry-non-idempotent",
  "calls/no-breaker",
  "calls/trace-not-propagated",
  "calls/call-cycle",
  "calls/fan-out",
  "calls/unresolved-target",
] as const;

export type CallRuleId = (typeof CALL_RULE_IDS)[number];

const level = z.enum(["off", "note", "warning", "error"]);

export const callsSettingsSchema = z
  .object({
    rules: z
      .object(Object.fromEntries(CALL_RULE_IDS.map((id) => [id, level])) as Record<CallRuleId, typeof level>)
      .partial()
      .strict()
      .optional()
      .describe("Severity per call rule: off, note, warning or error (default: each rule's own)."),
    fanOut: z.number().int().min(1).optional().describe("A service calling more distinct services than this is a calls/fan-out finding (default 5; --fan-out wins)."),
  })
  .strict();

export type CallsSettings = z.infer<typeof callsSettingsSchema>;
export type CallRuleLevel = z.infer<typeof level>;
