import { z } from "zod";
import { durationSchema } from "./duration.js";

/**
 * `chaos:` in fks.yaml and the experiment files of `fks chaos run`. The raw shapes here are
 * turned into the model of src/features/chaos/types.ts by the experiment parser.
 */

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a service name (letters, digits, '-', '_' or '.')");

export const faultSchema = z
  .object({
    id: z.string().min(1).optional().describe("Names the fault's phase in reports (default: <action|toxic>-<service>)."),
    service: name.describe("The service the fault hits; for network faults the callee."),
    action: z.enum(["stop", "kill", "pause", "restart"]).optional().describe("Container fault through the Docker engine."),
    signal: z.string().regex(/^(SIG)?[A-Z0-9]+$/, "must be a signal name such as SIGKILL or SIGTERM").optional().describe("kill: the signal sent (default SIGKILL)."),
    toxic: z
      .enum(["latency", "timeout", "bandwidth", "reset_peer", "slicer", "down"])
      .optional()
      .describe("Network fault through Toxiproxy on the edges into the service (blackhole: timeout with timeout 0)."),
    from: name.optional().describe("Network faults: only the edge from this caller."),
    stream: z.enum(["downstream", "upstream"]).default("downstream"),
    toxicity: z.number().min(0).max(1).default(1),
    duration: durationSchema().describe("How long the fault stays applied."),
    latency: durationSchema(0).optional(),
    jitter: durationSchema(0).optional(),
    timeout: durationSchema(0).optional().describe("timeout toxic: close the connection after this long; 0 holds it forever (blackhole)."),
    rate: z.number().positive().optional().describe("bandwidth toxic: KB/s."),
    averageSize: z.number().int().positive().optional(),
    sizeVariation: z.number().int().min(0).optional(),
    delay: z.number().int().min(0).optional().describe("slicer toxic: microseconds between slices."),
  })
  .strict();

export const trafficSchema = z
  .object({
    service: name,
    path: z.string().startsWith("/"),
    method: z.literal("GET").default("GET"),
    rate: z.number().positive().max(200).default(5).describe("Requests per second."),
    maxLatency: durationSchema().optional().describe("Default: chaos.callerTimeout plus chaos.latencyMargin."),
    errorBudget: z.number().min(0).max(1).default(0.05).describe("Share of requests per phase that may fail."),
  })
  .strict();

export const experimentSchema = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    mode: z.enum(["sequence", "together"]).default("sequence"),
    faults: z.array(faultSchema).min(1, "an experiment needs at least one fault"),
    steadyState: z
      .object({ interval: durationSchema().optional(), timeout: durationSchema().optional(), baseline: durationSchema(0).optional() })
      .strict()
      .optional(),
    traffic: z.array(trafficSchema).default([]),
    hypothesis: z.object({ recovery: durationSchema().optional() }).strict().optional(),
  })
  .strict();

const edgeSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).optional().describe("Toxiproxy proxy name (default: <from>-<to>)."),
    from: name.describe("The caller."),
    to: name.describe("The callee."),
    critical: z.boolean().default(false).describe("The caller is not ready without the callee: its /ready may fail while the callee is down."),
    listen: z.string().regex(/^[^:\s]+:\d+$/, "must be host:port").optional().describe("Where the Toxiproxy proxy for this edge listens."),
    upstream: z.string().regex(/^[^:\s]+:\d+$/, "must be host:port").optional().describe("The callee's host:port (default: from its baseUrl)."),
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional().describe("The caller's environment variable with the callee's URL (compose override)."),
  })
  .strict();

export const chaosSettingsSchema = z
  .object({
    allow: z
      .array(z.string().min(1))
      .default([])
      .describe("Docker hosts (DOCKER_HOST values, e.g. unix:///var/run/docker.sock) fks may inject faults on; any other is refused."),
    maxDuration: durationSchema().default(600_000).describe("An experiment longer than this (baseline, faults and recovery) is refused."),
    interval: durationSchema().default(250).describe("Steady-state probe interval."),
    timeout: durationSchema().default(1000).describe("Steady-state probe deadline; a probe that uses it up is a hang."),
    baseline: durationSchema(0).default(1000).describe("Probing before the first fault."),
    recovery: durationSchema().default(15_000).describe("Time allowed after rollback for every service to pass again."),
    callerTimeout: durationSchema().default(1000).describe("The callers' own timeout; routes must answer within it plus latencyMargin."),
    latencyMargin: durationSchema(0).default(500),
    toxiproxy: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8474").describe("Toxiproxy's HTTP API."),
    journal: z.string().min(1).default(".fks/chaos-journal.json").describe("Where applied faults are recorded before they are applied, relative to fks.yaml."),
    targets: z
      .record(name, z.object({ container: z.string().min(1).optional() }).strict())
      .default({})
      .describe("Service → container name, when neither compose labels nor names say."),
    edges: z.array(edgeSchema).default([]).describe("Who calls whom; each edge can get a Toxiproxy proxy (fks chaos proxies)."),
    experiments: z.record(z.string().min(1), experimentSchema).default({}).describe("Named experiments, run with fks chaos run <name>."),
  })
  .strict();

export type ChaosSettings = z.infer<typeof chaosSettingsSchema>;
export type RawExperiment = z.infer<typeof experimentSchema>;
export type RawFault = z.infer<typeof faultSchema>;

export function chaosDefaults(given?: unknown): ChaosSettings {
  return chaosSettingsSchema.parse(given ?? {});
}
