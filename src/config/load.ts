import path from "node:path";
import { parse as parseYamlValue } from "yaml";
import type { z } from "zod";
import { ConfigError, FksError, type ConfigIssue } from "../errors.js";
import { existsSync, readTextSync } from "../io/fs.js";
import { nodeAt, parseYaml, toPlain } from "../lang/yaml/parse.js";
import { configSchema, type FksConfig } from "./schema.js";

export const CONFIG_NAMES = ["fks.yaml", "fks.yml"];

export interface LoadedConfig {
  config: FksConfig;
  /** Absolute path of the file read, if any. */
  file?: string;
  /** Folder that relative paths in the config are resolved against. */
  dir: string;
}

export interface LoadOptions {
  cwd: string;
  /** Explicit --config path; a missing explicit file is an error, a missing default one is not. */
  configPath?: string;
  env?: Record<string, string | undefined>;
}

export function findConfig(cwd: string, explicit?: string): string | undefined {
  if (explicit) {
    const p = path.resolve(cwd, explicit);
    if (!existsSync(p)) throw new FksError(`config file not found: ${explicit}`, { hint: "check the --config path or run fks init" });
    return p;
  }
  for (const name of CONFIG_NAMES) {
    const p = path.join(cwd, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Loads fks.yaml with precedence defaults < file < FKS_* environment; flags are applied by commands. */
export function loadConfig(opts: LoadOptions): LoadedConfig {
  const file = findConfig(opts.cwd, opts.configPath);
  const shown = file ? path.relative(opts.cwd, file) || path.basename(file) : "fks.yaml";
  let raw: Record<string, unknown> = {};
  let doc: ReturnType<typeof parseYaml>["docs"][number] | undefined;
  let lineOf: ((n: unknown) => number | undefined) | undefined;
  if (file) {
    const parsed = parseYaml(readTextSync(file), shown);
    doc = parsed.docs[0];
    lineOf = parsed.lineOf;
    const plain = doc ? toPlain(doc, shown) : {};
    if (plain !== null && plain !== undefined && (typeof plain !== "object" || Array.isArray(plain))) {
      throw new FksError(`${shown}:1 must be a mapping of settings`, { file: shown, line: 1, hint: "start from fks init" });
    }
    raw = (plain ?? {}) as Record<string, unknown>;
  }
  const envSources = applyEnv(raw, opts.env ?? {});
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const issues: ConfigIssue[] = result.error.issues.flatMap((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      return keys.map((p) => {
        const dotted = p.map(String).join(".");
        const envName = envSources.get(dotted) ?? [...envSources.entries()].find(([k]) => dotted.startsWith(k + "."))?.[1];
        const line = doc && lineOf && !envName ? lineOf(nodeAt(doc, p as PropertyKey[])) : undefined;
        return {
          file: envName ? `environment ${envName}` : shown,
          line,
          path: dotted,
          message: describeIssue(issue),
          hint: hintFor(issue),
        } satisfies ConfigIssue;
      });
    });
    throw new ConfigError(issues);
  }
  return { config: result.data, file, dir: file ? path.dirname(file) : opts.cwd };
}

/**
 * FKS_SERVICES__API__BASEURL=http://… sets services.api.baseUrl. Only variables whose first
 * segment names a top-level setting count, so FKS_HEALTH_TOKEN and friends are left alone.
 */
function applyEnv(raw: Record<string, unknown>, env: Record<string, string | undefined>): Map<string, string> {
  const sources = new Map<string, string>();
  const top = Object.keys(configSchema.shape);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("FKS_") || value === undefined) continue;
    const segs = name.slice(4).split("__").filter(Boolean);
    const first = top.find((k) => k.toLowerCase() === segs[0]?.toLowerCase());
    if (!first) continue;
    const keys: string[] = [first];
    let node: Record<string, unknown> = raw;
    let schemaNode: z.ZodType | undefined = (configSchema.shape as Record<string, z.ZodType>)[first];
    for (let i = 1; i < segs.length; i++) {
      const parentKey = keys[i - 1]!;
      if (typeof node[parentKey] !== "object" || node[parentKey] === null) node[parentKey] = {};
      node = node[parentKey] as Record<string, unknown>;
      const shape = objectShape(schemaNode);
      const seg = segs[i]!;
      const known = [...Object.keys(node), ...Object.keys(shape ?? {})].find((k) => k.toLowerCase() === seg.toLowerCase());
      keys.push(known ?? seg.toLowerCase());
      schemaNode = shape ? shape[keys[i]!] : recordValue(schemaNode);
    }
    const last = keys[keys.length - 1]!;
    node[last] = parseYamlValue(value);
    sources.set(keys.join("."), name);
  }
  return sources;
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s as { def?: { type?: string; innerType?: z.ZodType } } | undefined;
  while (cur?.def && (cur.def.type === "optional" || cur.def.type === "default" || cur.def.type === "nullable")) {
    cur = cur.def.innerType as typeof cur;
  }
  return cur as z.ZodType | undefined;
}

function objectShape(s: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  const u = unwrap(s) as { def?: { type?: string; shape?: Record<string, z.ZodType> } } | undefined;
  return u?.def?.type === "object" ? u.def.shape : undefined;
}

function recordValue(s: z.ZodType | undefined): z.ZodType | undefined {
  const u = unwrap(s) as { def?: { type?: string; valueType?: z.ZodType } } | undefined;
  return u?.def?.type === "record" ? u.def.valueType : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return "unknown setting";
    case "invalid_type":
      return `must be ${article(issue.expected)} (got ${issue.input === undefined ? "nothing" : JSON.stringify(issue.input)})`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")} (got ${JSON.stringify(issue.input)})`;
    default:
      return issue.message;
  }
}

function hintFor(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return "check the spelling against schema/fks.schema.json or remove it";
  return "fix it or run fks init to regenerate";
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
