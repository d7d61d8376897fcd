import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "../helpers.js";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Spawned asynchronously: the servers under test live in this process and must keep answering. */
export function fksAsync(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/fks.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1", CI: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

export interface JsonEndpoint {
  endpoint: string;
  url: string;
  status: string;
  attempts: number;
}
export interface JsonService {
  service: string;
  baseUrl: string;
  origin: string;
  status: string;
  endpoints: JsonEndpoint[];
  docker?: { container: string; state: string; health: string };
}
export interface JsonResult {
  ok: boolean;
  services: JsonService[];
  notes: string[];
}

/** Splits the concatenated pretty-printed JSON documents that --watch --format json writes. */
export function jsonDocs(text: string): { docs: JsonResult[]; rest: string } {
  const docs: JsonResult[] = [];
  let buf = text;
  let i: number;
  while ((i = buf.indexOf("\n}\n")) >= 0) {
    docs.push(JSON.parse(buf.slice(0, i + 2)) as JsonResult);
    buf = buf.slice(i + 3);
  }
  return { docs, rest: buf };
}

export const byName = (r: JsonResult) => Object.fromEntries(r.services.map((s) => [s.service, s]));
export const endpointsOf = (s: JsonService) => Object.fromEntries(s.endpoints.map((e) => [e.endpoint, e]));
