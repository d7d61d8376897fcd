import path from "node:path";
import type { EntryStep, ServedEntry, ServiceRecord } from "../../model.js";
import { classify, execForm, unwrap, type Launch } from "./entry-command.js";
import { servingCommand } from "./entry-script.js";
import { shellCommands, ARGS, type Env } from "./entry-shell.js";
import { followApp, mainBlockRun, moduleFile, type AppHit, type PyTree } from "./entry-python.js";
import { cargoBinary, fastapiEntrypoint, pyprojectScripts } from "./entry-manifests.js";
import { conventionalEntry } from "./entry-convention.js";
import { baseImageLaunch } from "./entry-images.js";
import type { EntryInput } from "./entry-input.js";

export type { EntryInput };

interface Walk {
  input: EntryInput;
  env: Env;
  /** The container's working directory and the local folder it maps to. */
  workdir: string;
  chain: EntryStep[];
  depth: number;
  /** The final stage's base image, whose own start scripts a command may name. */
  image?: string;
  imageLine?: number;
  dockerfile?: string;
  copies?: import("../../model.js").DockerCopy[];
}

const MAX_STEPS = 12;

/**
 * The app a service really serves, followed from what starts it: Kubernetes `command`/`args`,
 * compose `entrypoint`/`command`, the Dockerfile's final-stage ENTRYPOINT and CMD, a Procfile's
 * `web:`; then shell scripts, Python launchers and imports down to the line that creates the app.
 * When nothing starts the service, a conventional entry is chosen and the reason says so.
 */
export function servedEntry(service: ServiceRecord, input: EntryInput): ServedEntry {
  const env: Env = { ...service.dockerfile?.env, ...service.compose?.environment, ...service.k8s?.env };
  const df = service.dockerfile;
  const w: Walk = { input, env, workdir: df?.workdir ?? "/", chain: [], depth: 0, image: df?.finalImage, imageLine: df?.stages[df.stages.length - 1]?.line, dockerfile: df?.file, copies: df?.copies };
  const start = startCommand(service, input, w);
  const idle = start ? idleCommand(start.argv) : undefined;
  if (idle) {
    // A development container (`command: sleep infinity`): the code in it is started by hand, so the conventional entry tells.
    const e = conventionalEntry(service, input, (file, from) => pythonFileEntry(file, from, { ...w, chain: [] }));
    return { ...e, idle, reason: `the start command (${start!.what}) only keeps the container idle (\`${idle}\`), as development containers do; ${e.reason}` };
  }
  if (start) {
    const r = run(start.argv, w);
    if (r) return r;
    return { chain: w.chain, confidence: "command", reason: `the start command (${start.what}) was followed as far as shown; fks cannot tell which app it serves` };
  }
  return conventionalEntry(service, inImage(input, df?.copies), (file, from) => pythonFileEntry(file, from, w));
}

/**
 * The files the image holds, when its COPY lines name what they take (no `COPY . .`, no
 * wildcards): an app elsewhere in the build context (the backend, beside a frontend test image)
 * is not in this container.
 */
function inImage(input: EntryInput, copies: Walk["copies"]): EntryInput {
  const srcs = (copies ?? []).flatMap((c) => c.src);
  if (!srcs.length || srcs.some((s) => /[*?]/.test(s) || path.join(input.dir, s) === input.dir)) return input;
  const dirs = srcs.map((s) => path.join(input.dir, s));
  return { ...input, files: input.files.filter((f) => dirs.some((d) => f === d || f.startsWith(d + path.sep))) };
}

