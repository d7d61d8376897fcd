import path from "node:path";
import type { ComposeInfo } from "../../model.js";
import { keyLine, nodeAt, parseYaml, toPlain } from "../../lang/yaml/parse.js";

export const COMPOSE_NAME = /^(docker-)?compose(\.[\w-]+)*\.ya?ml$/;

type Obj = Record<string, unknown>;

/** Reads every service of a compose file; `file` is the display path, `abs` resolves build contexts. */
export function parseCompose(text: string, file: string, abs: string): ComposeInfo[] {
  const { docs, lineOf } = parseYaml(text, file);
  const doc = docs[0];
  if (!doc) return [];
  const root = toPlain(doc, file) as Obj | null;
  const services = root && typeof root === "object" ? (root.services as Obj | undefined) : undefined;
  if (!services || typeof services !== "object") return [];
  const out: ComposeInfo[] = [];
  for (const [name, raw] of Object.entries(services)) {
    const svc = (raw ?? {}) as Obj;
    const line = lineOf(nodeAt(doc, ["services", name])) ?? 1;
    const at = keyLine(doc, ["services", name], lineOf) ?? line;
    const info: ComposeInfo = {
      file,
      service: name,
      line: at,
      image: typeof svc.image === "string" ? svc.image : undefined,
      ports: parsePorts(svc.ports),
      dependsOn: parseDependsOn(svc.depends_on),
      environment: parseEnv(svc.environment),
    };
    if (svc.build !== undefined) {
      const b = typeof svc.build === "string" ? { context: svc.build } : (svc.build as Obj);
      const context = path.resolve(path.dirname(abs), String(b.context ?? "."));
      info.build = { context, dockerfile: typeof b.dockerfile === "string" ? b.dockerfile : undefined };
      if (typeof b.target === "string") info.build.target = b.target;
    }
    for (const key of ["command", "entrypoint"] as const) {
      const v = svc[key];
      if (typeof v === "string" || (Array.isArray(v) && v.length)) {
        info[key] = { value: typeof v === "string" ? v : v.map(String), line: keyLine(doc, ["services", name, key], lineOf) ?? at };
      }
    }
    const hc = svc.healthcheck as Obj | undefined;
    if (hc && typeof hc === "object") {
      const test = Array.isArray(hc.test) ? hc.test.map(String) : hc.test === undefined ? [] : [String(hc.test)];
      info.healthcheck = {
        line: keyLine(doc, ["services", name, "healthcheck"], lineOf) ?? at,
        test: test[0] === "CMD" || test[0] === "CMD-SHELL" ? test.slice(1).join(" ") : test.join(" "),
        disabled: hc.disable === true || test[0] === "NONE",
        interval: typeof hc.interval === "string" ? hc.interval : undefined,
        retries: typeof hc.retries === "number" ? hc.retries : undefined,
      };
    }
    out.push(info);
  }
  return out;
}


function parsePorts(v: unknown): ComposeInfo["ports"] {
  if (!Array.isArray(v)) return [];
  const out: ComposeInfo["ports"] = [];
  for (const p of v) {
    if (p && typeof p === "object") {
      const o = p as Obj;
      const container = Number(o.target);
      if (Number.isInteger(container)) out.push({ container, host: o.published === undefined ? undefined : Number(o.published) });
      continue;
    }
    // "8001:8000", "127.0.0.1:8001:8000", "8000", "8000/tcp", "8000-8001:8000-8001" (first of a range)
    const spec = String(p).split("/")[0]!;
    const parts = spec.split(":");
    const container = Number.parseInt(parts[parts.length - 1]!, 10);
    const host = parts.length >= 2 ? Number.parseInt(parts[parts.length - 2]!, 10) : undefined;
    if (Number.isInteger(container)) out.push({ container, host: Number.isInteger(host) ? host : undefined });
  }
  return out;
}

function parseDependsOn(v: unknown): ComposeInfo["dependsOn"] {
  if (Array.isArray(v)) return v.map((n) => ({ name: String(n) }));
  if (v && typeof v === "object") {
    return Object.entries(v as Obj).map(([name, c]) => ({
      name,
      condition: c && typeof c === "object" && typeof (c as Obj).condition === "string" ? String((c as Obj).condition) : undefined,
    }));
  }
  return [];
}

function parseEnv(v: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = String(e);
      const i = s.indexOf("=");
      if (i > 0) env[s.slice(0, i)] = s.slice(i + 1);
      else env[s] = "";
    }
  } else if (v && typeof v === "object") {
    for (const [k, val] of Object.entries(v as Obj)) env[k] = val === null || val === undefined ? "" : String(val);
  }
  return env;
}
