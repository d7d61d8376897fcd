import type { PyCall } from "./interp-api.js";
import { NONE, UNKNOWN, type PyValue } from "./values.js";

/** Methods of Python's own values the interpreter follows: list.append/extend/insert, dict views and get, str helpers. */
export function builtinMethod(self: PyValue, name: string, call: PyCall, iterate: (v: PyValue) => PyValue[] | undefined): PyValue | undefined {
  if (self.k === "seq") {
    if (name === "append" && call.args[0]) self.items.push(call.args[0]);
    else if (name === "extend" && call.args[0]) self.items.push(...(iterate(call.args[0]) ?? [UNKNOWN(call.argText[0] ?? "")]));
    else if (name === "insert" && call.args[1]) self.items.splice(call.args[0]?.k === "num" ? call.args[0].v : 0, 0, call.args[1]);
    else return undefined;
    return NONE;
  }
  if (self.k === "dict") {
    if (name === "items") return { k: "seq", items: self.entries.map(([a, b]) => ({ k: "seq", items: [a, b] })) };
    if (name === "values") return { k: "seq", items: self.entries.map(([, b]) => b) };
    if (name === "keys") return { k: "seq", items: self.entries.map(([a]) => a) };
    if (name === "get" && call.args[0]) return self.entries.find(([key]) => sameKey(key, call.args[0]!))?.[1] ?? call.args[1] ?? NONE;
    if (name === "update" && call.args[0]?.k === "dict") {
      self.entries.push(...call.args[0].entries);
      return NONE;
    }
    if (name === "__setitem__") return NONE;
    return undefined;
  }
  if (self.k === "str") {
    const a0 = call.args[0]?.k === "str" ? call.args[0].v : undefined;
    switch (name) {
      case "rstrip":
        return { k: "str", v: a0 === undefined ? self.v.trimEnd() : stripChars(self.v, a0, false, true) };
      case "lstrip":
        return { k: "str", v: a0 === undefined ? self.v.trimStart() : stripChars(self.v, a0, true, false) };
      case "strip":
        return { k: "str", v: a0 === undefined ? self.v.trim() : stripChars(self.v, a0, true, true) };
      case "lower":
        return { k: "str", v: self.v.toLowerCase() };
      case "upper":
        return { k: "str", v: self.v.toUpperCase() };
      case "replace":
        return call.args[1]?.k === "str" && a0 !== undefined ? { k: "str", v: self.v.split(a0).join(call.args[1].v) } : undefined;
      case "format": {
        let i = 0;
        let ok = true;
        const v = self.v.replace(/\{([A-Za-z_0-9]*)\}/g, (_, key: string) => {
          const x = key === "" ? call.args[i++] : /^\d+$/.test(key) ? call.args[Number(key)] : call.kw.get(key);
          if (x?.k === "str" || x?.k === "num") return String(x.v);
          ok = false;
          return "";
        });
        return ok ? { k: "str", v } : undefined;
      }
      case "split":
      case "rsplit": {
        const sep = a0 ?? " ";
        return { k: "seq", items: self.v.split(sep).filter((x) => a0 !== undefined || x !== "").map((v) => ({ k: "str", v }) as PyValue) };
      }
      case "join": {
        const parts = call.args[0] ? iterate(call.args[0]) : undefined;
        if (parts?.every((p) => p.k === "str")) return { k: "str", v: parts.map((p) => (p as { v: string }).v).join(self.v) };
        return undefined;
      }
    }
  }
  return undefined;
}

export function sameKey(a: PyValue, b: PyValue): boolean {
  return (a.k === "str" && b.k === "str" && a.v === b.v) || (a.k === "num" && b.k === "num" && a.v === b.v);
}

function stripChars(s: string, chars: string, start: boolean, end: boolean): string {
  let a = 0;
  let b = s.length;
  while (start && a < b && chars.includes(s[a]!)) a++;
  while (end && b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}
