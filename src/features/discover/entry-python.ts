import path from "node:path";
import { scanPythonImports, type PyImport } from "../../lang/python/imports.js";
import type { EntryStep } from "../../model.js";

/**
 * From a `module:attribute` to the line that creates the app object, following imports,
 * re-exports, aliases, factories and wrapping middleware. Reads lines and the import scanner's
 * imports only: cheap enough to run for every service discovery finds.
 */

export interface PyTree {
  /** Folders modules are imported from, in Python's order (app dir, working dir, project, src/). */
  roots: string[];
  /** Every .py file of the service, to find a module the roots miss (a COPY that renamed a folder). */
  files: string[];
  exists(file: string): boolean;
  read(file: string): string;
}

export interface AppHit {
  steps: EntryStep[];
  module: string;
  attr: string;
  file: string;
  line: number;
  /** "django" for get_wsgi_application()/get_asgi_application(). */
  kind: "app" | "django";
  /** The dotted module of `file`, as the server imports it. */
  fileModule: string;
  /** Created inside a factory: `module:attr` is then the module-level name the factory's result is bound to. */
  inFactory?: boolean;
}

const APP_CTOR = /\b(?:fastapi\.|starlette\.applications\.)?(FastAPI|Starlette|Flask|Quart|Litestar)\s*\(/;
const DJANGO_APP = /\bget_(?:wsgi|asgi)_application\s*\(/;
const MAX_DEPTH = 12;

export function moduleFile(name: string, tree: PyTree): string | undefined {
  const parts = name.split(".");
  if (!parts.every((p) => /^[A-Za-z_]\w*$/.test(p))) return undefined;
  for (const root of tree.roots) {
    for (const f of [path.join(root, ...parts) + ".py", path.join(root, ...parts, "__init__.py")]) if (tree.exists(f)) return f;
  }
  // A module the Dockerfile copied to another place (COPY ./backend/app /app): the shallowest file with that tail.
  const tails = [path.join(...parts) + ".py", path.join(...parts, "__init__.py")].map((t) => path.sep + t);
  // Nearest an import root first (the working directory's own folder), then the shallowest.
  const near = (f: string) => {
    const i = tree.roots.findIndex((r) => f.startsWith(path.dirname(r) + path.sep));
    return i < 0 ? tree.roots.length : i;
  };
  return tree.files.filter((f) => tails.some((t) => f.endsWith(t))).sort((a, b) => near(a) - near(b) || a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b))[0];
}

const step = (file: string, line: number, text: string): EntryStep => ({ file, line, text: text.trim().replace(/\s+/g, " ").slice(0, 120) });

/** Follows `module:attr` to where the app is created. */
export function followApp(module: string, attr: string, tree: PyTree, factory = false, depth = 0, seen = new Set<string>()): AppHit | undefined {
  const key = `${module}:${attr}`;
  if (depth > MAX_DEPTH || seen.has(key)) return undefined;
  seen.add(key);
  const file = moduleFile(module, tree);
  if (!file) return undefined;
  const text = tree.read(file);
  const lines = text.split(/\r?\n/);
  const isPkg = path.basename(file) === "__init__.py";
  const done = (line: number, kind: AppHit["kind"] = "app"): AppHit => ({ steps: [step(file, line, lines[line - 1] ?? "")], module, attr, file, line, kind, fileModule: module });
  const prepend = (line: number, hit: AppHit | undefined): AppHit | undefined => (hit ? { ...hit, steps: [step(file, line, lines[line - 1] ?? ""), ...hit.steps] } : undefined);

  const def = defLine(lines, attr);
  if (def && (factory || !assignmentLine(lines, attr))) {
    const made = creationInBody(file, lines, def, tree, module, isPkg, depth, seen);
    // Served as a factory (`uvicorn --factory m:create_app`): the factory names the app.
    return prepend(def, made && depth === 0 ? { ...made, module, attr: `${attr}()`, inFactory: false } : made && { ...made, inFactory: true });
  }

  const assigned = assignmentLine(lines, attr);
  if (assigned) {
    const rhs = assigned.rhs;
    if (APP_CTOR.test(rhs)) return done(assigned.line);
    if (DJANGO_APP.test(rhs)) return done(assigned.line, "django");
    const imports = scanPythonImports(text).imports.filter((i) => !i.typeOnly);
    const call = /^(?:await\s+)?([A-Za-z_][\w.]*)\s*\(/.exec(rhs);
    if (call) {
      // A factory call (`app = create_app()`), or middleware wrapping the app (`app = CORSMiddleware(app)`, `socketio.ASGIApp(sio, other_app=app)`).
      const hit = followName(call[1]!, module, isPkg, imports, lines, tree, depth, seen, true);
      if (hit) return prepend(assigned.line, hit.inFactory ? { ...hit, module, attr, inFactory: false } : hit);
      const inner = /\bother_app\s*=\s*([A-Za-z_]\w*)|\(\s*([A-Za-z_]\w*)\s*[,)]/.exec(rhs);
      const name = inner?.[1] ?? inner?.[2];
      if (name && name !== attr) return prepend(assigned.line, followName(name, module, isPkg, imports, lines, tree, depth, seen, false));
      return undefined;
    }
    const ref = /^([A-Za-z_][\w.]*)\s*$/.exec(rhs);
    if (ref) return prepend(assigned.line, followName(ref[1]!, module, isPkg, imports, lines, tree, depth, seen, false));
    return undefined;
  }
  const imports = scanPythonImports(text).imports.filter((i) => !i.typeOnly && !i.lazy);
  const hit = followImported(attr, module, isPkg, imports, tree, depth, seen, false);
  if (hit) return prepend(hit.line, hit.hit);
  // `from app import app` where `app/app.py` is a submodule and `app/__init__.py` does not bind the name.
  if (isPkg) return followApp(`${module}.${attr}`, "app", tree, factory, depth + 1, seen);
  return undefined;
}

/** A name as a module-level binding: defined here, imported, or `mod.attr` of an imported module. */
function followName(name: string, module: string, isPkg: boolean, imports: PyImport[], lines: string[], tree: PyTree, depth: number, seen: Set<string>, call: boolean): AppHit | undefined {
  const [head, ...rest] = name.split(".");
  if (rest.length === 0) {
    if (defLine(lines, head!) || assignmentLine(lines, head!)) return followApp(module, head!, tree, call, depth + 1, seen);
    return followImported(head!, module, isPkg, imports, tree, depth, seen, call)?.hit;
  }
  // `factory.create_app()` / `main.app` through `import x.y as factory` or `from pkg import factory`.
  for (const imp of imports) {
    for (const n of imp.names) {
      const bound = n.asname ?? (imp.kind === "import" ? n.name.split(".")[0] : n.name);
      if (bound !== head) continue;
      const target = imp.kind === "import" ? (n.asname ? n.name : [head, ...rest.slice(0, -1)].join(".")) : [absolute(imp, module, isPkg), n.name].filter(Boolean).join(".");
      const modName = imp.kind === "import" && !n.asname ? target : [target, ...rest.slice(0, -1)].filter(Boolean).join(".");
      return followApp(imp.kind === "import" && !n.asname ? modName : modName, rest[rest.length - 1]!, tree, call, depth + 1, seen);
    }
  }
  return undefined;
}

function followImported(name: string, module: string, isPkg: boolean, imports: PyImport[], tree: PyTree, depth: number, seen: Set<string>, call: boolean): { hit: AppHit; line: number } | undefined {
  for (const imp of [...imports].reverse()) {
    if (imp.kind !== "from") continue;
    const from = absolute(imp, module, isPkg);
    for (const n of imp.names) {
      if (n.name === "*" || (n.asname ?? n.name) !== name) continue;
      const hit = followApp(from, n.name, tree, call, depth + 1, seen) ?? followApp(`${from}.${n.name}`, "app", tree, call, depth + 1, seen);
      return hit ? { hit, line: imp.line } : undefined;
    }
  }
  for (const imp of imports) {
    if (imp.kind === "from" && imp.names.some((n) => n.name === "*")) {
      const hit = followApp(absolute(imp, module, isPkg), name, tree, call, depth + 1, seen);
      if (hit) return { hit, line: imp.line };
    }
  }
  return undefined;
}

/** The absolute module a `from` import names, relative imports resolved against the importing module. */
function absolute(imp: PyImport, module: string, isPkg: boolean): string {
  if (imp.level === 0) return imp.module;
  const pkg = (isPkg ? module : module.split(".").slice(0, -1).join(".")).split(".").filter(Boolean);
  const up = pkg.slice(0, Math.max(0, pkg.length - (imp.level - 1)));
  return [...up, ...(imp.module ? [imp.module] : [])].join(".");
}

/** Inside a factory's body: the app creation, or the factory it returns (`return create_api()`). */
function creationInBody(file: string, lines: string[], defAt: number, tree: PyTree, module: string, isPkg: boolean, depth: number, seen: Set<string>): AppHit | undefined {
  const body = blockOf(lines, defAt);
  for (const n of body) {
    const l = lines[n - 1]!;
    if (/^\s*[A-Za-z_]\w*\s*(?::[^=]+)?=\s*/.test(l) && APP_CTOR.test(l)) return { steps: [step(file, n, l)], module, attr: /^\s*([A-Za-z_]\w*)/.exec(l)![1]!, file, line: n, kind: "app", fileModule: module };
    if (/^\s*return\s+/.test(l) && APP_CTOR.test(l)) return { steps: [step(file, n, l)], module, attr: "<factory>", file, line: n, kind: "app", fileModule: module };
  }
  for (const n of body) {
    const m = /^\s*(?:return|[A-Za-z_]\w*\s*=)\s*(?:await\s+)?([A-Za-z_][\w.]*)\s*\(/.exec(lines[n - 1]!);
    if (!m) continue;
    const imports = scanPythonImports(lines.join("\n")).imports;
    const hit = followName(m[1]!, module, isPkg, imports, lines, tree, depth, seen, true);
    if (hit) return { ...hit, steps: [step(file, n, lines[n - 1]!), ...hit.steps] };
  }
  // `return app`, where `app` is no local of the factory: the module-level app it configures (or imports).
  const returned = body.map((n) => ({ n, name: /^\s*return\s+([A-Za-z_][\w.]*)\s*$/.exec(lines[n - 1]!)?.[1] })).find((r) => r.name && !body.some((b) => new RegExp(`^\\s*${r.name!.replace(/\./g, "\\.")}\\s*(?::[^=]+)?=(?!=)`).test(lines[b - 1]!)));
  if (returned?.name) {
    const imports = scanPythonImports(lines.join("\n")).imports.filter((i) => !i.typeOnly);
    const hit = followName(returned.name, module, isPkg, imports, lines, tree, depth, seen, false);
    if (hit) return { ...hit, steps: [step(file, returned.n, lines[returned.n - 1]!), ...hit.steps] };
  }
  return undefined;
}

/** Line numbers (1-based) of the indented block under line `at`. */
export function blockOf(lines: string[], at: number): number[] {
  const indent = /^\s*/.exec(lines[at - 1] ?? "")![0].length;
  const out: number[] = [];
  for (let i = at; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim() || /^\s*#/.test(l)) continue;
    if (/^\s*/.exec(l)![0].length <= indent) break;
    out.push(i + 1);
  }
  return out;
}

export function defLine(lines: string[], name: string): number | undefined {
  const re = new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`);
  const i = lines.findIndex((l) => re.test(l));
  return i >= 0 ? i + 1 : undefined;
}

/** The last top-level `name = …` (annotated too); a multi-line right side is joined up to its closing bracket. */
function assignmentLine(lines: string[], name: string): { line: number; rhs: string } | undefined {
  const re = new RegExp(`^${name}\\s*(?::[^=]+)?=(?!=)\\s*(.*)$`);
  let found: { line: number; rhs: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]!);
    if (!m) continue;
    let rhs = m[1]!;
    for (let j = i + 1; j < lines.length && j < i + 40 && depthOf(rhs) > 0; j++) rhs += " " + lines[j]!.trim();
    found = { line: i + 1, rhs: rhs.trim() };
  }
  return found;
}

function depthOf(s: string): number {
  let d = 0;
  for (const c of s) d += c === "(" || c === "[" || c === "{" ? 1 : c === ")" || c === "]" || c === "}" ? -1 : 0;
  return d;
}

/**
 * What a module run as a program serves: `uvicorn.run("m:app")` or `uvicorn.run(app)` (or
 * `app.run()`, `web.run_app`) under `if __name__ == "__main__":`, directly or in a function it calls.
 */
export function mainBlockRun(file: string, lines: string[], onlyIn?: number): { line: number; target?: string; name?: string } | undefined {
  const mainAt = onlyIn ?? lines.findIndex((l) => /^if\s+__name__\s*==\s*["']__main__["']\s*:/.test(l)) + 1;
  if (!mainAt) return undefined;
  const body = blockOf(lines, mainAt);
  for (const n of body) {
    const hit = runCall(lines[n - 1]!);
    if (hit) return { line: n, ...hit };
  }
  for (const n of body) {
    const called = /^\s*(?:asyncio\.run\(\s*)?([A-Za-z_]\w*)\s*\(/.exec(lines[n - 1]!)?.[1];
    const def = called && called !== "print" ? defLine(lines, called) : undefined;
    if (def && def !== onlyIn) return mainBlockRun(file, lines, def);
  }
  return undefined;
}

function runCall(l: string): { target?: string; name?: string } | undefined {
  const m = /\b(?:uvicorn|hypercorn\.asyncio|granian)\.run\(\s*(?:app\s*=\s*)?(?:["']([\w.]+:[\w]+)["']|([A-Za-z_]\w*))/.exec(l) ?? /\b([A-Za-z_]\w*)\.run\(\s*(?:host|port|debug|\))/.exec(l);
  if (!m) return undefined;
  if (m.length === 3) return m[1] ? { target: m[1] } : { name: m[2] };
  return { name: m[1] };
}
