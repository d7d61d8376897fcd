import path from "node:path";
import type { Source } from "../../model.js";
import { detectFramework, type ProjectFacts } from "../../frameworks/index.js";
import { infraKindOfLibrary } from "./infra.js";
import { cargoFeatureCrates, impliedPackages, parseRequirement, urlDrivers } from "./clients.js";
import { parseCargoManifest } from "../../lang/toml/cargo.js";
import { parsePythonManifest } from "../../lang/toml/python.js";
import { isTestCode } from "../../lang/test-code.js";

/** Files whose presence makes a folder a project of some language. */
const MARKERS: Record<string, ProjectFacts["language"] | "any"> = {
  "requirements.txt": "python", "pyproject.toml": "python", Pipfile: "python", "setup.py": "python", "setup.cfg": "python",
  "manage.py": "python", "Cargo.toml": "rust", "package.json": "javascript", Dockerfile: "any",
};

const SOURCE_EXT: Record<string, NonNullable<ProjectFacts["language"]>> = {
  ".py": "python", ".rs": "rust", ".ts": "typescript", ".mts": "typescript", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
};

export interface SourceProject {
  dir: string;
  language?: string;
  framework?: string;
  frameworkSource?: Source;
  languageSource?: Source;
  /** Infrastructure kinds from client libraries, with where each was declared. */
  infra: Array<{ kind: string; source: Source }>;
  port?: { value: number; source: Source };
  healthInCode: Array<{ path: string; file: string; line: number }>;
  files: string[];
  /** The name the project's own manifest gives it (pyproject, Cargo.toml, package.json), when it has one. */
  packageName?: string;
}

export function isMarker(name: string): boolean {
  return name in MARKERS || /^requirements[\w.-]*\.txt$/.test(name);
}

export function isSourceFile(name: string): boolean {
  return path.extname(name) in SOURCE_EXT;
}

/**
 * Groups files into projects (the deepest folder with a marker owns a file) and reads
 * language, framework, infrastructure clients, a listening port and health routes from them.
 */
export function analyzeProjects(files: string[], read: (f: string) => string, rel: (f: string) => string, roots: string[] = []): SourceProject[] {
  // A folder the user names is a project even without a manifest (a service inside a larger repo).
  const projectDirs = new Set<string>(roots);
  const fileSet = new Set(files);
  for (const f of files) if (isMarker(path.basename(f)) && !notAProject(f, roots, fileSet)) projectDirs.add(path.dirname(f));
  for (const d of packagesOfTheirProject(files, projectDirs, read)) if (!roots.includes(d)) projectDirs.delete(d);
  const owner = (f: string): string | undefined => {
    for (let d = path.dirname(f); ; d = path.dirname(d)) {
      if (projectDirs.has(d)) return d;
      if (path.dirname(d) === d) return undefined;
    }
  };
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const d = owner(f);
    if (!d) continue;
    const own = byDir.get(d);
    if (own) own.push(f);
    else byDir.set(d, [f]);
  }
  const projects: SourceProject[] = [];
  for (const [dir, own] of byDir) projects.push(analyzeOne(dir, own, read, rel));
  return projects.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** Folders whose manifests do not make a service: documentation, test projects, CI (`.github/`), templates of a generator. */
const NOT_SERVICE_DIRS = new Set(["docs", "doc", "documentation", ".github", ".gitlab", ".circleci"]);

/**
 * A marker that does not start a project: one inside docs, CI or test folders (a test
 * project's manage.py), or a `setup.py` module inside a Python package (it has an `__init__.py` beside it).
 */
