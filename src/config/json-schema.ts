import { z } from "zod";
import { configSchema } from "./schema.js";

/** JSON Schema for editors (the `$schema` comment that fks init writes points at it). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "fks.yaml",
  };
}
