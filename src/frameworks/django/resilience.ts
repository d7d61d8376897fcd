import path from "node:path";
import { existsSync } from "../../io/fs.js";
import { findListAssignment, importInsertLine, insertAfterLine, parsePython } from "../../lang/python/edit.js";
import { resolveRootUrlconf, starImportTargets } from "./settings.js";
import { pythonRequirementEdits } from "../resilience/python-deps.js";
import { PY_REQUIREMENTS, pythonResilience, pythonTracing } from "../resilience/python-module.js";
import { moduleFile } from "../resilience/template.js";
import type { CallsAdapter, CallsCodePlan, CallsContext } from "../resilience/types.js";

/**
 * Django: the module goes into the project package (next to the root URL conf, like the health
 * module) and is wired through MIDDLEWARE, wherever split settings assign it: the tracing
 * middleware first, so every other middleware runs inside the trace; the resilience middleware
 * last, next to the views whose DownstreamUnavailable it turns into 503. With --otel,
 * wsgi.py/asgi.py instrument Django before the application is built.
 */
export const djangoCalls: CallsAdapter = {
  async plan(ctx) {
    const plan: CallsCodePlan = { edits: [], notes: [], requirements: [] };
    const found = resolveRootUrlconf(ctx.dir, ctx.files, ctx.read);
    if (!found || !existsSync(found.file)) {
      plan.notes.push({ message: "no ROOT_URLCONF found (looked for DJANGO_SETTINGS_MODULE in manage.py, wsgi.py and asgi.py, through star imports, and in settings files)", hint: "set services.<name>.path to the Django project folder" });
      return plan;
    }
    const isPackage = path.basename(found.file) === "__init__.py";
    const pkg = isPackage ? found.module : found.module.split(".").slice(0, -1).join(".");
    const dir = path.dirname(found.file);
    const mod = moduleFile(dir, ctx.part, ".py", ctx.part, ctx.read);
    const dotted = `${pkg ? pkg + "." : ""}${mod.name}`;
    plan.module = mod.file;
    plan.requirements = ctx.part === "resilience" ? PY_REQUIREMENTS.django.resilience : ctx.otel ? PY_REQUIREMENTS.django.otel : [];
    if (!mod.exists) {
      const tracingModule = moduleFile(dir, "tracing", ".py", "tracing", ctx.read).name;
      const body = ctx.part === "resilience" ? pythonResilience("django", ctx, mod.name, tracingModule, { PACKAGE: pkg || "." }) : pythonTracing("django", ctx);
      const what = ctx.part === "resilience" ? `a shared httpx client with timeouts, retries and a breaker per downstream (${ctx.downstreams.map((d) => d.name).join(", ") || "none found yet"})` : ctx.otel ? "OpenTelemetry tracing" : "W3C trace context and X-Request-ID for every request";
      plan.edits.push({ file: mod.file, before: null, after: body, reason: `add ${what}` });
    }
    if (ctx.part === "tracing" && ctx.otel) {
      for (const f of ctx.files.filter((x) => ["wsgi.py", "asgi.py"].includes(path.basename(x)) && path.dirname(x) === dir)) {
        const text = ctx.read(f);
        const call = `${mod.name}.instrument()`;
        if (text.includes(call)) continue;
        const root = await parsePython(text, f);
        const line = text.split(/\r?\n/).findIndex((l) => /^application\s*=/.test(l));
        if (line < 0) {
          plan.notes.push({ message: `${path.basename(f)}: no top-level \`application = ...\``, file: f, hint: `call ${dotted}.instrument() before the application is built` });
          continue;
        }
        let after = insertAfterLine(text, line, [call]);
        after = insertAfterLine(after, importInsertLine(root), [`from ${pkg || "."} import ${mod.name}`]);
        plan.edits.push({ file: f, before: text, after, reason: "instrument Django with OpenTelemetry before the application is built" });
      }
    } else {
      const entry = ctx.part === "tracing" ? `${dotted}.TracingMiddleware` : `${dotted}.DownstreamUnavailableMiddleware`;
      const edit = await middlewareEdit(ctx, found.settingsFile, entry, ctx.part === "tracing" ? "first" : "last");
      if ("note" in edit) plan.notes.push(edit.note);
      else if (edit.edit) plan.edits.push(edit.edit);
    }
    const deps = pythonRequirementEdits(ctx.dir, ctx.files, ctx.read, ctx.deps, plan.requirements);
    plan.edits.push(...deps.edits);
    plan.notes.push(...deps.notes);
    return plan;
  },
};

/** Adds `entry` to the MIDDLEWARE list of the settings module (or the star-imported module that assigns it). */
async function middlewareEdit(ctx: CallsContext, settingsFile: string, entry: string, where: "first" | "last"): Promise<{ edit?: CallsCodePlan["edits"][number] } | { note: CallsCodePlan["notes"][number] }> {
  const own = ctx.read(settingsFile);
  const assigns = (f: string) => /^MIDDLEWARE\s*=/m.test(ctx.read(f));
  const file = assigns(settingsFile) ? settingsFile : (starImportTargets(settingsFile, own, ctx.dir).filter((f) => existsSync(f) && assigns(f)).pop() ?? settingsFile);
  const text = ctx.read(file);
  if (text.includes(`"${entry}"`) || text.includes(`'${entry}'`)) return {};
  const root = await parsePython(text, file);
  const list = findListAssignment(root, "MIDDLEWARE");
  const lines = text.split(/\r?\n/);
  if (!list || list.openLine === list.closeLine || !/\[\s*(#.*)?$/.test(lines[list.openLine - 1] ?? "")) {
    return { note: { message: `${path.relative(ctx.dir, file)}: no multi-line \`MIDDLEWARE = [\` list`, file, hint: `add "${entry}" to MIDDLEWARE by hand (${where})` } };
  }
  const quote = /^\s*'/.test(lines[list.openLine] ?? "") ? "'" : '"';
  const item = `${list.itemIndent}${quote}${entry}${quote},`;
  // The last item may lack its trailing comma.
  let base = text;
  if (where === "last") {
    const lastItem = list.closeLine - 2;
    if (lastItem >= list.openLine && /\S/.test(lines[lastItem]!) && !/,\s*(#.*)?$/.test(lines[lastItem]!) && !/^\s*#/.test(lines[lastItem]!)) {
      lines[lastItem] = lines[lastItem]!.replace(/(\s*(#.*)?)$/, ",$1");
      base = lines.join(text.includes("\r\n") ? "\r\n" : "\n");
    }
  }
  const after = insertAfterLine(base, where === "first" ? list.openLine : list.closeLine - 1, [item]);
  return { edit: { file, before: text, after, reason: `add ${entry} ${where} in MIDDLEWARE` } };
}
