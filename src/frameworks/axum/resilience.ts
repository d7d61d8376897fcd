import path from "node:path";
import { existsSync } from "../../io/fs.js";
import { GENERATED_MARK } from "../health/template.js";
import { cargoEdit } from "../resilience/cargo-deps.js";
import { fill, moduleFile, num, template } from "../resilience/template.js";
import type { CallsAdapter, CallsCodePlan, CallsContext, Requirement } from "../resilience/types.js";

/** Crates the generated Rust uses, with the versions fks builds it with. */
const CRATES: Record<"resilience" | "tracing", Requirement[]> = {
  resilience: [
    { name: "reqwest", version: "0.12", cargo: 'default-features = false, features = ["json"]' },
    // json: request_with's builder takes .json(..), as reqwest's own does.
    { name: "reqwest-middleware", version: "0.4", cargo: 'features = ["json"]' },
    { name: "reqwest-retry", version: "0.7" },
    { name: "failsafe", version: "1" },
  ],
  tracing: [
    { name: "tower-http", version: "0.6", cargo: 'features = ["request-id"]' },
    { name: "tracing", version: "0.1" },
    { name: "tracing-subscriber", version: "0.3", cargo: 'default-features = false, features = ["fmt", "ansi", "std"]' },
    { name: "uuid", version: "1", cargo: 'features = ["v4"]' },
  ],
};
const OTEL_CRATES: Requirement[] = [
  { name: "tracing", version: "0.1" },
  { name: "tracing-subscriber", version: "0.3", cargo: 'default-features = false, features = ["fmt", "ansi", "std"]' },
  { name: "opentelemetry", version: "0.31" },
  { name: "opentelemetry_sdk", version: "0.31" },
  { name: "opentelemetry-otlp", version: "0.31", cargo: 'default-features = false, features = ["http-proto", "reqwest-blocking-client", "trace"]' },
  { name: "tracing-opentelemetry", version: "0.32" },
];
const FEATURES: Record<"resilience" | "tracing", Record<string, string[]>> = { resilience: { tokio: ["time"], "reqwest-middleware": ["json"] }, tracing: { "tower-http": ["request-id"], uuid: ["v4"] } };

/**
 * axum: the module goes next to main.rs (`mod x;`), and wraps the router `axum::serve` serves:
 * `trace_context::layer(resilience::layer(app))` — the trace layers outermost, the shared client
 * in the router's state (`Extension<Downstreams>`). With both, main() hands the trace context to
 * the client before serving; with fks's health module, /ready gets one check per breaker.
 */
