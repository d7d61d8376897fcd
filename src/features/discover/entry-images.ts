import path from "node:path";
import type { Launch } from "./entry-command.js";
import type { Env } from "./entry-shell.js";

/**
 * Start scripts that live in well-known base images rather than in the repository. The
 * tiangolo/uvicorn-gunicorn images run `/start.sh` (gunicorn with UvicornWorker) or
 * `/start-reload.sh` (uvicorn --reload) on `$APP_MODULE`, else `$MODULE_NAME:$VARIABLE_NAME`,
 * where MODULE_NAME is `app.main` when /app/app/main.py exists, else `main`.
 */
const TIANGOLO = /^(?:docker\.io\/)?tiangolo\/(uvicorn-gunicorn|uvicorn-gunicorn-fastapi|uvicorn-gunicorn-starlette|uvicorn-gunicorn-machine-learning)(?::|$)/;

export function baseImageLaunch(image: string | undefined, script: string, env: Env, exists: (rel: string) => boolean): { launch: Launch; text: string } | undefined {
  if (!image || !TIANGOLO.test(image)) return undefined;
  const name = path.posix.basename(script);
  if (name !== "start.sh" && name !== "start-reload.sh") return undefined;
  const module = env.MODULE_NAME || (exists("app/main.py") ? "app.main" : "main");
  const target = env.APP_MODULE || `${module}:${env.VARIABLE_NAME || "app"}`;
  const server = name === "start.sh" ? "gunicorn" : "uvicorn";
  const launch: Launch = { kind: "server", server, target, factory: false, worker: server === "gunicorn" ? "uvicorn.workers.UvicornWorker" : undefined };
  return { launch, text: `${image}: ${script} runs ${server} ${target}` };
}
