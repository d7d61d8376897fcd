/**
 * Reads what scripts/env/setup.sh prepared (${FKS_CACHE:-~/.cache/fks}/env.sh): the Docker
 * engine and the Python venv. Process environment wins over the file.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function envFile(): Record<string, string> {
  const file = path.join(process.env.FKS_CACHE || path.join(os.homedir(), ".cache", "fks"), "env.sh");
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^export ([A-Z_][A-Z0-9_]*)='(.*)'$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/'\\''/g, "'");
  }
  return out;
}

export function dockerHost(): { host?: string; reason?: string } {
  const env: Record<string, string | undefined> = { ...envFile(), ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) };
  if (env.DOCKER_HOST) {
    const sock = env.DOCKER_HOST.replace(/^unix:\/\//, "");
    if (env.DOCKER_HOST.startsWith("unix://") && !existsSync(sock)) return { reason: `Docker socket ${sock} is gone — run bash scripts/env/setup.sh` };
    return { host: env.DOCKER_HOST };
  }
  return { reason: env.FKS_DOCKER_UNAVAILABLE ? `Docker engine unavailable: ${env.FKS_DOCKER_UNAVAILABLE}` : "no Docker engine — run bash scripts/env/setup.sh" };
}

export function python(): { bin?: string; reason?: string } {
  const p = process.env.FKS_PYTHON || envFile().FKS_PYTHON || path.join(os.homedir(), ".cache", "fks", "pyenv", "bin", "python");
  return existsSync(p) ? { bin: p } : { reason: `Python venv not found at ${p} — run bash scripts/env/setup.sh` };
}
