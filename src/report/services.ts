import type { DiscoverResult } from "../features/discover/index.js";
import { serviceRole, type ServiceRecord } from "../model.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";

export function servicesJson(result: DiscoverResult): string {
  return json({
    roots: result.roots,
    services: result.services.map((s) => ({ ...s, role: serviceRole(s) })),
    dependencies: result.dependencies,
    diagnostics: result.diagnostics,
  });
}

export function servicesTable(result: DiscoverResult, style: Style): string {
  const c = colorsFor(style);
  const missing = c.dim("—");
  // One root: show paths relative to it, so the column stays readable.
  const root = result.roots.length === 1 && result.roots[0] !== "." ? result.roots[0]! : undefined;
  const prefix = root ? root.replace(/\/$/, "") + "/" : "";
  const rows = result.services.map((s) => [
    s.name,
    kindCell(s) || missing,
    s.port ? String(s.port) : missing,
    (serviceRole(s) === "worker" || serviceRole(s) === "off-the-shelf" ? c.dim("n/a") : healthCell(s)) || missing,
    dockerCell(s, c) || missing,
    composeCell(s, c) || missing,
    probesCell(s) || missing,
    where(s, prefix),
  ]);
  let out = renderTable(["service", "language", "port", "health in code", "Dockerfile HEALTHCHECK", "compose healthcheck", "k8s probes", "found in"], rows, style);
  if (root) out += c.dim(`(files relative to ${root})`) + "\n";
  const entries = result.services.filter((s) => s.entry);
  if (entries.length) out += "\n";
  for (const s of entries) out += `${s.name}  ${entryLine(s.entry!, prefix, c)}\n`;
  if (result.dependencies.length) {
    out += `\ndependencies: ${result.dependencies.map((d) => (d.kind === "other" || d.kind === d.name ? d.name : `${d.name} (${d.kind})`)).join(", ")}\n`;
  }
  const problems = result.diagnostics.filter((d) => d.severity !== "note");
  for (const d of problems) out += `${d.severity === "error" ? c.red("error") : c.yellow("warning")}: ${d.file ? `${d.file}${d.line ? ":" + d.line : ""} ` : ""}${d.message}\n`;
  return out;
}

/** One short line: the chain as `file:line text` steps, then the app and, when no command tells, why this one. */
export function entryLine(e: NonNullable<ServiceRecord["entry"]>, prefix: string, c: ReturnType<typeof colorsFor>): string {
  const steps = e.chain.map((x) => `${prefix && x.file.startsWith(prefix) ? x.file.slice(prefix.length) : x.file}:${x.line} ${shorten(x.text, 44)}`);
  const app = e.app ? ` ${c.dim("⇒")} ${e.app}` : "";
  const why = e.confidence !== "command" || !e.app ? c.dim(` (${shorten(e.reason, 140)})`) : "";
  return `entry: ${steps.join(" → ") || c.yellow("none")}${app}${why}`;
}

/** Language and framework, and what the container runs when it is not the repository's HTTP app. */
function kindCell(s: ServiceRecord): string {
  const code = [s.language, s.framework].filter(Boolean).join("/");
  switch (serviceRole(s)) {
    case "worker": return `${code ? code + " " : ""}worker`;
    case "off-the-shelf": return `${s.entry!.offTheShelf} (off-the-shelf)`;
    case "idle": return `${code ? code + " " : ""}(idle)`;
    default: return code;
  }
}

function healthCell(s: ServiceRecord): string {
  return [...new Set(s.healthInCode.map((h) => h.path))].join(" ");
}

function dockerCell(s: ServiceRecord, c: ReturnType<typeof colorsFor>): string {
  if (!s.dockerfile) return "";
  const hs = s.dockerfile.healthchecks;
  if (hs.length === 0) return c.yellow("none");
  const final = hs.filter((h) => h.inFinalStage).pop();
  if (!final) return c.yellow("builder stage only");
  if (final.none) return "NONE";
  return shorten(final.command, 32);
}

function composeCell(s: ServiceRecord, c: ReturnType<typeof colorsFor>): string {
  if (!s.compose) return "";
  const h = s.compose.healthcheck;
  if (!h) return c.yellow("none");
  return h.disabled ? "disabled" : shorten(h.test, 32);
}

function probesCell(s: ServiceRecord): string {
  if (!s.k8s) return "";
  const p = s.k8s.probes;
  const one = (label: string, x: typeof p.liveness) => (x ? `${label}:${x.type === "http" ? x.path : x.type}` : `${label}:-`);
  return [one("L", p.liveness), one("R", p.readiness), one("S", p.startup)].join(" ");
}

function where(s: ServiceRecord, prefix: string): string {
  const files = new Set<string>();
  for (const field of ["compose", "k8s", "dockerfile", "framework"]) {
    for (const w of s.sources[field] ?? []) files.add(prefix && w.startsWith(prefix) ? w.slice(prefix.length) : w);
  }
  if (s.configured) files.add("fks.yaml");
  return [...files].join(" ");
}

function shorten(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}
