/**
 * The small JSON-path subset assertions need: $.a.b, $.a[0], $["name:with.dots"],
 * $.checks['db:ping'][0].status. No wildcards or filters — one path, one value.
 */
export function parsePath(expr: string): Array<string | number> | string {
  let s = expr.trim();
  if (s.startsWith("$")) s = s.slice(1);
  const keys: Array<string | number> = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ".") {
      const m = /^[^.[\]]+/.exec(s.slice(i + 1));
      if (!m) return `empty key at ${i + 1} in ${expr}`;
      keys.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const rest = s.slice(i);
      const m = /^\[\s*(?:(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (!m) return `bad bracket at ${i + 1} in ${expr}`;
      keys.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3]!).replace(/\\(.)/g, "$1"));
      i += m[0].length;
    } else if (i === 0) {
      // "a.b" without the leading "$."
      const m = /^[^.[\]]+/.exec(s);
      keys.push(m![0]);
      i += m![0].length;
    } else {
      return `unexpected "${c}" at ${i + 1} in ${expr}`;
    }
  }
  return keys;
}

export function valueAt(root: unknown, keys: Array<string | number>): { found: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const k of keys) {
    if (cur === null || typeof cur !== "object") return { found: false };
    if (typeof k === "number" && !Array.isArray(cur)) return { found: false };
    if (!Object.prototype.hasOwnProperty.call(cur, k)) return { found: false };
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return { found: true, value: cur };
}
