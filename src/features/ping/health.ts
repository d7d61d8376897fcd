import type { HealthCheck, Level } from "./types.js";

export interface ParsedHealth {
  /** The service's own verdict, when the body states one. */
  level?: Level;
  checks: HealthCheck[];
  /** Parsed JSON, for assertions and trace lookups. */
  json?: unknown;
  /** Set when the body claims to be JSON but is not. */
  invalid?: string;
}

const PASS = new Set(["pass", "ok", "up", "healthy", "green", "alive", "ready", "true", "success", "serving"]);
const WARN = new Set(["warn", "warning", "degraded", "yellow", "partial"]);
const FAIL = new Set(["fail", "failed", "down", "unhealthy", "error", "red", "critical", "false", "out_of_service", "not_serving", "unavailable"]);

/** Maps the many spellings of health in the wild onto pass/warn/fail. */
export function levelOf(v: unknown): Level | undefined {
  if (typeof v === "boolean") return v ? "pass" : "fail";
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  if (PASS.has(s)) return "pass";
  if (WARN.has(s)) return "warn";
  if (FAIL.has(s)) return "fail";
  return undefined;
}

/**
 * Reads IETF health+json (status, checks{"name:measure": [{status, …}]}) and the
 * common older shapes: {"status":"healthy"}, Spring's {"status":"UP","components":{…}},
 * {"healthy":true}, a bare "ok" or "UP" as text or JSON string.
 */
export function parseHealth(body: string, contentType: string | undefined): ParsedHealth {
  const text = body.trim();
  const ct = (contentType ?? "").toLowerCase();
  const claimsJson = /[/+]json\b/.test(ct);
  if (!text) return { checks: [] };
  const looksJson = /^[[{"]/.test(text);
  if (!claimsJson && !looksJson) return { level: levelOf(text.split(/\s/)[0]), checks: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // Text that merely starts like JSON without claiming to be JSON is still just text.
    if (!claimsJson) return { level: levelOf(text), checks: [] };
    return { checks: [], invalid: `body is not valid JSON (${(e as Error).message.split("\n")[0]})` };
  }
  if (typeof json === "string" || typeof json === "boolean") return { level: levelOf(json), checks: [], json };
  if (!json || typeof json !== "object" || Array.isArray(json)) return { checks: [], json };
  const o = json as Record<string, unknown>;
  const level = levelOf(o.status) ?? levelOf(o.state) ?? levelOf(o.health) ?? levelOf(o.healthy) ?? levelOf(o.ok);
  const checks: HealthCheck[] = [];
  checksOf(o.checks, checks);
  checksOf(o.components, checks);
  checksOf(o.details, checks);
  return { level: level ?? worst(checks.map((c) => c.status)), checks, json };
}

function checksOf(v: unknown, out: HealthCheck[]): void {
  if (!v || typeof v !== "object") return;
  const entries: Array<[string, unknown]> = Array.isArray(v)
    ? v.map((x, i) => [String((x as { name?: unknown })?.name ?? i), x])
    : Object.entries(v as Record<string, unknown>);
  for (const [name, value] of entries) {
    // IETF: a list of measurements per check; older shapes: one object or a bare status.
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      const obj = item && typeof item === "object" ? (item as Record<string, unknown>) : undefined;
      const status = obj ? (levelOf(obj.status) ?? levelOf(obj.state) ?? levelOf(obj.healthy)) : levelOf(item);
      if (!status) continue;
      const check: HealthCheck = { name, status };
      if (obj && typeof obj.output === "string" && obj.output) check.output = obj.output;
      if (obj && obj.observedValue !== undefined) check.observedValue = obj.observedValue;
      if (obj && typeof obj.observedUnit === "string") check.observedUnit = obj.observedUnit;
      out.push(check);
    }
  }
}

const RANK: Record<Level, number> = { pass: 0, warn: 1, fail: 2 };

export function worst(levels: Level[]): Level | undefined {
  let w: Level | undefined;
  for (const l of levels) if (!w || RANK[l] > RANK[w]) w = l;
  return w;
}

export function atLeast(level: Level, threshold: Level): boolean {
  return RANK[level] >= RANK[threshold];
}
