import path from "node:path";
import type { SgNode } from "./ast-grep.js";
import { firstSyntaxError, syntaxErrorMessage } from "./ast-grep.js";
import type { InterpreterOptions } from "./interp-api.js";
import { InterpreterBase, Return } from "./interp-base.js";
import type { PyModule, PyValue, Scope } from "./values.js";

/** Modules: loading a file once under its dotted name, resolving imports against the scan, import statements. */
export abstract class ModuleLayer extends InterpreterBase {
  private readonly modeled: Set<string>;

  constructor(opts: InterpreterOptions) {
    super(opts);
    this.modeled = new Set(opts.knowledge.flatMap((k) => k.packages ?? []));
  }

  /** Loads a file as a module (once), under the dotted name Python would give it. */
  loadFile(file: string): PyModule | undefined {
    const existing = this.modules.get(file);
    if (existing) return existing;
    const name = this.moduleNameOf(file);
    return this.loadModule(name, file);
  }

  private moduleNameOf(file: string): string {
    // Walk up while folders are packages (hold __init__.py) to find the import root.
    let dir = path.dirname(file);
    const parts = [path.basename(file, ".py")];
    if (parts[0] === "__init__") parts.pop();
    while (this.opts.files.has(path.join(dir, "__init__.py"))) {
      parts.unshift(path.basename(dir));
      dir = path.dirname(dir);
    }
    return parts.join(".") || path.basename(path.dirname(file));
  }

  private loadModule(name: string, file: string): PyModule | undefined {
    const key = file;
    const cached = this.modules.get(key);
    if (cached) return cached;
    const mod: PyModule = {
      name,
      file,
      packageDir: path.basename(file) === "__init__.py" ? path.dirname(file) : undefined,
      scope: undefined as unknown as Scope,
      loaded: false,
      memo: new Map(),
    };
    mod.scope = { vars: new Map(), module: mod };
    mod.scope.vars.set("__name__", { k: "str", v: name });
    this.modules.set(key, mod);
    let root: SgNode;
    try {
      root = (this.opts.trees?.get(file) ?? this.opts.parse(this.opts.read(file))).root();
      this.parsedFiles++;
    } catch (e) {
      this.diagnostics.push({ file, line: 1, message: `cannot read or parse: ${(e as Error).message}` });
      mod.loaded = true;
      return mod;
    }
    mod.root = root;
    const err = firstSyntaxError(root);
    if (err) this.diagnostics.push({ file, line: err.line, message: syntaxErrorMessage(err) });
    const saved = [this.file, this.line] as const;
    this.file = file;
    try {
      this.execBlock(root.namedChildren(), mod.scope);
    } catch (e) {
      if (!(e instanceof Return)) {
        const message = e instanceof RangeError ? "nested too deep to follow: routes from this line on are missing — flatten the expression" : `could not follow this module: ${(e as Error).message}`;
        this.diagnostics.push({ file, line: this.line, message });
      }
    }
    [this.file, this.line] = saved;
    mod.loaded = true;
    return mod;
  }

