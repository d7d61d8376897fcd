import { z } from "zod";
import { pingSettingsSchema, servicePingSchema } from "./ping.js";
import { contractsSchema } from "./contracts.js";
import { routeRulesSchema } from "./routes.js";
import { scaffoldSettingsSchema } from "./scaffold.js";
import { chaosSettingsSchema } from "./chaos.js";
import { callsSettingsSchema } from "./calls.js";

/**
 * The one fks.yaml schema. Every feature adds its section here so that users get one
 * JSON Schema for their editor and one set of error messages.
 */

const healthPaths = z
  .object({
    live: z.string().startsWith("/").default("/live").describe("Liveness path: no I/O, passes while the process serves."),
    ready: z.string().startsWith("/").default("/ready").describe("Readiness path: dependency checks."),
    health: z.string().startsWith("/").default("/health").describe("Full health report (details behind a token)."),
  })
  .strict();

export const serviceSchema = z
  .object({
    path: z.string().min(1).optional().describe("Folder or repository of the service, relative to fks.yaml; may lie outside it."),
    language: z.enum(["python", "rust", "typescript", "javascript", "go", "java", "other"]).optional(),
    framework: z
      .enum(["fastapi", "starlette", "flask", "django", "axum", "actix", "express", "fastify", "other"])
      .optional(),
    port: z.number().int().min(1).max(65535).optional().describe("Port the service listens on inside its container or host."),
    baseUrl: z.url({ protocol: /^https?$/ }).optional().describe("Where the running service answers, e.g. http://127.0.0.1:8001."),
    health: healthPaths.optional(),
    dependsOn: z
      .array(z.string().min(1))
      .optional()
      .describe("Other services by name, infrastructure (postgres, redis, rabbitmq, …) or http(s) URLs."),
    dockerfile: z.string().min(1).optional(),
    compose: z.object({ file: z.string().min(1).optional(), service: z.string().min(1).optional() }).strict().optional(),
    k8s: z
      .object({
        file: z.string().min(1).optional(),
        kind: z.enum(["Deployment", "StatefulSet", "DaemonSet"]).optional(),
        name: z.string().min(1).optional(),
        container: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    ping: servicePingSchema.optional().describe("How fks ping probes this service, with per-endpoint assertions."),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1).default(1).describe("Schema version of this file."),
    roots: z
      .array(z.string().min(1))
      .optional()
      .describe("Folders or repositories to scan when no paths are given (default: the folder of fks.yaml)."),
    services: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "service names are letters, digits, '-', '_' or '.'"), serviceSchema)
      .default({}),
    ping: pingSettingsSchema.optional().describe("Defaults for fks ping: timeout, retries, threshold, token variable."),
    contracts: contractsSchema,
    rules: routeRulesSchema.optional(),
    calls: callsSettingsSchema.optional().describe("fks audit calls: rule severities and the fan-out threshold."),
    scaffold: scaffoldSettingsSchema.optional().describe("Defaults for fks scaffold: health endpoint security and probe timing."),
    chaos: chaosSettingsSchema.optional().describe("fks chaos: allowed Docker hosts, steady-state timing, dependency edges, Toxiproxy, experiments."),
  })
  .strict();

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type FksConfig = z.infer<typeof configSchema>;
