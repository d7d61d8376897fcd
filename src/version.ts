import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** fks's own version, from package.json (reports such as SARIF name the tool that wrote them). */
export const VERSION = (require("../package.json") as { version: string }).version;