function notAProject(marker: string, roots: string[], files: Set<string>): boolean {
  const dir = path.dirname(marker);
  if (path.basename(marker) === "setup.py" && files.has(path.join(dir, "__init__.py"))) return true;
  const root = roots.filter((r) => dir === r || dir.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
  if (!root || dir === root) return false;
  return isAside(path.relative(root, marker));
}

/** Test code, documentation and CI files: not read for a service's framework, port or health routes. */
function isAside(rel: string): boolean {
  return rel.split(path.sep).slice(0, -1).some((d) => NOT_SERVICE_DIRS.has(d)) || isTestCode(rel);
}

function analyzeOne(dir: string, files: string[], read: (f: string) => string, rel: (f: string) => string): SourceProject {
  const facts: ProjectFacts = { dir, deps: new Map(), imports: new Map(), markers: new Map() };
  const counts: Record<string, number> = {};
  const project: SourceProject = { dir, infra: [], healthInCode: [], files };
  let languageSource: Source | undefined;
  for (const f of files) {
    const name = path.basename(f);
    const marker = path.dirname(f) === dir && isMarker(name) ? (MARKERS[name] ?? "python") : undefined;
    if (marker) {
      facts.markers.set(name, { file: rel(f), line: 1 });
      if (marker !== "any") {
        counts[marker] = (counts[marker] ?? 0) + 1000;
        languageSource ??= { file: rel(f), line: 1 };
      }
      readDeps(name, read(f), rel(f), facts.deps);
    }
    const lang = SOURCE_EXT[path.extname(name)];
    if (lang && !isAside(path.relative(dir, f))) {
      counts[lang] = (counts[lang] ?? 0) + 1;
      scanSource(lang, read(f), rel(f), facts, project);
    }
  }
  if (counts.javascript && files.some((f) => f.endsWith("tsconfig.json") || /\.m?ts$/.test(f))) {
    counts.typescript = (counts.typescript ?? 0) + counts.javascript;
    delete counts.javascript;
  }
  const language = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] as ProjectFacts["language"];
  facts.language = language;
  project.language = language;
  project.languageSource = languageSource ?? firstOf(facts.imports);
  const fw = detectFramework(facts);
  // The framework's own repository imports itself everywhere; it is a library, not a service.
  const own = ownPackageName(files.filter((f) => path.dirname(f) === dir), read);
  if (own) project.packageName = own;
  // (A service named after its framework, axum-web depending on axum, is a service: it lists the framework.)
  const ownRepo = !!own && fw?.adapter.id === own.replace(/-web$/, "") && !facts.deps.has(own) && !facts.deps.has(fw.adapter.id);
  if (fw && !ownRepo) {
    project.framework = fw.adapter.id;
    project.frameworkSource = fw.source;
  }
  const seen = new Set<string>();
  for (const [name, source] of [...facts.deps, ...facts.imports]) {
    const kind = infraKindOfLibrary(name);
    if (kind && !seen.has(kind)) {
      seen.add(kind);
      project.infra.push({ kind, source });
    }
  }
  return project;
}

const PY_MANIFEST = /^(pyproject\.toml|setup\.py|setup\.cfg|Pipfile|requirements[\w.-]*\.txt)$/;
const normName = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "_");

/**
 * A Python distribution's own package folder (`shop/` or `src/shop/` beside a pyproject naming
 * `shop`) is part of that project even when it holds a manage.py or a Dockerfile: one service,
 * not two. A folder with a manifest of its own stays a project.
 */
function packagesOfTheirProject(files: string[], projectDirs: Set<string>, read: (f: string) => string): string[] {
  const manifests = new Set(files.filter((f) => PY_MANIFEST.test(path.basename(f))).map((f) => path.dirname(f)));
  const out: string[] = [];
  for (const d of projectDirs) {
    if (manifests.has(d)) continue;
    const parent = path.dirname(d);
    const owner = path.basename(parent) === "src" && !manifests.has(parent) ? path.dirname(parent) : parent;
    if (!manifests.has(owner)) continue;
    const name = ownPackageName(files.filter((f) => path.dirname(f) === owner && /^(pyproject\.toml|setup\.cfg)$/.test(path.basename(f))), read);
    if (name && normName(name) === normName(path.basename(d))) out.push(d);
  }
  return out;
}

