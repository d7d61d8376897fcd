/**
 * Just enough of POSIX sh to read start commands and entry scripts: words, quotes, `$VAR`,
 * `${VAR:-default}` / `${VAR-default}` / `${VAR:=default}`, and simple commands split at
 * `;`, `&&`, `||`, `|`, `&` and newlines. No globbing, no command substitution (kept as text).
 */

export type Env = Record<string, string | undefined>;

/** A simple command and the 1-based line (within the text) it starts on. */
export interface ShellCommand {
  words: string[];
  line: number;
  /** Ended by a single `&`: runs in the background while the script goes on. */
  background?: true;
}

const MAX_CHARS = 200_000;

export function shellCommands(text: string, env: Env): ShellCommand[] {
  const s = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let line = 1;
  let start = 1;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (background = false) => {
    endWord();
    if (words.length) out.push(background ? { words, line: start, background: true } : { words, line: start });
    words = [];
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (words.length === 0 && word === undefined) start = line;
    if (c === "\\" && s[i + 1] === "\n") {
      i++;
      line++;
      continue;
    }
    if (c === "\n") {
      endCommand();
      line++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      endWord();
      continue;
    }
    if (c === "#" && word === undefined) {
      while (i + 1 < s.length && s[i + 1] !== "\n") i++;
      continue;
    }
    if (c === ";" || c === "|" || c === "&") {
      const doubled = s[i + 1] === c;
      endCommand(c === "&" && !doubled);
      if (doubled) i++;
      continue;
    }
    if (c === "'") {
      const close = s.indexOf("'", i + 1);
      const end = close < 0 ? s.length : close;
      word = (word ?? "") + s.slice(i + 1, end);
      line += count(s.slice(i + 1, end), "\n");
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let acc = "";
      while (j < s.length && s[j] !== '"') {
        if (s[j] === "\\" && j + 1 < s.length && '"\\$`'.includes(s[j + 1]!)) {
          acc += s[j + 1];
          j += 2;
          continue;
        }
        if (s[j] === "$") {
          const [value, next] = expand(s, j, env);
          acc += value;
          j = next;
          continue;
        }
        if (s[j] === "\n") line++;
        acc += s[j];
        j++;
      }
      word = (word ?? "") + acc;
      i = j;
      continue;
    }
    if (c === "\\") {
      word = (word ?? "") + (s[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "$") {
      const [value, next] = expand(s, i, env);
      // An unquoted empty expansion is no word at all.
      if (value !== "" || word !== undefined) word = (word ?? "") + value;
      i = next - 1;
      continue;
    }
    word = (word ?? "") + c;
  }
  endCommand();
  return out;
}

/** Expands the `$…` at `i`; returns the value and the index after it. */
function expand(s: string, i: number, env: Env): [string, number] {
  if (s[i + 1] === "{") {
    const close = s.indexOf("}", i + 2);
    if (close < 0) return ["$", i + 1];
    const body = s.slice(i + 2, close);
    const m = /^([A-Za-z_]\w*)(?:(:?)([-=+?])(.*))?$/s.exec(body);
    if (!m) return ["", close + 1];
    const value = env[m[1]!];
    const unset = value === undefined || (m[2] === ":" && value === "");
    if (m[3] === "-" || m[3] === "=") return [unset ? unquote(m[4]!, env) : value, close + 1];
    if (m[3] === "+") return [unset ? "" : unquote(m[4]!, env), close + 1];
    return [value ?? "", close + 1];
  }
  if (s[i + 1] === "@" || s[i + 1] === "*") return ["\u0000ARGS\u0000", i + 2];
  const m = /^[A-Za-z_]\w*|^[0-9#?$!-]/.exec(s.slice(i + 1, i + 200));
  if (!m) return ["$", i + 1];
  return [env[m[0]] ?? "", i + 1 + m[0].length];
}

/** A default value written inside `${X:-…}` may itself be quoted or hold variables. */
function unquote(text: string, env: Env): string {
  const words = shellCommands(text, env)[0]?.words;
  return words ? words.join(" ") : "";
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** The marker a `"$@"` / `$*` leaves in a word: the arguments the script was called with. */
export const ARGS = "\u0000ARGS\u0000";

/** Variables a script assigns on its own lines (`X=…`, `export X=…`), read in order. */
export function assignment(words: string[]): Array<[string, string]> | undefined {
  const ws = words[0] === "export" || words[0] === "readonly" || words[0] === "local" || words[0] === "declare" ? words.slice(1).filter((w) => !w.startsWith("-")) : words;
  if (!ws.length) return undefined;
  const pairs: Array<[string, string]> = [];
  for (const w of ws) {
    const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w);
    if (!m) return words[0] === "export" ? pairs : undefined;
    pairs.push([m[1]!, m[2]!]);
  }
  return pairs;
}
