import { classify, type Launch } from "./entry-command.js";
import { assignment, shellCommands, type Env } from "./entry-shell.js";

/** Keywords that may open a command inside `if … then … else … fi` and loops. */
const KEYWORDS = new Set(["then", "else", "do", "{", "(", "!", "elif", "if", "while", "until"]);

export interface ScriptLaunch {
  launch: Launch;
  words: string[];
  line: number;
  /** The line's own text, for the chain. */
  text: string;
}

/** How much a launch tells about the served app: a server beats a Python program beats `exec "$@"`. */
function weight(l: Launch): number {
  switch (l.kind) {
    case "server":
    case "fastapi-cli": return 5;
    case "manage": return l.subcommand === "runserver" || l.subcommand === "runserver_plus" ? 4 : 0;
    case "python-file": return 3;
    case "python-module": return 2;
    case "args": return 1;
    case "shell": return l.script ? 1 : 0;
    default: return 0;
  }
}

/**
 * The command of a shell script that serves: the first server started in the foreground (it does
 * not return); else one on an `exec` line (nothing after it runs), the strongest launch otherwise,
 * the last of equals. Assignments are applied line by line, so
 * `APP_MODULE=${APP_MODULE:-main:app}` then `exec uvicorn "$APP_MODULE"` reads the default.
 */
export function servingCommand(text: string, env: Env): ScriptLaunch | undefined {
  const scope: Env = { ...env };
  const lines = text.split(/\r?\n/);
  let best: { s: ScriptLaunch; w: number; exec: boolean } | undefined;
  for (let i = 0; i < lines.length; i++) {
    let logical = lines[i]!;
    const start = i;
    while (/\\$/.test(logical) && i + 1 < lines.length) logical = logical.slice(0, -1) + " " + lines[++i]!;
    for (const cmd of shellCommands(logical, scope)) {
      let words = cmd.words;
      while (words.length && KEYWORDS.has(words[0]!)) words = words.slice(1);
      if (!words.length || words[0] === "[" || words[0] === "test" || words[0] === "echo" || words[0] === "fi" || words[0] === "done") continue;
      const assigned = assignment(words);
      if (assigned) {
        for (const [k, v] of assigned) scope[k] = v;
        continue;
      }
      const launch = classify(words);
      const w = weight(launch);
      if (w === 0) continue;
      const exec = words[0] === "exec";
      const s = { launch, words, line: start + 1, text: logical.replace(/\s+/g, " ").trim() };
      // A server in the foreground does not return: what follows it (`exec "$@"`) never runs.
      if (w >= 4 && !cmd.background) return s;
      if (!best || (exec && !best.exec) || (exec === best.exec && w >= best.w)) best = { s, w, exec };
    }
  }
  return best?.s;
}
