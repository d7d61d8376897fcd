import { CallLayer } from "./calls.js";

export type { Diagnostic, Interpreter, InterpreterOptions, PyCall, PyKnowledge } from "./interp-api.js";

/**
 * Interprets just enough Python to know which routes a project declares. Modules load
 * on first import (like Python itself), functions run when called with the values at the
 * call site, loops over known lists unroll, and anything else becomes an "unknown" value
 * that keeps its source text so callers can report it.
 *
 * Built in layers, one file each: modules.ts, scopes.ts, statements.ts, expressions.ts, calls.ts.
 */
export class PythonInterpreter extends CallLayer {}
