/**
 * An Express route written as a regular expression (`app.get(/^\/users\/(\d+)\/?$/, h)`) as a path
 * template, when the expression is exactly one: anchored at both ends, literal characters and `\/`,
 * capture groups as parameters (named groups by name, others by the index Express gives them in
 * `req.params`), an optional trailing slash. Anything else (alternation, quantifiers outside a group,
 * an expression that is not anchored and so matches inside any path) is not a template: the reason is
 * returned and the route stays unresolved with the expression, never guessed.
 */
export function regexRoutePath(pattern: string, flags: string): { path: string } | { why: string } {
  if (flags.includes("i")) return { why: "a case-insensitive regular expression is not one path" };
  if (!pattern.startsWith("^")) return { why: "a regular expression not anchored with ^ matches inside any path" };
  let body = pattern.slice(1);
  if (!body.endsWith("$") || body.endsWith("\\$")) return { why: "a regular expression without $ matches every path that starts with it" };
  body = body.slice(0, -1).replace(/\\\/\?$/, "");
  let out = "";
  let index = 0;
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === "\\") {
      const next = body[i + 1];
      if (next === undefined || !/[/.\-_~]/.test(next)) return { why: `\\${next ?? ""} is a character class, not a literal` };
      out += next;
      i += 2;
    } else if (c === "(") {
      const end = groupEnd(body, i);
      if (end < 0) return { why: "an unbalanced group" };
      const inner = body.slice(i + 1, end);
      if (inner.startsWith("?:") || inner.startsWith("?=") || inner.startsWith("?!") || inner.startsWith("?<=") || inner.startsWith("?<!")) return { why: "a non-capturing group or lookaround is not a parameter" };
      const named = /^\?<([A-Za-z_$][\w$]*)>/.exec(inner);
      if (/[*+?{]/.test(body[end + 1] ?? "")) return { why: "a repeated or optional group is not one parameter" };
      out += `{${named ? named[1] : String(index)}}`;
      index++;
      i = end + 1;
    } else if (/[A-Za-z0-9/_~-]/.test(c)) {
      if (/[*+?{]/.test(body[i + 1] ?? "")) return { why: `${c}${body[i + 1]} repeats a character` };
      out += c;
      i++;
    } else {
      return { why: `"${c}" is regular-expression syntax, not a path character` };
    }
  }
  return { path: out || "/" };
}

/** The index of the `)` closing the group opened at `start`, across nested groups and classes. */
function groupEnd(s: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}
