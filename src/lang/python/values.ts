import type { SgNode } from "./ast-grep.js";

/**
 * Values of the small abstract Python interpreter that route extraction runs over a
 * project: enough of Python to follow imports, constants, helper functions, loops and
 * app factories, and an "unknown" value carrying the source text for everything else.
 */
export type PyValue =
  | { k: "str"; v: string }
  | { k: "num"; v: number }
  | { k: "bool"; v: boolean }
  | { k: "none" }
  | { k: "seq"; items: PyValue[] }
  | { k: "dict"; entries: Array<[PyValue, PyValue]> }
  | { k: "mod"; mod: PyModule }
  /** A name from outside the scanned code (fastapi.APIRouter, os.environ), by qualified name. */
  | { k: "ext"; q: string }
  | { k: "fn"; name: string; node: SgNode; scope: Scope; file: string }
  | { k: "cls"; name: string; node: SgNode; scope: Scope; file: string; bases: PyValue[] }
  | { k: "inst"; cls: PyValue }
  /** A value owned by a framework's knowledge (apps, routers, URL patterns, decorators). */
  | { k: "x"; tag: string; data: unknown }
  | { k: "unk"; text: string };

export interface PyModule {
  name: string;
  file: string;
  /** Folder whose children are the module's submodules when it is a package. */
  packageDir?: string;
  scope: Scope;
  root?: SgNode;
  loaded: boolean;
  /** Per-module memo for framework knowledge (a Django URL conf's container, …). */
  memo: Map<string, unknown>;
}

export type Binding = PyValue | { k: "lazy"; resolve: () => PyValue };

export interface Scope {
  vars: Map<string, Binding>;
  parent?: Scope;
  module: PyModule;
}

export const UNKNOWN = (text: string): PyValue => ({ k: "unk", text });
export const NONE: PyValue = { k: "none" };

export function str(v: PyValue | undefined): string | undefined {
  return v?.k === "str" ? v.v : undefined;
}

/** Items of a list/tuple, or undefined when the value is not a known sequence. */
export function items(v: PyValue | undefined): PyValue[] | undefined {
  if (!v) return undefined;
  if (v.k === "seq") return v.items;
  if (v.k === "dict") return v.entries.map(([key]) => key);
  return undefined;
}

/** Python-like text of a value for messages and handler names. */
export function describe(v: PyValue | undefined): string {
  if (!v) return "?";
  switch (v.k) {
    case "str":
      return JSON.stringify(v.v);
    case "num":
      return String(v.v);
    case "bool":
      return v.v ? "True" : "False";
    case "none":
      return "None";
    case "seq":
      return `[${v.items.map(describe).join(", ")}]`;
    case "dict":
      return "{…}";
    case "mod":
      return v.mod.name;
    case "ext":
      return v.q;
    case "fn":
    case "cls":
      return v.name;
    case "inst":
      return `${describe(v.cls)}()`;
    case "x":
      return v.tag;
    case "unk":
      return v.text;
  }
}
