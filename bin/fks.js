#!/usr/bin/env node
import { statSync } from "node:fs";

// `fks split-plan` starts from one bundled module when the build made it (scripts/bundle-split.mjs):
// the same code in three files instead of thirty. A bundle older than the compiled CLI is stale
// (compiled again without bundling) and ignored; anything else runs dist/cli.js.
const dist = new URL("../dist/", import.meta.url);
const mtime = (name) => statSync(new URL(name, dist), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const split = process.argv.slice(2).find((a) => !a.startsWith("-")) === "split-plan";
const bundled = split ? mtime("split-plan.bundle.js") : -1;
const entry = bundled >= 0 && bundled >= mtime("cli.js") ? "split-plan.bundle.js" : "cli.js";
import(new URL(entry, dist).href).then((m) => m.main(process.argv));
