// `npm run build` step: the Python import scanner compiled from crates/pyscan to dist/pyscan.wasm.
// `fks split-plan` uses it when it is there and the TypeScript scanner (same results) when not, so
// a machine without Rust still builds; a stale copy is never left behind.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const crate = path.join(root, "crates", "pyscan");
const target = "wasm32-unknown-unknown";
const out = path.join(root, "dist", "pyscan.wasm");
rmSync(out, { force: true });

const cargo = (args) => spawnSync("cargo", args, { cwd: crate, encoding: "utf8" });
const build = () => cargo(["build", "--release", "--quiet", "--target", target]);
let r = build();
if (r.error) {
  process.stderr.write(`cargo is not installed: no ${path.relative(root, out)}, fks split-plan scans with the TypeScript scanner\n`);
  process.exit(0);
}
if (r.status !== 0 && /target may not be installed|can't find crate for `(core|std)`/.test(r.stderr)) {
  const add = spawnSync("rustup", ["target", "add", target], { encoding: "utf8" });
  if (add.status === 0) r = build();
}
if (r.status !== 0) {
  process.stderr.write(`${r.stderr}building crates/pyscan for ${target} failed: fks split-plan scans with the TypeScript scanner\n`);
  process.exit(0);
}
const wasm = path.join(crate, "target", target, "release", "pyscan.wasm");
if (!existsSync(wasm)) {
  process.stderr.write(`cargo built no ${wasm}: fks split-plan scans with the TypeScript scanner\n`);
  process.exit(0);
}
mkdirSync(path.dirname(out), { recursive: true });
copyFileSync(wasm, out);
