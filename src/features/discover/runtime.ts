import { serviceRole, type ServiceRecord } from "../../model.js";

/**
 * Images that run a server of their own rather than the repository's code: a reverse proxy, a
 * static file server, an admin or dashboard UI (adminer, pgadmin, grafana), a mail catcher. Their
 * routes and health live in their configuration, not in any app fks reads.
 */
const OFF_THE_SHELF = /^(?:[\w.-]+(?::\d+)?\/)?(?:[\w.-]+\/)?(nginx|nginx-unprivileged|caddy|httpd|apache2?|traefik|haproxy|envoy|openresty|varnish|kong|lighttpd|adminer|pgadmin4|phpmyadmin|grafana|prometheus|all-in-one|mailhog|mailpit|swagger-ui|redoc)(?::|@|$)/;

export function offTheShelfServer(image: string | undefined): string | undefined {
  return image ? OFF_THE_SHELF.exec(image.trim().toLowerCase())?.[1] : undefined;
}

/** The image the container starts from: compose's `image:` when it builds nothing, else the Dockerfile's (target) stage, else the workload's. */
function runImage(s: ServiceRecord): string | undefined {
  if (s.compose?.image && !s.compose.build) return s.compose.image;
  if (s.dockerfile) return s.dockerfile.finalImage;
  return s.k8s?.image;
}

const CTOR: Record<string, string> = { FastAPI: "fastapi", Starlette: "starlette", Flask: "flask", Litestar: "litestar" };
const CTOR_LINE = /\b(FastAPI|Starlette|Flask|Litestar)\s*\(/;

/**
 * A service's language and framework come from what it runs, not from the folder it is built
 * from: a container FROM nginx is nginx though the build context holds Python; a click or celery
 * worker is a worker though the repository has FastAPI; an app created with Flask( is Flask.
 */
export function applyWhatRuns(s: ServiceRecord): void {
  const e = s.entry;
  const image = runImage(s);
  const server = offTheShelfServer(image) ?? e?.offTheShelf;
  const runsOwnCode = !!e?.app || !!e?.settings;
  const drop = (field: "language" | "framework") => {
    delete s[field];
    delete s.sources[field];
  };
  const set = (field: "language" | "framework", value: string, where: string) => {
    if (s[field] === value) return;
    s[field] = value;
    s.sources[field] = [where];
  };
  if (server && !runsOwnCode) {
    drop("language");
    drop("framework");
    const at = s.dockerfile && !(s.compose?.image && !s.compose.build) ? `${s.dockerfile.file}:${s.dockerfile.stages.find((st) => st.image === image)?.line ?? 1}` : s.compose ? `${s.compose.file}:${s.compose.line}` : `${s.k8s?.file}:${s.k8s?.line}`;
    if (e?.offTheShelf) return;
    s.entry = { chain: e?.chain ?? [], confidence: "command", offTheShelf: server, reason: `the container runs ${server} (${image}, ${at}), a server of its own: its routes and health live in its configuration, not in code fks scaffolds` };
    return;
  }
  if (!e || e.confidence !== "command") return;
  const last = e.chain[e.chain.length - 1];
  if (e.notHttp) {
    // A worker or command-line program: whatever web framework the folder lists, it serves no HTTP.
    drop("framework");
    if (last && (/\.py$/.test(last.file) || /\b(python[\d.]*|celery|rq|arq|dramatiq|huey|taskiq|faust)\b/.test(last.text))) set("language", "python", `${last.file}:${last.line}`);
    return;
  }
  if (e.appFile && /\.py$/.test(e.appFile) && e.appLine) {
    const made = e.chain.find((c) => c.file === e.appFile && c.line === e.appLine);
    const ctor = made ? CTOR_LINE.exec(made.text)?.[1] : undefined;
    set("language", "python", `${e.appFile}:${e.appLine}`);
    if (ctor) set("framework", CTOR[ctor]!, `${e.appFile}:${e.appLine}`);
  } else if (e.settings && s.language === "python") {
    set("framework", "django", last ? `${last.file}:${last.line}` : (s.sources.framework?.[0] ?? ""));
  }
}

/** Why a service gets no HTTP health at all: it runs a worker, a server that is not the repository's code, or nothing. */
export function whyNoHttpHealth(s: ServiceRecord): string | undefined {
  const role = serviceRole(s);
  if (role === "http") return undefined;
  return role === "worker" ? s.entry!.reason.replace(/^the start command /, "its start command ") : s.entry!.reason;
}
