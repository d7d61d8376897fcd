import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { PLATFORM, fks } from "../helpers.js";

/** A fresh copy of examples/platform in a temp folder. */
export function platformCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fks-scaffold-"));
  cpSync(PLATFORM, dir, { recursive: true });
  return dir;
}

/** A copy that `fks scaffold health --force` has run on; fails the caller when scaffolding fails. */
export function scaffolded(): string {
  const dir = platformCopy();
  const r = fks(["scaffold", "health", dir, "--force"]);
  if (r.code !== 0) throw new Error(`scaffold failed (${r.code}): ${r.stderr}`);
  return dir;
}

/** Hash of every file's path and content: equal hashes mean nothing was written. */
export function treeHash(dir: string): string {
  const h = createHash("sha256");
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const f = path.join(d, name);
      if (statSync(f).isDirectory()) visit(f);
      else h.update(path.relative(dir, f)).update("\0").update(readFileSync(f)).update("\0");
    }
  };
  visit(dir);
  return h.digest("hex");
}
