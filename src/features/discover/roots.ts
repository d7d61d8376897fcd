import path from "node:path";
import { FksError } from "../../errors.js";
import { isDirectory } from "../../io/fs.js";

/** What names the folders a command reads: the paths given, else fks.yaml `roots:`, else the config folder or cwd. */
export interface RootsOptions {
  paths?: string[];
  cwd: string;
  config?: { roots?: string[] };
  configDir?: string;
}

/** The folders to read, absolute; a path that is not a folder is a usage error naming it as the user wrote it. */
export function resolveRoots(opts: RootsOptions): string[] {
  const base = opts.configDir ?? opts.cwd;
  const given = opts.paths?.length ? opts.paths.map((p) => path.resolve(opts.cwd, p)) : undefined;
  const roots = given ?? (opts.config?.roots?.length ? opts.config.roots.map((r) => path.resolve(base, r)) : [base]);
  for (const [i, r] of roots.entries()) {
    if (!isDirectory(r)) {
      throw new FksError(`path not found or not a folder: ${given ? opts.paths![i]! : r}`, { hint: given ? "pass the folders or repositories that hold your services" : "fix roots in fks.yaml" });
    }
  }
  return roots;
}
