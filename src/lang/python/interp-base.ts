import type { SgNode } from "./ast-grep.js";
import type { SimpleCall } from "./simple-call.js";
import type { PyModule, PyValue, Scope } from "./values.js";
import type { Diagnostic, Interpreter, InterpreterOptions, PyCall } from "./interp-api.js";

/** Loops over known lists unroll up to this many items. */
export const MAX_LOOP = 500;

/** Thrown by `return` and caught by the function call (or module load) it leaves. */
export class Return {
  constructor(readonly value: PyValue) {}
}

/**
 * The interpreter's state, and the steps each layer takes from a later one. The interpreter
 * is built in layers, one file each: modules.ts (loading, imports), scopes.ts (names,
 * attributes), statements.ts, expressions.ts and calls.ts; interp.ts is the last.
 */
export abstract class InterpreterBase implements Interpreter {
  /** Loaded modules by absolute file path. */
  readonly modules = new Map<string, PyModule>();
  readonly diagnostics: Diagnostic[] = [];
  /** Functions whose body ran at least once (app factories called at import time). */
  readonly called = new Set<number>();
  parsedFiles = 0;
  /** Per running function: values returned by branches whose condition is unknown (`if cached: return cache`). */
  protected maybeReturns: PyValue[][] = [];
  file = "";
  line = 0;

  constructor(readonly opts: InterpreterOptions) {}

  abstract loadFile(file: string): PyModule | undefined;
  abstract resolveModule(name: string, fromFile: string, data?: boolean): string | undefined;
  abstract importModule(name: string, fromFile: string, data?: boolean): PyValue;
  abstract lookup(name: string, scope: Scope): PyValue;
  abstract getAttr(obj: PyValue, name: string, text: string): PyValue;
  abstract classAttr(cls: Extract<PyValue, { k: "cls" }>, name: string): PyValue | undefined;
  abstract execBlock(stmts: SgNode[], scope: Scope): void;
  abstract eval(node: SgNode, scope: Scope): PyValue;
  abstract iterate(v: PyValue): PyValue[] | undefined;
  abstract callValue(callee: PyValue, call: PyCall, text: string): PyValue;
  abstract callFunction(fn: Extract<PyValue, { k: "fn" }>, call: PyCall, text: string): PyValue;
  abstract runUncalled(fn: Extract<PyValue, { k: "fn" }>): PyValue;
  abstract describe(v: PyValue): string;
  protected abstract evalCall(node: SgNode, scope: Scope): PyValue;
  protected abstract callSimple(sc: SimpleCall, text: string, line: number, scope: Scope): PyValue;
  protected abstract evalName(parts: string[], scope: Scope): PyValue;
}
