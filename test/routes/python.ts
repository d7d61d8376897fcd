import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The venv python prepared by scripts/env/setup.sh (FKS_PYTHON, or the path its env.sh
 * names, or the default cache location); throws with the reason when it is missing.
 */
export function venvPython(): string {
  const cache = process.env.FKS_CACHE || path.join(os.homedir(), ".cache", "fks");
  let p = process.env.FKS_PYTHON;
  const envFile = path.join(cache, "env.sh");
  if (!p && existsSync(envFile)) p = /FKS_PYTHON='([^']+)'/.exec(readFileSync(envFile, "utf8"))?.[1];
  p ??= path.join(cache, "pyenv", "bin", "python");
  if (!existsSync(p)) throw new Error(`Python venv not found at ${p}: run \`bash scripts/env/setup.sh\` first`);
  return p;
}
