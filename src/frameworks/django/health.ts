import path from "node:path";
import { existsSync } from "../../io/fs.js";
import { findListAssignment, importInsertLine, insertAfterLine, parsePython } from "../../lang/python/edit.js";
import { moduleFile } from "../health/edits.js";
import { pythonModule } from "../health/python.js";
import { djangoGuards } from "./guards.js";
import { resolveModule, rootUrlconfs, starImportTargets, type RootUrlconf } from "./settings.js";
import type { HealthAdapter, HealthCodePlan, HealthContext } from "../health/types.js";

/** Django: a module with views and urlpatterns next to the root URLconf, included from it. */
export const djangoHealth: HealthAdapter = {
  async plan(ctx) {
    const plan = await planCode(ctx);
    const module = plan.module ? { file: plan.module, generating: plan.edits.some((e) => e.file === plan.module && e.before === null) } : undefined;
    plan.guards = await djangoGuards(ctx, module);
    return plan;
  },
};

async function planCode(ctx: HealthContext): Promise<HealthCodePlan> {
  const plan: HealthCodePlan = { edits: [], notes: [] };
  const found = servedUrlconf(ctx);
  if (!found) {
    plan.notes.push({ message: "no ROOT_URLCONF found (looked for DJANGO_SETTINGS_MODULE in manage.py, wsgi.py and asgi.py, through star imports, and in settings files)", hint: "set services.<name>.path to the Django project folder" });
    return plan;
  }
  const urlconf = found.module;
  const urlsFile = found.file;
  if (!existsSync(urlsFile)) {
    plan.notes.push({ message: `ROOT_URLCONF ${urlconf} (${path.relative(ctx.dir, found.settingsFile)}) has no file ${urlsFile}`, file: found.settingsFile });
    return plan;
  }
  // A URL conf package (proj/urls/__init__.py) gets the health module inside it.
  const isPackage = path.basename(urlsFile) === "__init__.py";
  const pkg = isPackage ? urlconf : urlconf.split(".").slice(0, -1).join(".");
  const mod = moduleFile(path.dirname(urlsFile), "health.py", "fks_health.py", ctx.read);
  const modName = `${pkg ? pkg + "." : ""}${path.basename(mod.file, ".py")}`;
  plan.module = mod.file;
  // A URL conf that star-imports its urlpatterns (`from .base import *`): the list is edited where it is assigned.
  const own = ctx.read(urlsFile);
  const listFile = /^urlpatterns\s*=/m.test(own) ? urlsFile : (starImportTargets(urlsFile, own, ctx.dir).filter((f) => /^urlpatterns\s*=/m.test(ctx.read(f))).pop() ?? urlsFile);
  const text = ctx.read(listFile);
  const root = await parsePython(text, listFile);
  if (!mod.exists) {
    const { text: body, skipped } = pythonModule("django", ctx, { URLCONF: urlconf, MODULE: modName });
    plan.edits.push({ file: mod.file, before: null, after: body, reason: `add ${ctx.paths.live}, ${ctx.paths.ready} and ${ctx.paths.health}` });
    for (const s of skipped) plan.notes.push({ message: `no known Python client for ${s.kind} "${s.name}"; its check was left out`, hint: "add the check to the generated module by hand" });
  }
  if (!text.includes(`include("${modName}")`) && !text.includes(`include('${modName}')`)) {
    const list = findListAssignment(root, "urlpatterns");
    const lines = text.split(/\r?\n/);
    const opening = list ? (lines[list.openLine - 1] ?? "") : "";
    const opensAlone = list && /\[\s*(#.*)?$/.test(opening);
    // `urlpatterns = []` (apps add their URLs later): opened onto lines of its own.
    const empty = list && !opensAlone && /^(\s*urlpatterns\s*=\s*)\[\s*\]\s*$/.exec(opening);
    // `urlpatterns = [path("a/", v), path("b/", w)]` on one line: the health include goes first inside it.
    const oneLine = list && !opensAlone && !empty ? /^(\s*urlpatterns\s*(?::[^=]*)?=\s*\[)(.*\]\s*(?:#.*)?)$/.exec(opening) : null;
    const balanced = !!oneLine && [...oneLine[2]!.replace(/#.*$/, "")].reduce((d, c) => d + (c === "[" ? 1 : c === "]" ? -1 : 0), 1) === 0;
    if (!list || (!opensAlone && !empty && !balanced)) {
      plan.notes.push({ message: `${path.relative(ctx.dir, listFile)}: no multi-line \`urlpatterns = [\` list to add the health URLs to`, file: listFile, hint: `add path("", include("${modName}")) to urlpatterns by hand` });
      return plan;
    }
    const item = `path("", include("${modName}")),`;
    // First in the list, so no catch-all pattern above can swallow the probes.
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    let after = balanced
      ? [...lines.slice(0, list.openLine - 1), `${oneLine![1]}${item} ${oneLine![2]!.replace(/^\s*\]/, "]")}`.replace(/, \]/, "]"), ...lines.slice(list.openLine)].join(eol)
      : empty
      ? [...lines.slice(0, list.openLine - 1), `${empty[1]}[`, `${/^\s*/.exec(empty[1]!)![0]}    ${item}`, `${/^\s*/.exec(empty[1]!)![0]}]`, ...lines.slice(list.openLine)].join(text.includes("\r\n") ? "\r\n" : "\n")
      : insertAfterLine(text, list.openLine, [`${list.itemIndent}${item}`]);
    const imports = [...text.matchAll(/^from\s+django\.urls\s+import\s+([^\n(]+)$/gm)].map((m) => m[1]!).join(",");
    const need = ["include", "path"].filter((n) => !new RegExp(`\\b${n}\\b`).test(imports));
    if (need.length) after = insertAfterLine(after, importInsertLine(root), [`from django.urls import ${need.join(", ")}`]);
    plan.edits.push({ file: listFile, before: text, after, reason: "include the health URLs" });
  }
  return plan;
}

/** The root URL conf of the settings module the start command names (gunicorn proj.wsgi, DJANGO_SETTINGS_MODULE), else the first found. */
function servedUrlconf(ctx: HealthContext): RootUrlconf | undefined {
  const all = rootUrlconfs(ctx.dir, ctx.files, ctx.read);
  const settings = ctx.entry?.settings;
  if (!settings) return all[0];
  const file = resolveModule(settings, ctx.dir, ctx.dir)?.file;
  return all.find((c) => c.via[0] === file || c.settingsFile === file) ?? all[0];
}
