import type { SgNode, SgRoot } from "./ast-grep.js";
import type { PyModule, PyValue, Scope } from "./values.js";

/** One call as the knowledge of a framework sees it. */
export interface PyCall {
  args: PyValue[];
  kw: Map<string, PyValue>;
  argText: string[];
  kwText: Map<string, string>;
  file: string;
  line: number;
  text: string;
}

/** What a framework teaches the interpreter; each hook returns undefined when it does not apply. */
export interface PyKnowledge {
  /** A call of an outside name, e.g. fastapi.APIRouter(...) or django.urls.path(...). */
  construct?(q: string, call: PyCall, cx: Interpreter): PyValue | undefined;
  /** A method call on a framework value, e.g. router.get("/x") or app.include_router(r). */
  method?(self: Extract<PyValue, { k: "x" }>, name: string, call: PyCall, cx: Interpreter): PyValue | undefined;
  /** An attribute of a framework value, e.g. router.urls. */
  attr?(self: Extract<PyValue, { k: "x" }>, name: string, cx: Interpreter): PyValue | undefined;
  /** A decorator value applied to a function or class definition. */
  decorate?(dec: PyValue, target: PyValue, cx: Interpreter): PyValue | undefined;
  /**
   * A class defined at module level, shown once the whole scan is loaded: a framework whose
   * classes are routes by themselves (a Litestar Controller with its own path) lists those
   * nothing registered.
   */
  classDefined?(cls: Extract<PyValue, { k: "cls" }>, cx: Interpreter): void;
  /**
   * Top-level packages this knowledge models. Their source stays outside even when the scan
   * holds it (a checkout of Django itself), so that `path()` is still Django's path().
   */
  packages?: string[];
}

export interface Diagnostic {
  file: string;
  line: number;
  message: string;
}

export interface InterpreterOptions {
  /** Every Python file of the scan (absolute paths), used to resolve imports without touching the disk. */
  files: Set<string>;
  /** Folders imports may be resolved against besides the importing file's ancestors. */
  roots: string[];
  read(file: string): string;
  parse(src: string): SgRoot;
  /** Trees parsed ahead of time (on other threads), by file; the rest are parsed on first import. */
  trees?: Map<string, SgRoot>;
  knowledge: PyKnowledge[];
}

/** The interpreter as framework knowledge and route extraction see it (implemented in interp.ts). */
export interface Interpreter {
  readonly opts: InterpreterOptions;
  /** Loaded modules by absolute file path. */
  readonly modules: Map<string, PyModule>;
  readonly diagnostics: Diagnostic[];
  /** Functions whose body ran at least once (app factories called at import time). */
  readonly called: Set<number>;
  parsedFiles: number;
  /** File and line being interpreted, for the locations of what knowledge records. */
  file: string;
  line: number;
  loadFile(file: string): PyModule | undefined;
  resolveModule(name: string, fromFile: string, data?: boolean): string | undefined;
  importModule(name: string, fromFile: string, data?: boolean): PyValue;
  lookup(name: string, scope: Scope): PyValue;
  getAttr(obj: PyValue, name: string, text: string): PyValue;
  classAttr(cls: Extract<PyValue, { k: "cls" }>, name: string): PyValue | undefined;
  execBlock(stmts: SgNode[], scope: Scope): void;
  eval(node: SgNode, scope: Scope): PyValue;
  iterate(v: PyValue): PyValue[] | undefined;
  callValue(callee: PyValue, call: PyCall, text: string): PyValue;
  callFunction(fn: Extract<PyValue, { k: "fn" }>, call: PyCall, text: string): PyValue;
  runUncalled(fn: Extract<PyValue, { k: "fn" }>): PyValue;
  describe(v: PyValue): string;
}
