import { z } from "zod";

/** Module patterns: a dotted module (matching itself and its submodules), `*` for one segment, `**` for any. */
const modules = z.array(z.string().min(1)).min(1);

const common = {
  name: z.string().min(1).optional().describe("Shown in findings; defaults to the contract's type and position."),
  ignore: z.array(z.string().regex(/^\S+\s*->\s*\S+$/, 'write ignored imports as "importer -> imported"')).optional()
    .describe('Imports this contract tolerates, as "importer -> imported" module patterns.'),
};

export const contractSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("layers"),
    ...common,
    layers: z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).min(2)
      .describe("Highest layer first; a layer may import only layers below it. A list in one slot is a layer of independent siblings."),
    containers: z.array(z.string().min(1)).optional().describe("Packages the layer names are relative to."),
  }).strict(),
  z.object({
    type: z.literal("forbidden"),
    ...common,
    source: modules.describe("Modules that must not import the forbidden ones."),
    forbidden: modules.describe("Modules (or third-party packages) the source must not import."),
  }).strict(),
  z.object({
    type: z.literal("independence"),
    ...common,
    modules: modules.min(2).describe("Modules that must not import each other."),
  }).strict(),
]);

export const contractsSchema = z.array(contractSchema).optional()
  .describe("Import contracts that fks split-plan --check enforces (like import-linter): layers, forbidden imports, independent modules.");

export type Contract = z.infer<typeof contractSchema>;
