import path from "node:path";
import type { ServedEntry, ServiceRecord } from "../../model.js";
import { isTestCode } from "../../lang/test-code.js";
import { cargoBinary, pyprojectScripts } from "./entry-manifests.js";
import type { EntryInput } from "./entry-input.js";

const APP_LINE = /^([A-Za-z_]\w*)\s*(?::[^=]+)?=\s*(?:fastapi\.|flask\.)?(FastAPI|Starlette|Flask|Quart|Litestar)\s*\(/;
const MAIN = /^if\s+__name__\s*==\s*["']__main__["']\s*:/m;

/** Conventional entry modules, most likely first: what a user who says nothing most often serves. */
function rank(f: string): number {
  const b = path.basename(f);
  return b === "main.py" ? 0 : b === "app.py" ? 1 : b === "asgi.py" || b === "server.py" ? 2 : b === "__init__.py" ? 4 : 3;
}

/**
 * No start command names the app: a `__main__` block that runs a server, a console script, the Cargo
 * binary, Django's manage.py, else the app in the most conventional module. The reason says so, and
 * names the other apps when there were several.
 */
export function conventionalEntry(s: ServiceRecord, input: EntryInput, runMain: (file: string, shown: string) => ServedEntry | undefined): ServedEntry {
  const none = "no start command (Dockerfile CMD/ENTRYPOINT, compose command, Kubernetes command/args, Procfile) names what runs";
  const py = input.files.filter((f) => f.endsWith(".py") && !isTestCode(path.relative(input.dir, f))).sort((a, b) => rank(a) - rank(b) || depth(a) - depth(b) || a.localeCompare(b));
  const asConvention = (e: ServedEntry | undefined, why: string): ServedEntry | undefined => (e?.app ? { ...e, confidence: "convention", reason: `${none}; ${why}` } : undefined);
  for (const f of py.filter((f) => depth(f) - depth(path.join(input.dir, "x")) <= 2)) {
    if (!MAIN.test(input.read(f))) continue;
    const e = asConvention(runMain(f, path.relative(input.dir, f)), `${path.relative(input.dir, f)} starts a server under __main__`);
    if (e) return e;
  }
  if (s.language === "rust") {
    const bin = cargoBinary(input);
    if (bin) {
      const last = bin.steps[bin.steps.length - 1]!;
      return { chain: bin.steps, app: `bin:${bin.name}`, appFile: last.file, appLine: last.line, confidence: "convention", reason: `${none}; the crate's binary ${bin.name} is what cargo run starts` };
    }
  }
  const manage = py.find((f) => path.basename(f) === "manage.py");
  if (s.framework === "django" && manage) {
    const lines = input.read(manage).split(/\r?\n/);
    const at = lines.findIndex((l) => /DJANGO_SETTINGS_MODULE/.test(l));
    const settings = at >= 0 ? /["']([\w.]+)["']\s*\)/.exec(lines[at]!)?.[1] : undefined;
    return { chain: at >= 0 ? [{ file: input.rel(manage), line: at + 1, text: lines[at]!.trim() }] : [], settings, confidence: "convention", reason: `${none}; manage.py names settings ${settings ?? "(none)"}` };
  }
  const apps: Array<{ file: string; line: number; attr: string; text: string }> = [];
  for (const f of py) {
    const lines = input.read(f).split(/\r?\n/);
    const at = lines.findIndex((l) => APP_LINE.test(l));
    if (at >= 0) apps.push({ file: f, line: at + 1, attr: APP_LINE.exec(lines[at]!)![1]!, text: lines[at]!.trim() });
  }
  const scripts = pyprojectScripts(input);
  if (apps.length === 0) return { chain: [], confidence: "none", reason: `${none}, and fks found no app object${scripts.length ? ` (console scripts: ${scripts.map((x) => x.name).join(", ")})` : ""}` };
  const chosen = apps[0]!;
  const mod = moduleName(chosen.file, input);
  const others = apps.slice(1).map((a) => `${path.relative(input.dir, a.file)}:${a.line}`);
  const why = apps.length === 1 ? `the only app is ${mod}:${chosen.attr}` : `chose ${mod}:${chosen.attr} (${path.basename(chosen.file)} is the conventional entry module) over ${others.join(", ")}`;
  return { chain: [{ file: input.rel(chosen.file), line: chosen.line, text: chosen.text }], app: `${mod}:${chosen.attr}`, appFile: input.rel(chosen.file), appLine: chosen.line, confidence: "convention", reason: `${none}; ${why}` };
}

const depth = (f: string) => f.split(path.sep).length;

function moduleName(file: string, input: EntryInput): string {
  const parts = [path.basename(file, ".py")];
  if (parts[0] === "__init__") parts.pop();
  let dir = path.dirname(file);
  while (dir !== input.dir && input.exists(path.join(dir, "__init__.py"))) {
    parts.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
  return parts.join(".") || path.basename(dir);
}