/** The command the container or process manager runs, and the chain's first step. */
function startCommand(s: ServiceRecord, input: EntryInput, w: Walk): { argv: string[]; what: string } | undefined {
  const df = s.dockerfile;
  const dfEntry = df?.entrypoint !== undefined ? dockerWords(df.entrypoint, w.env) : undefined;
  const dfCmd = df?.cmd !== undefined ? dockerWords(df.cmd, w.env) : undefined;
  const dfFile = df ? df.file : "";
  const k = s.k8s;
  if (k?.command || k?.args) {
    if (k.command) w.chain.push({ file: k.file, line: k.command.line, text: `command: ${JSON.stringify(k.command.value)}` });
    if (k.args) w.chain.push({ file: k.file, line: k.args.line, text: `args: ${JSON.stringify(k.args.value)}` });
    const argv = [...(k.command?.value ?? dfEntry?.words ?? []), ...(k.args?.value ?? (k.command ? [] : (dfCmd?.words ?? [])))];
    return { argv, what: `${k.file}:${(k.command ?? k.args)!.line}` };
  }
  const c = s.compose;
  if (c?.command || c?.entrypoint) {
    const words = (v: string | string[]) => (Array.isArray(v) ? v : shellCommands(v, w.env).flatMap((x) => x.words));
    if (c.entrypoint) w.chain.push({ file: c.file, line: c.entrypoint.line, text: `entrypoint: ${show(c.entrypoint.value)}` });
    if (c.command) w.chain.push({ file: c.file, line: c.command.line, text: `command: ${show(c.command.value)}` });
    const argv = [...(c.entrypoint ? words(c.entrypoint.value) : (dfEntry?.words ?? [])), ...(c.command ? words(c.command.value) : c.entrypoint ? [] : (dfCmd?.words ?? []))];
    return { argv, what: `${c.file}:${(c.entrypoint ?? c.command)!.line}` };
  }
  if (df && (dfEntry || dfCmd)) {
    if (dfEntry) w.chain.push({ file: dfFile, line: df.entrypointLine ?? 1, text: `ENTRYPOINT ${df.entrypoint}` });
    // A shell-form ENTRYPOINT ignores CMD.
    const cmdUsed = dfCmd && !(dfEntry && dfEntry.shell);
    if (cmdUsed) w.chain.push({ file: dfFile, line: df.cmdLine ?? 1, text: `CMD ${df.cmd}` });
    return { argv: [...(dfEntry?.words ?? []), ...(cmdUsed ? dfCmd!.words : [])], what: `${dfFile}:${(dfEntry ? df.entrypointLine : df.cmdLine) ?? 1}` };
  }
  if (df && baseImageLaunch(df.finalImage, "/start.sh", w.env, () => false)) return { argv: ["/start.sh"], what: `${dfFile}:${w.imageLine ?? 1}` };
  const procfile = path.join(input.dir, "Procfile");
  if (input.exists(procfile)) {
    const lines = input.read(procfile).split(/\r?\n/);
    const at = lines.findIndex((l) => /^web\s*:/.test(l));
    if (at >= 0) {
      w.chain.push({ file: input.rel(procfile), line: at + 1, text: lines[at]!.trim() });
      return { argv: ["sh", "-c", lines[at]!.replace(/^web\s*:\s*/, "")], what: `${input.rel(procfile)}:${at + 1}` };
    }
  }
  return undefined;
}