export const axumCalls: CallsAdapter = {
  async plan(ctx) {
    const otel = ctx.part === "tracing" && ctx.otel;
    const plan: CallsCodePlan = { edits: [], notes: [], requirements: otel ? OTEL_CRATES : CRATES[ctx.part] };
    const mainFile = path.join(ctx.dir, "src", "main.rs");
    const manifest = path.join(ctx.dir, "Cargo.toml");
    if (!existsSync(mainFile) || !existsSync(manifest)) {
      plan.notes.push({ message: "no src/main.rs with a Cargo.toml beside it", hint: "point fks at the binary crate that serves the router" });
      return plan;
    }
    const base = ctx.part === "resilience" ? "resilience" : "trace_context";
    const mod = moduleFile(path.dirname(mainFile), base, ".rs", ctx.part, ctx.read);
    const other = moduleFile(path.dirname(mainFile), ctx.part === "resilience" ? "trace_context" : "resilience", ".rs", ctx.part === "resilience" ? "tracing" : "resilience", ctx.read);
    const names = ctx.part === "resilience" ? { res: mod.name, trace: other.exists ? other.name : undefined } : { res: other.exists ? other.name : undefined, trace: mod.name };
    plan.module = mod.file;
    if (!mod.exists) {
      const s = ctx.settings;
      const body =
        ctx.part === "resilience"
          ? fill(template("resilience/axum/resilience.rs"), {
              SERVICE: ctx.service,
              DOWNSTREAMS: ctx.downstreams.map((d) => `    (${JSON.stringify(d.name)}, ${JSON.stringify(d.env)}), // ${d.from}`).join("\n"),
              TIMEOUT: num(s.timeout),
              CONNECT_TIMEOUT: num(s.connectTimeout),
              RETRIES: s.retries,
              BREAKER_THRESHOLD: s.breakerThreshold,
              BREAKER_RESET: num(s.breakerReset),
            })
          : fill(template(otel ? "tracing/axum/otel.rs" : "tracing/axum/trace_context.rs"), { SERVICE: ctx.service });
      const what = ctx.part === "resilience" ? `a shared reqwest client with a deadline, retries and a breaker per downstream (${ctx.downstreams.map((d) => d.name).join(", ") || "none found yet"})` : otel ? "OpenTelemetry tracing (tracing-opentelemetry, OTLP over HTTP)" : "W3C trace context and X-Request-ID for every request";
      plan.edits.push({ file: mod.file, before: null, after: body, reason: `add ${what}` });
    }
    const text = ctx.read(mainFile);
    let after = text;
    const reasons: string[] = [];
    if (!new RegExp(`^\\s*(pub\\s+)?mod\\s+${mod.name}\\s*;`, "m").test(after)) {
      after = addMod(after, mod.name);
      reasons.push(`declare mod ${mod.name}`);
    }
    const wrapped = wrapServed(after, mod.name, ctx.part === "resilience" ? names.trace : undefined);
    if (wrapped === undefined) plan.notes.push({ message: "src/main.rs: no `axum::serve(listener, router)` call found", file: mainFile, hint: `wrap the served router in ${mod.name}::layer(...) by hand` });
    else if (wrapped !== after) {
      after = wrapped;
      reasons.push(`wrap the served router in ${mod.name}::layer`);
    }
    if (names.res && names.trace && !after.includes(`${names.res}::propagate_with(`)) {
      const withHook = beforeServe(after, `${names.res}::propagate_with(${names.trace}::outgoing_headers);`);
      if (withHook) {
        after = withHook;
        reasons.push("send the trace context on every downstream call");
      }
    }
    // fks's health module sends the probe's trace on its HTTP checks once it knows where the trace is.
    const health = ["health", "fks_health"].find((n) => {
      const f = path.join(path.dirname(mainFile), `${n}.rs`);
      return existsSync(f) && ctx.read(f).includes(GENERATED_MARK) && /\bpub fn propagate_with\(/.test(ctx.read(f));
    });
    if (names.trace && health && new RegExp(`^\\s*(pub\\s+)?mod\\s+${health}\\s*;`, "m").test(after) && !after.includes(`${health}::propagate_with(`)) {
      const withHook = beforeServe(after, `${health}::propagate_with(${names.trace}::outgoing_headers);`);
      if (withHook) {
        after = withHook;
        reasons.push(`send the trace context on ${health}'s HTTP checks`);
      }
    }
    if (after !== text) plan.edits.push({ file: mainFile, before: text, after, reason: reasons.join("; ") });
    if (ctx.part === "resilience") {
      const health = path.join(path.dirname(mainFile), "health.rs");
      if (existsSync(health) && ctx.read(health).includes(GENERATED_MARK)) {
        const edit = readyChecks(health, ctx.read(health), mod.name, ctx);
        if (edit) plan.edits.push(edit);
      }
    }
    const cargo = cargoEdit(manifest, ctx.read(manifest), plan.requirements, otel ? {} : FEATURES[ctx.part]);
    if (cargo.edit) plan.edits.push(cargo.edit);
    plan.notes.push(...cargo.notes);
    return plan;
  },
};

/** `mod name;` after the crate root's last `mod x;`, else after its inner doc comment and attributes. */
export function addMod(text: string, name: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  let at = -1;
  for (const [i, l] of lines.entries()) if (/^(pub(\([^)]*\))?\s+)?mod\s+\w+\s*;/.test(l)) at = i + 1;
  if (at < 0) {
    at = 0;
    while (at < lines.length && (/^\s*(\/\/!|#!\[)/.test(lines[at]!) || (lines[at]!.trim() === "" && at + 1 < lines.length && /^\s*(\/\/!|#!\[)/.test(lines[at + 1]!)))) at++;
    lines.splice(at, 0, ...(at > 0 ? ["", `mod ${name};`] : [`mod ${name};`, ""]));
    return lines.join(eol);
  }
  lines.splice(at, 0, `mod ${name};`);
  return lines.join(eol);
}

/** Index of the `)` closing the `(` at `open`, skipping strings and nested brackets. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c) && --depth === 0) return i;
  }
  return -1;
}

/**
 * `axum::serve(listener, X)` → `axum::serve(listener, <mod>::layer(X))`; inside an existing
 * trace layer when `inside` names it, so the trace layers stay outermost. Undefined: no such call.
 */
export function wrapServed(text: string, mod: string, inside?: string): string | undefined {
  const m = /\baxum::serve\s*\(/.exec(text) ?? /(?<![\w:])serve\s*\(/.exec(text);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  const close = closing(text, open);
  if (close < 0) return undefined;
  const args = text.slice(open + 1, close);
  // The second top-level argument.
  let depth = 0;
  let comma = -1;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if ("([{<".includes(c)) depth++;
    else if (")]}>".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      comma = i;
      break;
    }
  }
  if (comma < 0) return undefined;
  const raw = args.slice(comma + 1);
  const lead = /^\s*/.exec(raw)![0];
  const trail = /\s*,?\s*$/.exec(raw)![0];
  let expr = raw.slice(lead.length, raw.length - trail.length);
  if (expr.includes(`${mod}::layer(`)) return text;
  // `.into_make_service()` and friends turn the Router into a service: wrap the Router before it.
  const svc = /\.into_make_service(_with_connect_info::<[^>]+>)?\(\)\s*$/.exec(expr);
  const suffix = svc ? svc[0] : "";
  if (svc) expr = expr.slice(0, expr.length - suffix.length);
  const innerOf = inside ? new RegExp(`^${inside}::layer\\(([\\s\\S]*)\\)$`).exec(expr) : null;
  const wrappedExpr = innerOf ? `${inside}::layer(${mod}::layer(${innerOf[1]}))` : `${mod}::layer(${expr})`;
  const newArgs = args.slice(0, comma + 1) + lead + wrappedExpr + suffix + trail;
  return text.slice(0, open + 1) + newArgs + text.slice(close);
}

/** Inserts a statement before the one that calls `serve(`, at its indentation. */
function beforeServe(text: string, stmt: string): string | undefined {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  let i = lines.findIndex((l) => /\baxum::serve\s*\(|(?<![\w:])serve\s*\(/.test(l));
  if (i < 0) return undefined;
  while (i > 0 && !/[;{}]\s*(\/\/.*)?$/.test(lines[i - 1]!) && lines[i - 1]!.trim() !== "") i--;
  lines.splice(i, 0, `${/^\s*/.exec(lines[i]!)![0]}${stmt}`);
  return lines.join(eol);
}

/** One non-critical check per breaker in fks's generated health module: an open breaker makes /ready warn. */
function readyChecks(file: string, text: string, mod: string, ctx: CallsContext): CallsCodePlan["edits"][number] | undefined {
  const todo = ctx.downstreams.filter((d) => !text.includes(`"${d.name}:circuitBreaker"`));
  if (!todo.length) return undefined;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^static CHECKS: &\[Check\] = &\[/.test(l));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && lines[end] !== "];") end++;
  if (end >= lines.length) return undefined;
  const fn = (n: string) => `breaker_${n.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()}`;
  const entries = todo.map((d) => `    Check { name: "${d.name}:circuitBreaker", component_type: "component", critical: false, run: ${fn(d.name)} },`);
  const defs = todo.flatMap((d) => ["", `fn ${fn(d.name)}() -> Result<(), CheckError> {`, `    match crate::${mod}::breaker_state("${d.name}") {`, `        "closed" => Ok(()),`, `        state => Err(CheckError::Failed(format!("circuit {state}"))),`, "    }", "}"]);
  lines.splice(end + 1, 0, ...defs);
  lines.splice(end, 0, ...entries);
  return { file, before: text, after: lines.join(eol), reason: `report the breakers of ${todo.map((d) => d.name).join(", ")} in /ready` };
}
