import { parse } from "smol-toml";

/**
 * Python import roots of the sub-projects in a tree: the folders their code is imported from
 * (what sys.path holds when the sub-project runs or is installed), so `from api.x import y` in
 * `services/orders/src/api/...` is first-party for that sub-project.
 */
export interface ImportRoot {
  /** Folder relative to the scan root, forward slashes ("" is the scan root). */
  dir: string;
  /** What says so, with the file, e.g. `services/orders/pyproject.toml: [tool.setuptools] package-dir`. */
  reason: string;
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (v && typeof v === "object" && !Array.isArray(v) ? (v as Table) : {});
const strings = (v: unknown): string[] => (typeof v === "string" ? v.split(/\s+/).filter(Boolean) : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

const join = (dir: string, sub: string): string => {
  const parts = [...(dir ? dir.split("/") : []), ...sub.split("/")].filter((p) => p && p !== ".");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "..") out.pop();
    else out.push(p);
  }
  return out.join("/");
};
const parentOf = (rel: string) => (rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "");

/** Folders a pyproject.toml names as package or test roots. */
function fromPyproject(text: string): Array<{ sub: string; what: string }> {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch {
    return [];
  }
  const tool = table(doc.tool);
  const out: Array<{ sub: string; what: string }> = [];
  const setuptools = table(tool.setuptools);
  const pkgDir = table(setuptools["package-dir"])[""];
  if (typeof pkgDir === "string") out.push({ sub: pkgDir, what: "[tool.setuptools] package-dir" });
  for (const w of strings(table(table(setuptools.packages).find).where)) out.push({ sub: w, what: "[tool.setuptools.packages.find] where" });
  for (const p of Array.isArray(table(tool.poetry).packages) ? (table(tool.poetry).packages as unknown[]) : []) {
    const from = table(p).from;
    if (typeof from === "string") out.push({ sub: from, what: "[tool.poetry] packages from" });
  }
  for (const p of strings(table(table(table(table(tool.hatch).build).targets).wheel).packages)) {
    if (p.includes("/")) out.push({ sub: parentOf(p), what: "[tool.hatch.build.targets.wheel] packages" });
  }
  for (const p of strings(table(table(tool.pytest)["ini_options"]).pythonpath)) out.push({ sub: p, what: "[tool.pytest.ini_options] pythonpath" });
  return out;
}

/** `key = value` of one [section] of an INI file (setup.cfg, pytest.ini), continuation lines joined. */
function iniValue(text: string, section: string, key: string): string | undefined {
  let inSection = false;
  let value: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const head = /^\[([^\]]+)\]/.exec(line);
    if (head) {
      if (value !== undefined) return value;
      inSection = head[1]!.trim() === section;
      continue;
    }
    if (!inSection) continue;
    if (value !== undefined && /^\s+\S/.test(line)) {
      value += ` ${line.trim()}`;
      continue;
    }
    if (value !== undefined) return value;
    const m = new RegExp(`^${key.replace(/[-_]/g, "[-_]")}\\s*[=:]\\s*(.*)$`).exec(line);
    if (m) value = m[1]!.trim();
  }
  return value;
}

function fromIni(text: string, file: string): Array<{ sub: string; what: string }> {
  const out: Array<{ sub: string; what: string }> = [];
  if (file === "setup.cfg") {
    // `package_dir = =src` or one `name = folder` per line; the root package's entry has no name.
    const pd = iniValue(text, "options", "package_dir");
    const m = pd ? /(?:^|\s)=\s*(\S+)/.exec(pd) : undefined;
    if (m) out.push({ sub: m[1]!, what: "[options] package_dir" });
    const where = iniValue(text, "options.packages.find", "where");
    if (where) out.push({ sub: where.trim(), what: "[options.packages.find] where" });
  }
  const pp = iniValue(text, file === "setup.cfg" ? "tool:pytest" : "pytest", "pythonpath");
  for (const p of pp?.split(/\s+/).filter(Boolean) ?? []) out.push({ sub: p, what: `[${file === "setup.cfg" ? "tool:pytest" : "pytest"}] pythonpath` });
  return out;
}

/**
 * @param manifests the manifests found (relative path and text)
 * @param pyDirs every folder (relative) that holds a scanned Python file
 */
export function findImportRoots(manifests: Array<{ rel: string; text: string }>, pyDirs: ReadonlySet<string>): ImportRoot[] {
  const holdsPython = (dir: string) => {
    for (const d of pyDirs) if (d === dir || dir === "" || d.startsWith(`${dir}/`)) return true;
    return false;
  };
  const roots = new Map<string, string>();
  const add = (dir: string, reason: string) => {
    if (!roots.has(dir) && holdsPython(dir)) roots.set(dir, reason);
  };
  const byDir = new Map<string, Array<{ rel: string; text: string }>>();
  for (const m of manifests) {
    const d = parentOf(m.rel);
    byDir.set(d, [...(byDir.get(d) ?? []), m]);
  }
  for (const [dir, files] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const said: Array<{ sub: string; what: string; file: string }> = [];
    for (const f of files) {
      const name = f.rel.slice(f.rel.lastIndexOf("/") + 1);
      const found = name === "pyproject.toml" ? fromPyproject(f.text) : name === "setup.py" ? [] : fromIni(f.text, name);
      for (const x of found) said.push({ ...x, file: f.rel });
    }
    for (const s of said) add(join(dir, s.sub), `${s.file}: ${s.what}`);
    // A src/ layout says it by its shape; otherwise the sub-project's own folder is where it runs from.
    const manifest = files.map((f) => f.rel).sort()[0]!;
    if (!said.some((s) => !s.what.includes("pythonpath"))) {
      if (holdsPython(join(dir, "src")) && ![...pyDirs].some((d) => d === dir)) add(join(dir, "src"), `${manifest}: src/ layout`);
      else if (dir !== "") add(dir, `${manifest}: sub-project folder`);
    }
  }
  return [...roots].map(([dir, reason]) => ({ dir, reason })).sort((a, b) => b.dir.length - a.dir.length);
}
