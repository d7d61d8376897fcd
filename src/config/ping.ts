import { z } from "zod";

/** `ping:` in fks.yaml: run-wide defaults for `fks ping`; flags override them. */
export const pingSettingsSchema = z
  .object({
    timeout: z.number().int().min(1).max(600_000).default(2000).describe("Deadline of one probe attempt in ms: connect, headers and body together."),
    retries: z.number().int().min(0).max(20).default(2).describe("Extra attempts after a failed one, with exponential backoff and jitter."),
    timeoutRetries: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(0)
      .describe(
        "Retries (within `retries`) after an attempt that used up its whole deadline (no connection, no response, headers or body incomplete). Default 0: a deadline of silence is the answer, and retrying it costs another full deadline; use --wait for services still starting.",
      ),
    threshold: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe("Consecutive failures after which a service is unhealthy and its circuit breaker opens."),
    tokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
      .default("FKS_HEALTH_TOKEN")
      .describe("Environment variable holding a bearer token sent to the health endpoint only; its value is never printed."),
    concurrency: z.number().int().min(1).max(1000).default(64).describe("Probes in flight at once."),
    maxBodyBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024).describe("Responses larger than this fail."),
    failOn: z.enum(["warn", "fail"]).default("fail").describe("Exit 1 on degraded services too (warn) or only on unhealthy ones (fail)."),
    baseUrl: z
      .string()
      .min(1)
      .optional()
      .describe("Template for services without a URL: {name} (Kubernetes Service or service name), {service}, {port} (Service port), {containerPort}; e.g. http://{name}.svc:{port}."),
  })
  .strict();

const endpointKey = z.enum(["live", "ready", "health"]);

const endpointAssertion = z
  .object({
    status: z
      .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
      .optional()
      .describe("Expected HTTP status or statuses."),
    json: z
      .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe('JSON-path → expected value, e.g. {"$.checks[\'db:ping\'][0].status": "pass"}.'),
    headers: z.record(z.string().min(1), z.string()).optional().describe("Header → expected value; /…/ is a regular expression."),
    maxLatencyMs: z.number().int().min(1).optional().describe("Fail when the answer takes longer."),
  })
  .strict();

/** `services.<name>.ping:` per-service probing choices and assertions. */
export const servicePingSchema = z
  .object({
    skip: z.boolean().optional().describe("Leave this service out of fks ping."),
    endpoints: z.array(endpointKey).min(1).optional().describe("Which of live, ready, health to probe (default: all three)."),
    container: z.string().min(1).optional().describe("Container name whose Docker health is shown beside the HTTP result."),
    assert: z
      .object({ live: endpointAssertion.optional(), ready: endpointAssertion.optional(), health: endpointAssertion.optional() })
      .strict()
      .optional(),
  })
  .strict();

export type PingSettings = z.infer<typeof pingSettingsSchema>;
export type ServicePing = z.infer<typeof servicePingSchema>;
export type EndpointAssertion = z.infer<typeof endpointAssertion>;
export type EndpointKey = z.infer<typeof endpointKey>;

export function pingDefaults(given?: Partial<PingSettings>): PingSettings {
  return pingSettingsSchema.parse(given ?? {});
}