/** The package name a pyproject.toml, Cargo.toml or package.json declares for the project itself. */
function ownPackageName(files: string[], read: (f: string) => string): string | undefined {
  for (const f of files) {
    const base = path.basename(f);
    if (base === "pyproject.toml" || base === "Cargo.toml") {
      const m = /^\s*\[(?:project|package|tool\.poetry)\][^[]*?^\s*name\s*=\s*["']([^"']+)["']/ms.exec(read(f));
      if (m) return m[1]!.toLowerCase();
    } else if (base === "package.json") {
      try {
        return String((JSON.parse(read(f)) as { name?: string }).name ?? "").toLowerCase() || undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function firstOf(m: Map<string, Source>): Source | undefined {
  return m.values().next().value;
}

/** Declared dependency names of a project's manifests and what their extras install, lower-case with "-". */
export function declaredDependencies(files: string[], read: (f: string) => string): Set<string> {
  const deps = new Map<string, Source>();
  for (const f of files) if (isMarker(path.basename(f))) readDeps(path.basename(f), read(f), f, deps);
  return new Set(deps.keys());
}

/** Python client libraries a generated check can call, lower-case with "-". */
const PY_CLIENTS = new Set(["redis", "aioredis", "asyncpg", "psycopg", "psycopg2"]);

/**
 * Client libraries a service has: declared (with what extras install), imported by its code
 * (`import redis.asyncio`, a lock file or a parent folder's requirements declaring them), or
 * named as the driver of an SQLAlchemy URL (`postgresql+asyncpg://`).
 */
export function clientLibraries(files: string[], read: (f: string) => string): Set<string> {
  const out = declaredDependencies(files, read);
  for (const f of files) {
    if (!f.endsWith(".py")) continue;
    const text = read(f);
    for (const m of text.matchAll(/^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import|import\s+([A-Za-z_]\w*))/gm)) {
      const mod = (m[1] ?? m[2])!.toLowerCase();
      if (PY_CLIENTS.has(mod)) out.add(mod);
    }
    for (const d of urlDrivers(text)) out.add(d.pkg);
  }
  return out;
}

const escapeRegExp = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function readDeps(name: string, text: string, file: string, deps: Map<string, Source>): void {
  const add = (dep: string, line: number, extras: string[] = []) => {
    const key = dep.toLowerCase().replace(/_/g, "-");
    if (!deps.has(key)) deps.set(key, { file, line });
    // celery[redis] installs redis: the client is there even though no line names it.
    for (const p of impliedPackages(key, extras)) if (!deps.has(p)) deps.set(p, { file, line });
  };
  const lines = text.split(/\r?\n/);
  if (/^requirements[\w.-]*\.txt$/.test(name)) {
    lines.forEach((l, i) => {
      const req = parseRequirement(l);
      if (req && !l.trim().startsWith("-")) add(req.name, i + 1, req.extras);
    });
  } else if (name === "pyproject.toml" || name === "Pipfile") {
    let manifest;
    try {
      manifest = parsePythonManifest(text, name);
    } catch {
      return; // pip and pipenv refuse a file that does not parse, and say where
    }
    for (const dep of manifest.dependencies) {
      const at = lines.findIndex((l) => new RegExp(`(^\\s*|["'])${escapeRegExp(dep)}(?![\\w.-])`, "i").test(l));
      add(dep, at + 1 || 1, manifest.extras?.[dep]);
    }
  } else if (name === "setup.py" || name === "setup.cfg") {
    let section = "";
    let inList = false;
    lines.forEach((l, i) => {
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(l);
      if (header) {
        section = header[1]!;
        inList = false;
        return;
      }
      // setup.py lists hold "name>=1.0" strings; setup.cfg writes bare lines under [options].
      const opens = /\b(dependencies|requires|install_requires|optional-dependencies|dev)\b\s*[=:]\s*\[/.test(l);
      if (opens || inList || name === "setup.py") {
        for (const m of l.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(?:[<>=!~;@ ][^"']*)?["']/g)) add(m[1]!, i + 1, (m[2] ?? "").split(",").map((x) => x.trim()).filter(Boolean));
        if (opens) inList = !/\]/.test(l.slice(l.indexOf("[") + 1));
        else if (/\]/.test(l)) inList = false;
        return;
      }
      const key = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=/.exec(l);
      if (key && /dependencies|packages/i.test(section) && key[1] !== "python") add(key[1]!, i + 1);
      if (name === "setup.cfg" && /options/.test(section)) {
        const bare = /^\s+([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;[]|$)/.exec(l);
        if (bare) add(bare[1]!, i + 1, parseRequirement(l)?.extras);
      }
    });
  } else if (name === "Cargo.toml") {
    let manifest;
    try {
      manifest = parseCargoManifest(text);
    } catch {
      return; // cargo refuses a manifest that does not parse, and says where
    }
    // [workspace.dependencies] only declares what members may inherit: not the root's own.
    for (const [dep, spec] of manifest.dependencies) {
      const at = lines.findIndex((l) => new RegExp(`^\\s*(\\[(?:target\\..+\\.)?dependencies\\.)?"?${escapeRegExp(dep)}"?\\s*[.=\\]]`).test(l));
      add(dep, at + 1 || 1);
      // sqlx = { features = ["postgres"] } is the sqlx-postgres driver crate.
      for (const c of cargoFeatureCrates(spec.package, spec.features)) add(c, at + 1 || 1);
    }
  } else if (name === "package.json") {
    try {
      const pkg = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
      for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
        const idx = lines.findIndex((l) => l.includes(`"${dep}"`));
        add(dep, idx + 1 || 1);
      }
    } catch {
      // A broken package.json is the package manager's to report; it just yields no evidence here.
    }
  }
}

const HEALTH_LITERAL = /["'`]((?:\/|\^)?(?:health|healthz|healthcheck|live|livez|liveness|ready|readyz|readiness|ping|status)(?:\/[\w-]*)?\/?\$?)["'`]/;
/**
 * Where a health literal declares a route rather than calls one: a decorator or a route
 * call (not `client.get("/health")`), a Rust route or attribute, a JS route with a handler after the path.
 */
const ROUTE_HINT: Record<string, RegExp> = {
  python: /@[\w.]+\.(get|head|api_route|route)\(|\b(path|re_path|url|Route|add_api_route|add_url_rule|add_route)\(/,
  rust: /\.route\(|#\[(get|head|route)\(|\bresource\(/,
  js: /\.(get|head|all|route)\(\s*["'`][^"'`]*["'`]\s*[,)]|\burl:\s*["'`]/,
};
/** Minified bundles (front-end assets shipped beside a server) hold every word on one line. */
const MAX_LINE = 400;

const SIDE_SERVER = /console|metric|prometheus|telemetry|otlp|jaeger/i;

function scanSource(lang: string, text: string, file: string, facts: ProjectFacts, project: SourceProject): void {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const n = i + 1;
    let m: RegExpExecArray | null;
    if (lang === "python") {
      if ((m = /^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import|import\s+([A-Za-z_]\w*))/.exec(l))) {
        const mod = (m[1] ?? m[2])!.toLowerCase();
        if (!facts.imports.has(mod)) facts.imports.set(mod, { file, line: n });
      }
      // create_async_engine("postgresql+asyncpg://…"): the URL's driver is a client the code loads.
      if (l.includes("+")) for (const d of urlDrivers(l)) if (!facts.imports.has(d.pkg)) facts.imports.set(d.pkg, { file, line: n });
      if (!project.port && (m = /(?:uvicorn\.run|app\.run|\.run)\([^)]*\bport\s*=\s*(\d{2,5})/.exec(l))) project.port = { value: Number(m[1]), source: { file, line: n } };
    } else if (lang === "rust") {
      if ((m = /^\s*(?:pub\s+)?use\s+([A-Za-z_]\w*)::/.exec(l))) {
        const mod = m[1]!;
        if (!facts.imports.has(mod)) facts.imports.set(mod, { file, line: n });
      }
      // (Not a `"address": "127.0.0.1:8080"` entry of a JSON or config literal: another program's address.)
      // Nor the address of a debugging or metrics side server (tokio-console, a Prometheus exporter).
      if (!project.port && !/"\w+"\s*:\s*"/.test(l) && !SIDE_SERVER.test(l) && !SIDE_SERVER.test(path.basename(file)) && (m = /"(?:0\.0\.0\.0|127\.0\.0\.1|\[::\]|localhost):(\d{2,5})"|unwrap_or\(\s*(\d{4,5})\s*\)|unwrap_or\("(\d{4,5})"|\[\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*\]\s*,\s*(\d{2,5})/.exec(l))) {
        project.port = { value: Number(m[1] ?? m[2] ?? m[3] ?? m[4]), source: { file, line: n } };
      }
    } else {
      if ((m = /(?:from\s+|require\(\s*)["']((?:@[\w.-]+\/)?[\w.-]+)/.exec(l))) {
        const mod = m[1]!;
        if (!facts.imports.has(mod)) facts.imports.set(mod, { file, line: n });
      }
      if (!project.port && (m = /\.listen\(\s*(?:\{\s*port:\s*)?(\d{2,5})/.exec(l))) project.port = { value: Number(m[1]), source: { file, line: n } };
    }
    const h = l.length <= MAX_LINE ? HEALTH_LITERAL.exec(l) : null;
    if (h && ROUTE_HINT[lang === "python" || lang === "rust" ? lang : "js"]!.test(l)) {
      let p = h[1]!.replace(/^\^/, "").replace(/\$$/, "");
      if (!p.startsWith("/")) p = "/" + p;
      if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
      project.healthInCode.push({ path: p, file, line: n });
    }
  }
}