  /**
   * Resolves a dotted module name as seen from a file: its package ancestors first, then the
   * scan roots. Modules of a package framework knowledge models stay outside unless `data`
   * says the module is read as data (a URL conf named by string), not as the framework's API.
   */
  resolveModule(name: string, fromFile: string, data = false): string | undefined {
    if (!data && this.modeled.has(name.split(".")[0]!)) return undefined;
    const rel = name.split(".").join(path.sep);
    const tried = new Set<string>();
    const bases: string[] = [];
    for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
      bases.push(dir);
      if (this.opts.roots.some((r) => dir === r) || path.dirname(dir) === dir) break;
    }
    bases.push(...this.opts.roots);
    // The folder above the file's outermost package is its sys.path entry, even above a root that is
    // itself a package (a service folder `app/` with an `__init__.py`, imported as `app.tasks`).
    let top = path.dirname(fromFile);
    while (this.opts.files.has(path.join(top, "__init__.py")) && path.dirname(top) !== top) top = path.dirname(top);
    bases.push(top);
    for (const base of bases) {
      if (tried.has(base)) continue;
      tried.add(base);
      for (const cand of [path.join(base, rel + ".py"), path.join(base, rel, "__init__.py")]) {
        if (this.opts.files.has(cand)) return cand;
      }
    }
    return undefined;
  }

  /** import a.b.c: the module value for `name`, loading it from the scan when present. */
  importModule(name: string, fromFile: string, data = false): PyValue {
    const file = this.resolveModule(name, fromFile, data);
    if (!file) return { k: "ext", q: name };
    const mod = this.loadModule(name, file);
    return mod ? { k: "mod", mod } : { k: "ext", q: name };
  }

  private absoluteName(level: number, name: string, fromFile: string): string {
    if (level === 0) return name;
    const mod = this.loadFileName(fromFile);
    const isPkg = path.basename(fromFile) === "__init__.py";
    const parts = mod.split(".");
    const drop = isPkg ? level - 1 : level;
    const base = parts.slice(0, Math.max(0, parts.length - drop));
    return [...base, ...(name ? [name] : [])].join(".");
  }

  private loadFileName(file: string): string {
    return this.modules.get(file)?.name ?? this.moduleNameOf(file);
  }

  protected execImport(st: SgNode, scope: Scope): void {
    const file = this.file;
    const simple = SIMPLE_IMPORT.exec(st.text());
    if (simple) {
      for (const item of simple[1]!.split(",")) {
        const [name, alias] = item.trim().split(/\s+as\s+/) as [string, string | undefined];
        this.bindImport(scope, name, alias, file);
      }
      return;
    }
    for (const c of st.children()) {
      if (c.kind() === "dotted_name") {
        this.bindImport(scope, c.text(), undefined, file);
      } else if (c.kind() === "aliased_import") {
        this.bindImport(scope, c.field("name")!.text(), c.field("alias")!.text(), file);
      }
    }
  }

  private bindImport(scope: Scope, name: string, alias: string | undefined, file: string): void {
    if (alias) {
      scope.vars.set(alias, { k: "lazy", resolve: () => this.importModule(name, file) });
      return;
    }
    const top = name.split(".")[0]!;
    // `import a.b` binds `a`; loading a.b also makes it reachable as an attribute.
    scope.vars.set(top, { k: "lazy", resolve: () => { if (name !== top) this.importModule(name, file); return this.importModule(top, file); } });
  }

  protected execFromImport(st: SgNode, scope: Scope): void {
    const file = this.file;
    const simple = SIMPLE_FROM_IMPORT.exec(st.text());
    if (simple) {
      const absolute = this.absoluteName(simple[1]!.length, simple[2] ?? "", file);
      for (const item of simple[3]!.split(",")) {
        const [name, alias] = item.trim().split(/\s+as\s+/) as [string, string | undefined];
        this.bindFromImport(scope, absolute, name, alias ?? name, file);
      }
      return;
    }
    const modNode = st.field("module_name");
    let level = 0;
    let modName = "";
    if (modNode?.kind() === "relative_import") {
      for (const c of modNode.children()) {
        if (c.kind() === "import_prefix") level = c.text().length;
        else if (c.kind() === "dotted_name") modName = c.text();
      }
    } else if (modNode) modName = modNode.text();
    const absolute = this.absoluteName(level, modName, file);
    const names = st.children().filter((c) => c !== modNode && (c.kind() === "dotted_name" || c.kind() === "aliased_import"));
    if (st.children().some((c) => c.kind() === "wildcard_import")) {
      const mod = this.importModule(absolute, file);
      if (mod.k === "mod") for (const [k, v] of mod.mod.scope.vars) if (!k.startsWith("_")) scope.vars.set(k, v);
      return;
    }
    for (const n of names) {
      const name = n.kind() === "aliased_import" ? n.field("name")!.text() : n.text();
      const alias = n.kind() === "aliased_import" ? n.field("alias")!.text() : name;
      this.bindFromImport(scope, absolute, name, alias, file);
    }
  }

  private bindFromImport(scope: Scope, absolute: string, name: string, alias: string, file: string): void {
    scope.vars.set(alias, {
      k: "lazy",
      resolve: () => {
        const mod = this.importModule(absolute, file);
        if (mod.k !== "mod") return { k: "ext", q: absolute ? `${absolute}.${name}` : name };
        return this.getAttr(mod, name, `${absolute}.${name}`);
      },
    });
  }
}

/** Imports on one line without parentheses, comments or continuations, read from their text. */
const ID = "[A-Za-z_][A-Za-z0-9_]*";
const DOTTED = `${ID}(?:\\.${ID})*`;
const ITEM = (name: string) => `${name}(?:[ \\t]+as[ \\t]+${ID})?`;
const SIMPLE_IMPORT = new RegExp(`^import[ \\t]+(${ITEM(DOTTED)}(?:[ \\t]*,[ \\t]*${ITEM(DOTTED)})*)[ \\t]*$`);
const SIMPLE_FROM_IMPORT = new RegExp(`^from[ \\t]+(\\.*)[ \\t]*(${DOTTED})?[ \\t]+import[ \\t]+(${ITEM(ID)}(?:[ \\t]*,[ \\t]*${ITEM(ID)})*)[ \\t]*$`);
