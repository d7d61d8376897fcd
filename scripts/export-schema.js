// Regenerates schema/fks.schema.json from the zod schema in the built library.
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../dist/config/json-schema.js";

writeFileSync(new URL("../schema/fks.schema.json", import.meta.url), JSON.stringify(configJsonSchema(), null, 2) + "\n");
