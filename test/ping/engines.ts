/** The shared engine helpers (test/env/engines.ts), in the shape the ping tests use. */
import { dockerAvailable, engineEnv, pythonBin } from "../env/engines.js";

export function dockerHost(): { host?: string; reason?: string } {
  const d = dockerAvailable();
  return d.ok ? { host: process.env.DOCKER_HOST ?? engineEnv().DOCKER_HOST } : { reason: d.reason };
}

export function python(): { bin?: string; reason?: string } {
  try {
    return { bin: pythonBin() };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}
