/**
 * What one command line starts: an ASGI/WSGI server with its `module:app`, a Python file or
 * module, Django's manage.py, a shell script, a binary. Wrappers (`exec`, `poetry run`,
 * `opentelemetry-instrument`, `tini --`, …) are looked through.
 */

export type Launch =
  | { kind: "server"; server: string; target: string; factory: boolean; appDir?: string; worker?: string; port?: PortArg }
  | { kind: "python-file"; file: string }
  /** `fastapi run|dev [PATH] [--app NAME] [--entrypoint module:attr]` (FastAPI CLI). */
  | { kind: "fastapi-cli"; path?: string; app?: string; entrypoint?: string; port?: PortArg }
  | { kind: "python-module"; module: string }
  | { kind: "manage"; file: string; subcommand?: string; settings?: string }
  | { kind: "shell"; script?: string; inline?: string }
  | { kind: "args" }
  | { kind: "program"; program: string; args: string[] };

/** A listen port the command line names: a number, or text fks cannot read (`$PORT`, a unix socket). */
export type PortArg = number | "unknown";

/**
 * The port a server listens on from `--port N` (daphne also `-p N`; gunicorn's `-p` is its pid
 * file) or `--bind host:N` / `-b :N` (uwsgi: `--http :N`). A bind without a port names a host only.
 */
function portOf(server: string, opt: string, value: string | undefined): PortArg | undefined {
  if (value === undefined) return undefined;
  if (opt === "--port" || (opt === "-p" && server === "daphne")) return /^\d+$/.test(value) ? Number(value) : "unknown";
  if (opt === "--bind" || opt === "-b" || (server === "uwsgi" && (opt === "--http" || opt === "--http-socket"))) {
    if (value.startsWith("unix:") || value.startsWith("fd://")) return "unknown";
    const m = /:(\d+)$/.exec(value);
    return m ? Number(m[1]) : /\$/.test(value) ? "unknown" : undefined;
  }
  return undefined;
}

/** Wrappers whose first non-option argument is the real command. */
const WRAPPERS = new Set(["exec", "env", "nohup", "tini", "dumb-init", "catatonit", "time", "opentelemetry-instrument", "ddtrace-run", "doppler", "chamber", "setsid", "stdbuf"]);
/** Runners that take a subcommand word before the command (`poetry run x`, `uv run x`). */
const RUNNERS: Record<string, string> = { poetry: "run", uv: "run", pipenv: "run", pdm: "run", hatch: "run", rye: "run", "newrelic-admin": "run-program" };
/** Wrappers that take one argument (a user, a key) before the command. */
const ONE_ARG_WRAPPERS = new Set(["gosu", "su-exec", "chpst", "s6-setuidgid"]);

/** Options of the servers that take a value (so the value is not taken for the app). */
const VALUE_OPTIONS = new Set([
  "--host", "--port", "--uds", "--fd", "--log-config", "--log-level", "--workers", "--env-file", "--root-path", "--limit-concurrency",
  "--backlog", "--limit-max-requests", "--timeout-keep-alive", "--ssl-keyfile", "--ssl-certfile", "--forwarded-allow-ips", "--loop", "--http",
  "--ws", "--lifespan", "--interface", "--reload-dir", "--reload-include", "--reload-exclude", "--proxy-headers-ips", "--h11-max-incomplete-event-size",
  "-b", "--bind", "-w", "-c", "--config", "-t", "--timeout", "--graceful-timeout", "--keep-alive", "--threads", "--max-requests",
  "--max-requests-jitter", "--access-logfile", "--error-logfile", "--log-file", "--access-logformat", "--pid", "-u", "--user", "-g", "--group",
  "--name", "-n", "-e", "--env", "--worker-connections", "--worker-tmp-dir", "-p", "--certfile", "--keyfile", "--statsd-host", "--umask",
  "--app-dir", "--chdir", "-k", "--worker-class", "--pythonpath", "--paste", "--keep-alive-timeout", "--access-log", "--error-log",
]);

const SERVERS = new Set(["uvicorn", "gunicorn", "hypercorn", "daphne", "granian", "uwsgi"]);
const PYTHON = /^(python|python3|python3\.\d+|pypy3?)$/;

const base = (p: string) => p.split("/").pop() ?? p;

