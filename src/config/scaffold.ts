import { z } from "zod";

/** `scaffold.health:` in fks.yaml: what `fks scaffold health` generates and how --check judges it; flags override it. */
export const scaffoldHealthSettingsSchema = z
  .object({
    tokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
      .default("FKS_HEALTH_TOKEN")
      .describe("Environment variable holding the token that unlocks /health details (Authorization: Bearer or X-Health-Token)."),
    rate: z.number().positive().max(10_000).default(10).describe("/health requests per second per client before 429 (token bucket)."),
    interval: z.number().int().min(10).max(30).default(15).describe("Seconds between HEALTHCHECK and compose health checks (10–30)."),
    timeout: z.number().int().min(1).max(60).default(3).describe("Seconds one probe may take (HEALTHCHECK --timeout, compose timeout, Kubernetes timeoutSeconds)."),
    startPeriod: z.number().int().min(0).max(600).default(10).describe("Seconds after start during which failures do not count (HEALTHCHECK --start-period, compose start_period)."),
    failureThreshold: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe("Consecutive failures that make a container unhealthy (HEALTHCHECK --retries, compose retries, Kubernetes failureThreshold); --check flags other values."),
    failOn: z.enum(["error", "warning", "note"]).default("error").describe("With --check: exit 1 on findings at or above this severity."),
  })
  .strict();

/** `scaffold:` in fks.yaml, one entry per scaffolder. */
export const scaffoldSettingsSchema = z
  .object({
    health: scaffoldHealthSettingsSchema.optional().describe("Defaults for fks scaffold health and its --check."),
  })
  .strict();

export type ScaffoldHealthSettings = z.infer<typeof scaffoldHealthSettingsSchema>;

/** The settings with defaults filled in, then `over` (flags) on top where given. */
export function scaffoldHealthSettings(file?: Partial<ScaffoldHealthSettings>, over: Partial<ScaffoldHealthSettings> = {}): ScaffoldHealthSettings {
  const given = Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined));
  return scaffoldHealthSettingsSchema.parse({ ...file, ...given });
}
