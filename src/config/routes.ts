import { z } from "zod";

/** `rules:` in fks.yaml — severity per route rule plus the options some rules take. */
const level = z.enum(["off", "note", "warning", "error"]);

const withOptions = <T extends z.ZodRawShape>(shape: T) =>
  z.union([level, z.object({ severity: level.optional(), ...shape }).strict()]);

export const routeRulesSchema = z
  .object({
    "route-path-case": withOptions({
      case: z.enum(["auto", "kebab", "snake", "camel"]).optional().describe("auto: the case most segments of the catalog use."),
    }),
    "route-version-prefix": withOptions({
      policy: z.enum(["consistent", "required", "forbidden"]).optional().describe("consistent: flag unversioned routes where most are versioned."),
    }),
    "route-trailing-slash": withOptions({
      style: z.enum(["consistent", "never", "always"]).optional(),
    }),
    "route-verb-in-path": withOptions({
      verbs: z.array(z.string().min(1)).optional().describe("Words that name actions, not resources."),
    }),
    "route-duplicate": level,
    "route-overlap": level,
    "route-near-overlap": level,
    "route-shadowed": level,
    "route-health-missing": level,
    "route-unresolved": level,
    "route-not-mounted": level,
  })
  .partial()
  .strict()
  .describe("Route audit rules (fks audit routes): off, note, warning or error, some with options.");

export type RouteRulesConfig = z.infer<typeof routeRulesSchema>;
