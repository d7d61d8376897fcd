import path from "node:path";
import { existsSync } from "../../io/fs.js";
import { findCalls, importInsertLine, insertAfterLine, parsePython } from "../../lang/python/edit.js";
import { moduleFile } from "../health/edits.js";
import { pythonModule } from "../health/python.js";
import { fastapiGuards } from "./guards.js";
import { isTestCode } from "../../lang/test-code.js";
import type { HealthAdapter, HealthCodePlan, HealthContext } from "../health/types.js";

const APP_CALL = /^(fastapi\.)?FastAPI$/;

/** FastAPI: a health module with an APIRouter, included right after the app is created (inside the factory if any). */
export const fastapiHealth: HealthAdapter = {
  async plan(ctx) {
    const plan = await planCode(ctx);
    plan.guards = await fastapiGuards(ctx);
    // FastAPI cannot exempt a route from app-wide dependencies or middleware: say so where the edit is listed.
    const reach = plan.guards.filter((g) => !g.unsure && !g.maybe);
    for (const e of plan.edits) if (e.before !== null && reach.length) e.reason += `; ${reach.map((g) => g.what).join(", ")} still reach the probes (see health/probe-${reach[0]!.kind === "rate" ? "rate-limited" : "auth"})`;
    return plan;
  },
};

async function planCode(ctx: HealthContext): Promise<HealthCodePlan> {
  const plan: HealthCodePlan = { edits: [], notes: [] };
  // Tests are judged below the service folder: a service may itself live under a tests/ folder.
  const candidates = ctx.files.filter((f) => f.endsWith(".py") && !isTestCode(path.relative(ctx.dir, f)) && /\bFastAPI\s*\(/.test(ctx.read(f)));
  // Prefer the conventional entry modules; otherwise the shallowest file.
  candidates.sort((a, b) => rank(a) - rank(b) || a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b));
  // The app the start command serves comes first; another app in the repo (an admin tool, a demo) is never wired instead.
  const served = ctx.entry?.appFile;
  if (served) {
    if (!existsSync(served) || !/\bFastAPI\s*\(/.test(ctx.read(served))) {
      plan.notes.push({ message: `the served app (${ctx.entry!.reason}) is not created by FastAPI() in ${path.relative(ctx.dir, served)}`, file: served, line: ctx.entry!.appLine, hint: "include the health router into that app by hand" });
      return plan;
    }
    candidates.splice(0, candidates.length, served);
  }
  for (const file of candidates) {
    const text = ctx.read(file);
    const root = await parsePython(text, file);
    const apps = findCalls(root, APP_CALL);
    const app = (file === served && ctx.entry?.appLine ? apps.find((a) => a.line === ctx.entry!.appLine) : undefined) ?? apps[0];
    if (!app) continue;
    const dir = path.dirname(file);
    const mod = moduleFile(dir, "health.py", "fks_health.py", ctx.read);
    const modName = path.basename(mod.file, ".py");
    plan.module = mod.file;
    if (!mod.exists) {
      const { text: body, skipped } = pythonModule("fastapi", ctx);
      plan.edits.push({ file: mod.file, before: null, after: body, reason: `add ${ctx.paths.live}, ${ctx.paths.ready} and ${ctx.paths.health}` });
      for (const s of skipped) plan.notes.push({ message: `no known Python client for ${s.kind} "${s.name}" in the service's dependencies; its check was left out`, hint: "add the check to the generated module by hand" });
    }
    if (!new RegExp(`include_router\\(\\s*${modName}_router\\b`).test(text)) {
      const pkg = existsSync(path.join(dir, "__init__.py"));
      // A served module inside a folder without __init__.py (`uvicorn app.api.main:app`, a namespace package):
      // `from health import …` would not resolve from the server's working directory; its dotted package does.
      const servedPkg = file === served && ctx.entry?.appModule?.includes(".") ? ctx.entry.appModule.split(".").slice(0, -1).join(".") : undefined;
      const importLine = pkg ? `from .${modName} import router as ${modName}_router` : servedPkg ? `from ${servedPkg}.${modName} import router as ${modName}_router` : `from ${modName} import router as ${modName}_router`;
      let after = insertAfterLine(text, app.endLine, [`${app.indent}${app.variable}.include_router(${modName}_router)`]);
      if (!text.includes(importLine)) after = insertAfterLine(after, importInsertLine(root), [importLine]);
      const where = (app.factory ? `in ${app.factory}()` : "after the app is created") + (file === served ? ` (the served app: ${ctx.entry!.reason})` : "");
      plan.edits.push({ file, before: text, after, reason: `include the health router ${where}` });
    }
    return plan;
  }
  plan.notes.push({ message: "no `FastAPI()` app found", hint: "point fks at the folder that holds the app, or set services.<name>.path in fks.yaml" });
  return plan;
}

function rank(f: string): number {
  const base = path.basename(f);
  return base === "main.py" ? 0 : base === "app.py" ? 1 : base === "__init__.py" ? 3 : 2;
}

