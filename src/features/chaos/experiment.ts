import type { z } from "zod";
import { experimentSchema, type ChaosSettings, type RawExperiment, type RawFault } from "../../config/chaos.js";
import { ConfigError, type ConfigIssue } from "../../errors.js";
import { keyLine, nodeAt, parseYaml, toPlain } from "../../lang/yaml/parse.js";
import type { Experiment, Fault, SourceRef } from "./types.js";

type Doc = ReturnType<typeof parseYaml>["docs"][number];
type LineOf = (p: PropertyKey[]) => number | undefined;

/**
 * Reads an experiment file (YAML or JSON) into the model. Every problem — YAML shape, an
 * unknown service, a negative duration, an unknown toxic — is collected with its file:line and
 * thrown as one ConfigError before anything could be applied.
 */
export function parseExperimentFile(text: string, file: string, ctx: { settings: ChaosSettings; services: ReadonlySet<string> }): Experiment {
  const parsed = parseYaml(text, file);
  const doc = parsed.docs[0]!;
  const lineOf: LineOf = (p) => (p.length ? keyLine(doc, p, parsed.lineOf) : undefined) ?? parsed.lineOf(nodeAt(doc, p));
  const raw = toPlain(doc, file) ?? {};
  const fallbackName = file.replace(/^.*[\\/]/, "").replace(/\.(ya?ml|json)$/i, "");
  return buildExperiment(raw, { ...ctx, file, lineOf, fallbackName, base: [] });
}

/** An experiment written under chaos.experiments in fks.yaml, with lines from that document. */
export function experimentFromConfig(
  nameOf: string,
  raw: unknown,
  ctx: { settings: ChaosSettings; services: ReadonlySet<string>; file: string; doc?: Doc; lineOfNode?: (n: unknown) => number | undefined },
): Experiment {
  const base = ["chaos", "experiments", nameOf];
  const lineOf: LineOf = (p) => (ctx.doc && ctx.lineOfNode ? ctx.lineOfNode(nodeAt(ctx.doc, p)) : undefined);
  return buildExperiment(raw, { ...ctx, lineOf, fallbackName: nameOf, base });
}

function buildExperiment(
  raw: unknown,
  c: { settings: ChaosSettings; services: ReadonlySet<string>; file: string; lineOf: LineOf; fallbackName: string; base: string[] },
): Experiment {
  const issues: ConfigIssue[] = [];
  const at = (p: PropertyKey[]): number | undefined => c.lineOf([...c.base, ...p]);
  const issue = (p: PropertyKey[], message: string, hint: string) => issues.push({ file: c.file, line: at(p), path: [...c.base, ...p].join("."), message, hint });
  const known = [...c.services].sort();
  const unknownService = (p: PropertyKey[], v: unknown) => {
    if (typeof v === "string" && !c.services.has(v)) issue(p, `unknown service "${v}"`, known.length ? `use one of: ${known.join(", ")}` : "declare it under services: in fks.yaml");
  };
  // Names are checked on the raw document too, so one pass reports them beside shape errors.
  const rawObj = (raw ?? {}) as { faults?: unknown; traffic?: unknown };
  if (Array.isArray(rawObj.faults)) {
    rawObj.faults.forEach((f: { service?: unknown; from?: unknown } | null, i) => {
      unknownService(["faults", i, "service"], f?.service);
      unknownService(["faults", i, "from"], f?.from);
    });
  }
  if (Array.isArray(rawObj.traffic)) rawObj.traffic.forEach((t: { service?: unknown } | null, i) => unknownService(["traffic", i, "service"], t?.service));
  const r = experimentSchema.safeParse(raw, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) {
      const keys = i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k]) : [i.path];
      for (const p of keys) issue(p as PropertyKey[], describe(i), hintFor(i));
    }
    throw new ConfigError(sortIssues(issues));
  }
  const e: RawExperiment = r.data;
  e.faults.forEach((f, i) => {
    const p = ["faults", i];
    if (!f.action === !f.toxic) issue(p, f.action ? "has both action and toxic" : "needs an action (stop, kill, pause, restart) or a toxic (latency, timeout, bandwidth, reset_peer, slicer, down)", "one fault does one thing; write two faults with mode: together");
    if (f.signal && f.action !== "kill") issue([...p, "signal"], "signal only applies to action: kill", "remove it or use action: kill");
    if (f.toxic === "latency" && f.latency === undefined) issue(p, "a latency toxic needs latency", "e.g. latency: 2s (and jitter: 200ms)");
    if (f.toxic === "bandwidth" && f.rate === undefined) issue(p, "a bandwidth toxic needs rate (KB/s)", "e.g. rate: 10");
  });
  const ids = new Set<string>();
  const faults: Fault[] = e.faults.map((f, i) => {
    const fault = toFault(f, { file: c.file, line: at(["faults", i]) });
    if (ids.has(fault.id)) issue(["faults", i, "id"], `fault id "${fault.id}" is used twice`, "give each fault its own id:");
    ids.add(fault.id);
    return fault;
  });
  if (issues.length) throw new ConfigError(sortIssues(issues));
  const s = c.settings;
  return {
    name: e.name ?? c.fallbackName,
    description: e.description,
    mode: e.mode,
    faults,
    steadyState: {
      intervalMs: e.steadyState?.interval ?? s.interval,
      timeoutMs: e.steadyState?.timeout ?? s.timeout,
      baselineMs: e.steadyState?.baseline ?? s.baseline,
    },
    traffic: e.traffic.map((t, i) => ({
      service: t.service,
      method: t.method,
      path: t.path,
      rate: t.rate,
      maxLatencyMs: t.maxLatency ?? s.callerTimeout + s.latencyMargin,
      errorBudget: t.errorBudget,
      source: { file: c.file, line: at(["traffic", i]) },
    })),
    hypothesis: { recoveryMs: e.hypothesis?.recovery ?? s.recovery },
    source: { file: c.file, line: at([]) ?? 1 },
  };
}

function toFault(f: RawFault, source: SourceRef): Fault {
  const common = { service: f.service, durationMs: f.duration, source };
  if (f.action) {
    return { ...common, id: f.id ?? `${f.action}-${f.service}`, type: "container", action: f.action, signal: f.action === "kill" ? normalSignal(f.signal ?? "SIGKILL") : undefined };
  }
  const toxic = f.toxic!;
  return {
    ...common,
    id: f.id ?? `${toxic === "timeout" && !f.timeout ? "blackhole" : toxic}-${f.from ? `${f.from}-` : ""}${f.service}`,
    type: "network",
    toxic,
    from: f.from,
    stream: f.stream,
    toxicity: f.toxicity,
    latencyMs: f.latency,
    jitterMs: f.jitter,
    timeoutMs: toxic === "timeout" || toxic === "reset_peer" ? (f.timeout ?? 0) : f.timeout,
    rateKBps: f.rate,
    averageSize: f.averageSize,
    sizeVariation: f.sizeVariation,
    delayUs: f.delay,
  };
}

function normalSignal(s: string): string {
  return s.startsWith("SIG") ? s : `SIG${s}`;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return "unknown setting";
    case "invalid_type":
      return `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected} (got ${issue.input === undefined ? "nothing" : JSON.stringify(issue.input)})`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")} (got ${JSON.stringify(issue.input)})`;
    case "invalid_union":
      return "must be a duration like 250ms, 10s or 2m";
    default:
      return issue.message;
  }
}

function hintFor(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return "check the spelling (see fks chaos run --help) or remove it";
  if (issue.code === "invalid_value") return "fix the value";
  return "fix it and run again";
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