/** `sleep infinity`, `tail -f /dev/null`, `cat`: a container kept running with nothing started in it. */
function idleCommand(argv: string[]): string | undefined {
  const words = unwrap(argv[0] === "/bin/sh" && argv[1] === "-c" && argv[2] ? shellCommands(argv[2], {}).flatMap((c) => c.words) : argv);
  const text = words.join(" ");
  return /^(sleep (infinity|inf|\d{5,})|tail -f \/dev\/null|cat|sh -c "?trap : TERM INT; sleep infinity.*)$/.test(text) ? text : undefined;
}

const show = (v: string | string[]) => (Array.isArray(v) ? JSON.stringify(v) : v);

/** Exec form words as written; shell form runs through `/bin/sh -c`. */
function dockerWords(value: string, env: Env): { words: string[]; shell: boolean } {
  const exec = execForm(value);
  if (exec) return { words: exec, shell: false };
  void env;
  return { words: ["/bin/sh", "-c", value], shell: true };
}

/** Follows one command; returns the entry when it reaches an app (or a known non-HTTP program). */
function run(argv: string[], w: Walk, args: string[] = []): ServedEntry | undefined {
  if (++w.depth > MAX_STEPS) return undefined;
  const launch = classify(argv);
  return follow(launch, argv, w, args);
}

function follow(launch: Launch, argv: string[], w: Walk, args: string[]): ServedEntry | undefined {
  const { input } = w;
  switch (launch.kind) {
    case "args":
      return args.length ? run(args, w) : undefined;
    case "shell": {
      if (launch.script && !local(launch.script, w) && baseImageLaunch(w.image, launch.script, w.env, () => false)) return follow({ kind: "program", program: launch.script, args: [] }, [launch.script], w, args);
      if (launch.inline !== undefined) return script(launch.inline, undefined, w, args.length ? args : argv.slice(argv.indexOf(launch.inline) + 1));
      const file = launch.script ? local(launch.script, w) : undefined;
      if (!file) return undefined;
      const rest = argv.slice(argv.indexOf(launch.script!) + 1);
      return script(input.read(file), file, w, rest.length ? rest : args);
    }
    case "server":
      return serverEntry(launch, w);
    case "fastapi-cli":
      return fastapiCliEntry(launch, w);
    case "python-file": {
      const file = launch.file ? local(launch.file, w) : undefined;
      return file ? pythonFileEntry(file, launch.file, w) : undefined;
    }
    case "python-module": {
      const tree = treeOf(w);
      const file = moduleFile(`${launch.module}.__main__`, tree) ?? moduleFile(launch.module, tree);
      if (file) return pythonFileEntry(file, launch.module, w);
      // `python -m celery -A app worker`: an installed worker program, not an HTTP server.
      const worker = WORKER_PROGRAMS.has(launch.module.split(".")[0]!);
      return worker ? { chain: w.chain, confidence: "command", notHttp: true, reason: `the start command runs \`python -m ${launch.module}\`, a ${launch.module} worker, not an HTTP server` } : undefined;
    }
    case "manage":
      return djangoEntry(launch.settings, launch.file ? local(launch.file, w) : undefined, w, `manage.py ${launch.subcommand ?? ""}`.trim());
    case "program": {
      const first = argv[0] ?? "";
      const known = local(first, w) ? undefined : baseImageLaunch(w.image, first, w.env, (rel) => input.exists(path.join(input.dir, rel)) || !!local(`/app/${rel}`, w));
      if (known) {
        w.chain.push({ file: w.dockerfile ?? "", line: w.imageLine ?? 1, text: known.text });
        return follow(known.launch, argv, w, args);
      }
      // An entry script without an extension (`docker-entrypoint`, `start`): a text file starting with #!.
      const file = first ? local(first, w) : undefined;
      if (file && /^#!.*\b(sh|bash|ash|dash)\b/.test(input.read(file).slice(0, 100))) return script(input.read(file), file, w, argv.slice(1));
      const scripts = pyprojectScripts(input);
      const named = scripts.find((s) => s.name === path.basename(first));
      if (named) {
        w.chain.push({ file: named.file, line: named.line, text: `${named.name} = "${named.target}"` });
        const [mod, fn] = named.target.split(":");
        return functionEntry(mod!, fn ?? "main", w);
      }
      const bin = cargoBinary(input, path.basename(first));
      if (bin) {
        w.chain.push(...bin.steps);
        return { chain: w.chain, app: `bin:${bin.name}`, appFile: bin.steps[bin.steps.length - 1]!.file, appLine: bin.steps[bin.steps.length - 1]!.line, confidence: "command", reason: `the start command runs the binary ${bin.name}` };
      }
      if (!first) return undefined;
      const shown = unwrap(argv);
      const prog = path.basename(shown[0] ?? first);
      const said = [prog, ...shown.slice(1, 3)].join(" ");
      // Celery's flower dashboard serves HTTP, but it is flower's, not the repository's code.
      if (prog === "flower" || (prog === "celery" && shown.includes("flower"))) return { chain: w.chain, confidence: "command", offTheShelf: "flower", reason: `the start command runs Celery's flower dashboard (\`${said}\`), a server of its own: its routes and health are flower's` };
      if (WORKER_PROGRAMS.has(prog)) return { chain: w.chain, confidence: "command", notHttp: true, reason: `the start command runs \`${said}\`, a ${prog} worker, not an HTTP server` };
      return { chain: w.chain, confidence: "command", notHttp: true, reason: `the start command runs \`${[path.basename(shown[0] ?? first), ...shown.slice(1, 3)].join(" ")}\`, not an HTTP server fks knows (uvicorn, gunicorn, hypercorn, granian, daphne, uwsgi, python, manage.py, a Cargo binary)` };
    }
  }
}

function script(text: string, file: string | undefined, w: Walk, args: string[]): ServedEntry | undefined {
  const found = servingCommand(text, { ...w.env, ...Object.fromEntries(args.map((a, i) => [String(i + 1), a])) });
  if (!found) return undefined;
  if (file) w.chain.push({ file: w.input.rel(file), line: found.line, text: found.text });
  // `exec "$@"`: the rest of the command line (Docker's CMD after an ENTRYPOINT script).
  const words = found.words.flatMap((x) => (x === ARGS ? args : x.includes(ARGS) ? [x.replace(ARGS, args.join(" "))] : [x]));
  return run(words, w, args);
}

function treeOf(w: Walk, appDir?: string): PyTree {
  const { input } = w;
  const roots: string[] = [];
  const add = (d: string | undefined) => {
    if (d && !roots.includes(d)) roots.push(d);
  };
  if (appDir) add(localDir(appDir, w));
  for (const p of (w.env.PYTHONPATH ?? "").split(":").filter(Boolean)) add(localDir(p, w));
  // The working directory, where the COPY lines put it (COPY ./svc/app /usr/src/app, WORKDIR /usr/src/app).
  if (w.workdir !== "/") add(localDir(w.workdir, w));
  add(input.dir);
  add(path.join(input.dir, "src"));
  return { roots, files: input.files.filter((f) => f.endsWith(".py")), exists: input.exists, read: input.read };
}

/** Where each server listens when its command line does not say. */
const DEFAULT_PORT: Record<string, number> = { uvicorn: 8000, gunicorn: 8000, hypercorn: 8000, daphne: 8000, granian: 8000, fastapi: 8000 };

function serverEntry(l: Extract<Launch, { kind: "server" }>, w: Walk): ServedEntry | undefined {
  return listening(serverApp(l, w), l.server, l.port);
}

/** The entry with the port its server listens on: the one the command names, else the server's default. */
function listening(e: ServedEntry | undefined, server: string, port: Extract<Launch, { kind: "server" }>["port"]): ServedEntry | undefined {
  const p = port === undefined ? DEFAULT_PORT[server] : port === "unknown" ? undefined : port;
  return e && p !== undefined ? { ...e, listenPort: p } : e;
}

function serverApp(l: Extract<Launch, { kind: "server" }>, w: Walk): ServedEntry | undefined {
  const target = l.target;
  if (!target) return undefined;
  const [mod, attr = "application"] = target.split(":");
  const tree = treeOf(w, l.appDir);
  const hit = followApp(mod!, attr, tree, l.factory);
  const worker = l.worker ? ` with ${l.worker.split(".").pop()} workers` : "";
  if (!hit) {
    if (/\.(wsgi|asgi)$/.test(mod!)) return djangoEntry(undefined, undefined, w, `${l.server} ${target}`);
    const found = moduleFile(mod!, tree);
    const why = found ? `fks could not follow ${attr} in ${path.relative(w.input.dir, found)} to the line that creates the app` : `fks found no module ${mod} in the service folder`;
    return { chain: w.chain, app: `${mod}:${attr}`, confidence: "command", reason: `${l.server}${worker} serves ${mod}:${attr}, but ${why}` };
  }
  if (hit.kind === "django") return djangoFromApp(hit, w, `${l.server} ${target}`);
  const created = `${hit.module}:${hit.attr}` === `${mod}:${attr}` ? "" : `, created in ${path.relative(w.input.dir, hit.file)}`;
  // A factory (`--factory`, `"m:create_app()"`) is named by what the server calls, wherever the factory was re-exported from.
  const named = l.factory ? { ...hit, module: mod!, attr: `${attr}()` } : hit;
  return appEntry(named, w, `${l.server}${worker} serves ${mod}:${attr}${l.factory ? " (factory)" : ""}${created}`);
}

/** The files `fastapi run` tries, in its order, when no path is given. */
const FASTAPI_CLI_FILES = ["main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py"];

/**
 * What the FastAPI CLI serves: the path given (or the first of its default files) and its `app`
 * or `api` (or `--app`), named as a module through the packages above it; without a path or
 * --app, `--entrypoint` or `[tool.fastapi] entrypoint` in the working directory's pyproject.toml.
 */
function fastapiCliEntry(l: Extract<Launch, { kind: "fastapi-cli" }>, w: Walk): ServedEntry | undefined {
  const dir = w.workdir !== "/" ? localDir(w.workdir, w) : w.input.dir;
  // As the CLI decides: a path or --app first, then --entrypoint or the working directory's pyproject.toml.
  const byPath = l.path !== undefined || l.app !== undefined;
  const configured = byPath || l.entrypoint ? undefined : fastapiEntrypoint(w.input, dir);
  if (configured) w.chain.push({ file: configured.file, line: configured.line, text: `[tool.fastapi] entrypoint = "${configured.target}"` });
  const target = byPath ? undefined : (l.entrypoint ?? configured?.target);
  if (target) return serverEntry({ kind: "server", server: "fastapi", target, factory: false, port: l.port }, w);
  return listening(fastapiPathEntry(l, dir, w), "fastapi", l.port);
}

function fastapiPathEntry(l: Extract<Launch, { kind: "fastapi-cli" }>, dir: string, w: Walk): ServedEntry | undefined {
  const tree = treeOf(w);
  const candidates = l.path ? [l.path.replace(/\/+$/, "")] : FASTAPI_CLI_FILES;
  for (const c of candidates) {
    const asFile = path.join(dir, c);
    const file = w.input.exists(asFile) && asFile.endsWith(".py") ? asFile : w.input.exists(path.join(asFile, "__init__.py")) ? path.join(asFile, "__init__.py") : l.path ? local(c, w) : undefined;
    if (!file) continue;
    const module = path.basename(file) === "__init__.py" ? moduleOf(path.dirname(file) + ".py", w) : moduleOf(file, w);
    const root = path.join(path.dirname(file), ...module.split(".").slice(path.basename(file) === "__init__.py" ? 0 : 1).map(() => ".."));
    // Then, as the CLI does, any other name the module binds to a FastAPI(...).
    const others = l.app ? [] : [...w.input.read(file).matchAll(/^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:fastapi\.)?FastAPI\s*\(/gm)].map((m) => m[1]!);
    for (const attr of l.app ? [l.app] : ["app", "api", ...others.filter((n) => n !== "app" && n !== "api")]) {
      const hit = followApp(module, attr, { ...tree, roots: [root, ...tree.roots] });
      if (hit) return appEntry(hit, w, `fastapi run serves ${module}:${attr}${l.path ? "" : `, the first of ${FASTAPI_CLI_FILES.join(", ")} in its working directory`}`);
    }
    return { chain: w.chain, app: `${module}:${l.app ?? "app"}`, confidence: "command", reason: `fastapi run serves ${path.relative(w.input.dir, file)}, but fks could not follow ${l.app ?? "app or api"} in it to the line that creates the app` };
  }
  return undefined;
}

function appEntry(hit: AppHit, w: Walk, why: string): ServedEntry {
  w.chain.push(...hit.steps.map((s) => ({ ...s, file: w.input.rel(s.file) })));
  const last = hit.steps[hit.steps.length - 1]!;
  const served = `${hit.module}:${hit.attr}`;
  return { chain: w.chain, app: served, appFile: w.input.rel(last.file), appLine: last.line, appModule: hit.fileModule, confidence: "command", reason: why };
}

/** A file run as a program: its `__main__` block's `uvicorn.run(...)`. */
function pythonFileEntry(file: string, shown: string, w: Walk): ServedEntry | undefined {
  const lines = w.input.read(file).split(/\r?\n/);
  const main = mainBlockRun(file, lines);
  if (!main) {
    const at = lines.findIndex((l) => /^if\s+__name__\s*==\s*["']__main__["']\s*:/.test(l));
    if (at < 0 || APP_IN_FILE.test(lines.join("\n"))) return undefined;
    // A program of its own (a queue consumer, a scheduler): nothing in it serves HTTP.
    w.chain.push({ file: w.input.rel(file), line: at + 1, text: lines[at]!.trim() });
    const kind = programKind(lines.join("\n"));
    return { chain: w.chain, confidence: "command", notHttp: true, reason: `${path.basename(shown)} ${kind ? `is a ${kind}: it ` : ""}starts no HTTP server under __main__ and creates no app` };
  }
  w.chain.push({ file: w.input.rel(file), line: main.line, text: lines[main.line - 1]!.trim() });
  const tree = treeOf(w);
  const selfModule = moduleOf(file, w);
  const [mod, attr] = main.target ? main.target.split(":") : [selfModule, main.name!];
  const hit = followApp(mod!, attr!, { ...tree, roots: [path.dirname(file), ...tree.roots] });
  if (!hit) return { chain: w.chain, app: `${mod}:${attr}`, confidence: "command", reason: `${shown} runs ${mod}:${attr}, which fks could not find` };
  return appEntry(hit, w, `${path.basename(shown)} runs ${mod}:${attr} under __main__`);
}

/** A console script's function: the server it starts. */
function functionEntry(mod: string, fn: string, w: Walk): ServedEntry | undefined {
  const tree = treeOf(w);
  const file = moduleFile(mod, tree);
  if (!file) return undefined;
  const lines = w.input.read(file).split(/\r?\n/);
  const def = lines.findIndex((l) => new RegExp(`^(async\\s+)?def\\s+${fn}\\s*\\(`).test(l)) + 1;
  const main = def ? mainBlockRun(file, lines, def) : undefined;
  if (!main) {
    const text = lines.join("\n");
    // A function that starts nothing fks knows, in a module that names no server or app: a command-line tool or a worker.
    if (!def || SERVER_TOKEN.test(text) || APP_IN_FILE.test(text)) return undefined;
    w.chain.push({ file: w.input.rel(file), line: def, text: lines[def - 1]!.trim() });
    const kind = programKind(text);
    return { chain: w.chain, confidence: "command", notHttp: true, reason: `the console script ${mod}:${fn} ${kind ? `is a ${kind} that ` : ""}starts no HTTP server` };
  }
  w.chain.push({ file: w.input.rel(file), line: main.line, text: lines[main.line - 1]!.trim() });
  const [m, attr] = main.target ? main.target.split(":") : [mod, main.name!];
  const hit = followApp(m!, attr!, tree);
  return hit ? appEntry(hit, w, `the console script ${mod}:${fn} runs ${m}:${attr}`) : undefined;
}

/** The dotted module name of a local file, walking up while folders are packages. */
function moduleOf(file: string, w: Walk): string {
  const parts = [path.basename(file, ".py")];
  let dir = path.dirname(file);
  while (w.input.exists(path.join(dir, "__init__.py")) && dir !== w.input.dir) {
    parts.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
  return parts.join(".");
}

/** Task-queue and scheduler programs: started as `python -m <name>` they serve no HTTP. */
const WORKER_PROGRAMS = new Set(["celery", "rq", "arq", "dramatiq", "huey", "taskiq", "faust", "apscheduler", "rqscheduler"]);

/** What kind of program a Python file is, for the reason shown: a click/typer/argparse CLI or a queue worker. */
function programKind(text: string): string | undefined {
  if (/^\s*@(?:click\.|\w+\.)?(?:command|group)\(/m.test(text) && /\bimport click\b|\bfrom click\b/.test(text)) return "click command";
  if (/\btyper\.Typer\s*\(/.test(text)) return "typer program";
  if (/\bargparse\.ArgumentParser\s*\(|\bArgumentParser\s*\(/.test(text)) return "command-line program (argparse)";
  if (/\b(Celery|Worker|Queue)\s*\(|\.(start_consuming|run_forever|worker_main)\s*\(/.test(text)) return "queue consumer";
  return undefined;
}

const SERVER_TOKEN = /\b(uvicorn|gunicorn|hypercorn|granian|waitress|daphne|run_app|run_simple|serve_forever)\b|\.run\(\s*(?:host|port|debug)/;

const APP_IN_FILE = /\b(FastAPI|Starlette|Flask|Quart|Litestar)\s*\(|\bweb\.Application\s*\(/;

const SETTINGS = /DJANGO_SETTINGS_MODULE["']\s*(?:,|\]\s*=)\s*["']([\w.]+)["']/;

function djangoFromApp(hit: AppHit, w: Walk, what: string): ServedEntry {
  w.chain.push(...hit.steps.map((s) => ({ ...s, file: w.input.rel(s.file) })));
  const last = hit.steps[hit.steps.length - 1]!;
  const entry = djangoEntry(undefined, hit.file, w, what);
  return { ...entry, app: `${hit.module}:${hit.attr}`, appFile: w.input.rel(last.file), appLine: last.line };
}

/** Django: the settings module the environment, `--settings` or the entry file names. */
function djangoEntry(settingsFlag: string | undefined, file: string | undefined, w: Walk, what: string): ServedEntry {
  const lines = file ? w.input.read(file).split(/\r?\n/) : [];
  const at = lines.findIndex((l) => SETTINGS.test(l));
  const fromEnv = w.env.DJANGO_SETTINGS_MODULE;
  const settings = settingsFlag ?? (fromEnv || undefined) ?? (at >= 0 ? SETTINGS.exec(lines[at]!)![1] : undefined);
  if (!settingsFlag && !fromEnv && at >= 0 && file) w.chain.push({ file: w.input.rel(file), line: at + 1, text: lines[at]!.trim() });
  const source = settingsFlag ? "--settings" : fromEnv ? "DJANGO_SETTINGS_MODULE in the environment" : at >= 0 ? path.basename(file!) : undefined;
  let app = file && /(wsgi|asgi)\.py$/.test(file) ? `${moduleOf(file, w)}:application` : undefined;
  if (settings) {
    const sf = moduleFile(settings, treeOf(w));
    const sl = sf ? w.input.read(sf).split(/\r?\n/) : [];
    const wsgi = sl.findIndex((l) => /^(WSGI|ASGI)_APPLICATION\s*=/.test(l));
    if (sf && wsgi >= 0) {
      w.chain.push({ file: w.input.rel(sf), line: wsgi + 1, text: sl[wsgi]!.trim() });
      const dotted = /["']([\w.]+)\.(\w+)["']/.exec(sl[wsgi]!);
      if (dotted && !app) app = `${dotted[1]}:${dotted[2]}`;
    }
  }
  return {
    chain: w.chain,
    app,
    settings,
    confidence: "command",
    reason: settings ? `${what} runs Django with settings ${settings} (from ${source})` : `${what} runs Django, but nothing names DJANGO_SETTINGS_MODULE`,
  };
}

/** Where a container path came from in the build context, by the Dockerfile's COPY/ADD lines (last copy wins). */
function copiedFrom(p: string, w: Walk): string[] {
  const abs = path.posix.resolve(w.workdir || "/", p);
  const out: string[] = [];
  for (const c of [...(w.copies ?? [])].reverse()) {
    const dest = path.posix.resolve(c.workdir || "/", c.dest);
    const rest = abs === dest ? "" : abs.startsWith(dest.replace(/\/$/, "") + "/") ? abs.slice(dest.replace(/\/$/, "").length + 1) : undefined;
    if (rest === undefined) continue;
    for (const src of c.src) {
      if (/[*?]/.test(src)) continue;
      out.push(path.join(w.input.dir, src, rest));
      // `COPY entrypoint.sh /usr/src/` puts the file inside the folder.
      if (rest) out.push(path.join(w.input.dir, path.dirname(src), rest));
    }
  }
  return out;
}

/** A container path (relative to WORKDIR or absolute) as a file of the service folder. */
function local(p: string, w: Walk): string | undefined {
  const { input } = w;
  const wd = w.workdir.replace(/\/+$/, "") || "/";
  const rel = p.startsWith("/") ? (p.startsWith(wd + "/") ? p.slice(wd.length + 1) : p.slice(1)) : p.replace(/^\.\//, "");
  for (const f of [...copiedFrom(p, w), path.join(input.dir, rel), path.join(input.dir, path.basename(p))]) if (input.exists(f)) return f;
  const tail = path.sep + rel;
  return input.files.filter((f) => f.endsWith(tail)).sort((a, b) => a.length - b.length)[0];
}

function localDir(p: string, w: Walk): string {
  const holds = (d: string) => w.input.files.some((f) => f.startsWith(d + path.sep));
  const copied = copiedFrom(p, w).find(holds);
  if (copied) return copied;
  // Only its contents were copied (COPY ./backend/app /app/backend/app, COPY ./backend/pyproject.toml /app/backend/):
  // the folder those sources share the same place under.
  const abs = path.posix.resolve(w.workdir || "/", p).replace(/\/$/, "");
  for (const c of [...(w.copies ?? [])].reverse()) {
    const dest = path.posix.resolve(c.workdir || "/", c.dest);
    const tail = dest.startsWith(abs + "/") ? dest.slice(abs.length + 1).replace(/\/$/, "") : dest === abs && c.dest.endsWith("/") ? "" : undefined;
    if (tail === undefined) continue;
    for (const src of c.src) {
      const norm = path.posix.normalize(src).replace(/\/$/, "");
      const host = tail ? (norm.endsWith("/" + tail) ? norm.slice(0, -tail.length - 1) : undefined) : path.posix.dirname(norm);
      if (host !== undefined && !/[*?]/.test(host) && holds(path.join(w.input.dir, host))) return path.join(w.input.dir, host);
    }
  }
  const wd = w.workdir.replace(/\/+$/, "");
  if (!p.startsWith("/")) return path.join(w.input.dir, p);
  if (wd && (p === wd || p.startsWith(wd + "/"))) return path.join(w.input.dir, p.slice(wd.length));
  return path.join(w.input.dir, p);
}
