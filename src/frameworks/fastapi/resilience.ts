import path from "node:path";
import type { SgRoot } from "@ast-grep/napi";
import { existsSync } from "../../io/fs.js";
import { findCalls, importInsertLine, insertAfterLine, parsePython, type AppCreation } from "../../lang/python/edit.js";
import { isTestCode } from "../../lang/test-code.js";
import { pythonRequirementEdits } from "../resilience/python-deps.js";
import { PY_REQUIREMENTS, pythonResilience, pythonTracing } from "../resilience/python-module.js";
import { moduleFile } from "../resilience/template.js";
import type { CallsAdapter, CallsCodePlan, CallsContext } from "../resilience/types.js";

const APP_CALL = /^(fastapi\.)?FastAPI$|^(starlette\.applications\.)?Starlette$/;

/**
 * FastAPI and Starlette: the module goes next to the app; the app wires it right after it is
 * created (inside the factory if any): `resilience.install(app)` (lifespan + 503 handler), or
 * `app.add_middleware(TracingMiddleware)` after the app's other middleware, so it is the outermost.
 */
export const fastapiCalls: CallsAdapter = {
  async plan(ctx) {
    const plan: CallsCodePlan = { edits: [], notes: [], requirements: [] };
    const found = await findApp(ctx);
    if (!found) {
      plan.notes.push({ message: "no `FastAPI()` or `Starlette()` app found", hint: "point fks at the folder that holds the app, or set services.<name>.path in fks.yaml" });
      return plan;
    }
    const { file, text, root, app } = found;
    const dir = path.dirname(file);
    const pkg = existsSync(path.join(dir, "__init__.py"));
    const mod = moduleFile(dir, ctx.part, ".py", ctx.part, ctx.read);
    plan.module = mod.file;
    plan.requirements = ctx.part === "resilience" ? PY_REQUIREMENTS.fastapi.resilience : ctx.otel ? PY_REQUIREMENTS.fastapi.otel : [];
    if (!mod.exists) {
      const tracingModule = moduleFile(dir, "tracing", ".py", "tracing", ctx.read).name;
      const body = ctx.part === "resilience" ? pythonResilience("fastapi", ctx, mod.name, tracingModule) : pythonTracing("fastapi", ctx);
      const what = ctx.part === "resilience" ? `a shared httpx client with timeouts, retries and a breaker per downstream (${ctx.downstreams.map((d) => d.name).join(", ") || "none found yet"})` : ctx.otel ? "OpenTelemetry tracing" : "W3C trace context and X-Request-ID for every request";
      plan.edits.push({ file: mod.file, before: null, after: body, reason: `add ${what}` });
    }
    let after = text;
    let reason = "";
    if (ctx.part === "resilience") {
      if (!new RegExp(`\\b${mod.name}\\.install\\(\\s*${app.variable}\\s*\\)`).test(text)) {
        const importLine = pkg ? `from . import ${mod.name}` : `import ${mod.name}`;
        after = insertAfterLine(after, app.endLine, [`${app.indent}${mod.name}.install(${app.variable})`]);
        if (!text.includes(importLine)) after = insertAfterLine(after, importInsertLine(root), [importLine]);
        reason = `open and close the shared client with the app's lifespan ${app.factory ? `in ${app.factory}()` : "after the app is created"}`;
      }
    } else {
      const mw = ctx.otel ? `${mod.name}.instrument(${app.variable})` : `${app.variable}.add_middleware(${mod.name === "tracing" ? "" : `${mod.name}.`}TracingMiddleware)`;
      if (!text.includes(mw)) {
        const importLine = ctx.otel || mod.name !== "tracing" ? (pkg ? `from . import ${mod.name}` : `import ${mod.name}`) : pkg ? `from .tracing import TracingMiddleware` : `from tracing import TracingMiddleware`;
        // Starlette runs the middleware added last first: after the others, every log line of theirs has the ids too.
        const at = lastMiddlewareLine(root, app) ?? app.endLine;
        after = insertAfterLine(after, at, [`${app.indent}${mw}`]);
        if (!text.includes(importLine)) after = insertAfterLine(after, importInsertLine(root), [importLine]);
        reason = ctx.otel ? "instrument the app with OpenTelemetry" : "trace every request (outermost middleware)";
      }
    }
    if (after !== text) plan.edits.push({ file, before: text, after, reason });
    const deps = pythonRequirementEdits(ctx.dir, ctx.files, ctx.read, ctx.deps, plan.requirements);
    plan.edits.push(...deps.edits);
    plan.notes.push(...deps.notes);
    return plan;
  },
};

async function findApp(ctx: CallsContext): Promise<{ file: string; text: string; root: SgRoot; app: AppCreation } | undefined> {
  const candidates = ctx.files.filter((f) => f.endsWith(".py") && !isTestCode(path.relative(ctx.dir, f)) && /\b(FastAPI|Starlette)\s*\(/.test(ctx.read(f)));
  candidates.sort((a, b) => rank(a) - rank(b) || a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b));
  for (const file of candidates) {
    const text = ctx.read(file);
    const root = await parsePython(text, file);
    const app = findCalls(root, APP_CALL)[0];
    if (app) return { file, text, root, app };
  }
  return undefined;
}

/** 1-based last line of the last `<app>.add_middleware(...)` statement in the app's own scope. */
function lastMiddlewareLine(root: SgRoot, app: AppCreation): number | undefined {
  let last: number | undefined;
  for (const call of root.root().findAll({ rule: { pattern: `${app.variable}.add_middleware($$$)` } })) {
    const start = call.range().start.line + 1;
    const stmt = call.parent()?.kind() === "expression_statement" ? call.parent()! : call;
    if (start > app.endLine && /^\s*/.exec(stmt.text())![0] === "" && stmt.range().start.column === app.indent.length) last = Math.max(last ?? 0, stmt.range().end.line + 1);
  }
  return last;
}

function rank(f: string): number {
  const base = path.basename(f);
  return base === "main.py" ? 0 : base === "app.py" ? 1 : base === "__init__.py" ? 3 : 2;
}