export function classify(words: string[]): Launch {
  const argv = unwrap(words);
  const first = argv[0];
  if (first === undefined) return { kind: "program", program: "", args: [] };
  if (first === "\u0000ARGS\u0000") return { kind: "args" };
  const prog = base(first);
  if (prog === "sh" || prog === "bash" || prog === "ash" || prog === "dash" || prog === "zsh") {
    const c = argv.findIndex((w, i) => i > 0 && /^-\w*c\w*$/.test(w));
    if (c > 0 && argv[c + 1] !== undefined) return { kind: "shell", inline: argv[c + 1] };
    const script = argv.slice(1).find((w) => !w.startsWith("-"));
    return { kind: "shell", script };
  }
  if (PYTHON.test(prog)) {
    const rest = argv.slice(1);
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i]!;
      if (w === "-m" || (w.startsWith("-m") && w.length > 2)) {
        const module = w === "-m" ? rest[i + 1] : w.slice(2);
        if (!module) break;
        const after = rest.slice(w === "-m" ? i + 2 : i + 1);
        return SERVERS.has(module) ? server(module, after) : { kind: "python-module", module };
      }
      if (w === "-c") return { kind: "program", program: prog, args: rest };
      if (w.startsWith("-")) continue;
      return base(w) === "manage.py" ? manage(w, rest.slice(i + 1)) : { kind: "python-file", file: w };
    }
    return { kind: "program", program: prog, args: rest };
  }
  if (SERVERS.has(prog)) return server(prog, argv.slice(1));
  if (prog === "django-admin") return manage("", argv.slice(1));
  if (prog === "fastapi") return fastapiCli(argv.slice(1));
  if (base(first) === "manage.py") return manage(first, argv.slice(1));
  if (/\.(sh|bash)$/.test(first)) return { kind: "shell", script: first };
  if (/\.py$/.test(first)) return { kind: "python-file", file: first };
  return { kind: "program", program: first, args: argv.slice(1) };
}

/** The command with wrappers and runner prefixes taken off. */
export function unwrap(words: string[]): string[] {
  let argv = words;
  for (let guard = 0; guard < 10 && argv.length; guard++) {
    const prog = base(argv[0]!);
    if (WRAPPERS.has(prog)) {
      let i = 1;
      while (i < argv.length && (argv[i]!.startsWith("-") || (prog === "env" && /^[A-Za-z_]\w*=/.test(argv[i]!)))) i++;
      argv = argv.slice(i);
    } else if (RUNNERS[prog] && argv[1] === RUNNERS[prog]) {
      argv = argv.slice(2);
    } else if (ONE_ARG_WRAPPERS.has(prog)) {
      argv = argv.slice(2);
    } else if (/^[A-Za-z_]\w*=/.test(argv[0]!)) {
      argv = argv.slice(1);
    } else break;
  }
  return argv;
}

/** A command-line word as an option and the value written into it (`--port=8000`), if any. */
function option(w: string): { opt: string; value?: string } {
  const eq = w.indexOf("=");
  return w.startsWith("--") && eq > 0 ? { opt: w.slice(0, eq), value: w.slice(eq + 1) } : { opt: w };
}

function server(name: string, args: string[]): Launch {
  let target: string | undefined;
  let factory = false;
  let appDir: string | undefined;
  let worker: string | undefined;
  let port: PortArg | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const { opt, value } = option(w);
    const listen = portOf(name, opt, value ?? (opt.startsWith("-") ? args[i + 1] : undefined));
    if (listen !== undefined) port = listen;
    if (opt === "--factory") factory = true;
    else if (opt === "--app-dir" || opt === "--chdir") appDir = value ?? args[++i];
    else if (opt === "-k" || opt === "--worker-class") worker = value ?? args[++i];
    else if (name === "uwsgi" && (opt === "--module" || opt === "-w" || opt === "--wsgi")) target = value ?? args[++i];
    else if (w.startsWith("-")) {
      if (value === undefined && VALUE_OPTIONS.has(opt)) i++;
    } else if (target === undefined && w !== "run") target = w;
  }
  // gunicorn 'module:create_app()' (or 'module:create_app("prod")') calls a factory.
  if (target && /\(.*\)$/.test(target)) {
    factory = true;
    target = target.replace(/\(.*\)$/, "");
  }
  return { kind: "server", server: name, target: target ?? "", factory, appDir, worker, port };
}

const FASTAPI_VALUE_OPTIONS = new Set(["--host", "--port", "--workers", "--root-path", "--app", "--entrypoint", "-e", "--forwarded-allow-ips"]);

function fastapiCli(args: string[]): Launch {
  let path: string | undefined;
  let app: string | undefined;
  let entrypoint: string | undefined;
  let port: PortArg | undefined;
  // The first word is the subcommand (run, dev); then options and an optional path.
  for (let i = 1; i < args.length; i++) {
    const w = args[i]!;
    const { opt, value } = option(w);
    const listen = portOf("fastapi", opt, value ?? args[i + 1]);
    if (listen !== undefined) port = listen;
    if (opt === "--app") app = value ?? args[++i];
    else if (opt === "--entrypoint" || opt === "-e") entrypoint = value ?? args[++i];
    else if (w.startsWith("-")) {
      if (value === undefined && FASTAPI_VALUE_OPTIONS.has(opt)) i++;
    } else path ??= w;
  }
  return { kind: "fastapi-cli", path, app, entrypoint, port };
}

function manage(file: string, args: string[]): Launch {
  const subcommand = args.find((w) => !w.startsWith("-"));
  const settings = args.find((w) => w.startsWith("--settings="))?.slice("--settings=".length) ?? (args.includes("--settings") ? args[args.indexOf("--settings") + 1] : undefined);
  return { kind: "manage", file, subcommand, settings };
}

/**
 * A JSON exec form (`["uvicorn", "main:app"]`) as its words, or undefined for the shell form.
 * Docker reads a string that is not a valid JSON array as shell form.
 */
export function execForm(value: string): string[] | undefined {
  const t = value.trim();
  if (!t.startsWith("[")) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}
