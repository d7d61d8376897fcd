/**
 * Auth and rate limiting in the service's code that reach /live and /ready: --check reports them,
 * and a real uvicorn / runserver shows the finding is true (the probe is refused) and that the
 * fixed variant passes both --check and the probe while its other routes stay guarded. Guards are
 * judged by what their code does: a check on unsafe methods only, paths exempted in the app factory,
 * and middleware whose names or docstrings sound like authentication but that never refuse.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, ROOT, tempTree } from "../helpers.js";

const FIXTURES = path.join(ROOT, "test/fixtures/scaffold");
const made: string[] = [];
const started: StartedProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const d of made) removeTree(d);
});

function copy(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `fks-guards-${name}-`));
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  made.push(dir);
  return dir;
}

interface F { rule: string; severity: string; file?: string; line?: number; message: string; hint?: string }
function check(dir: string): { code: number | null; findings: F[] } {
  const r = fks(["scaffold", "health", "--check", dir, "--format", "json"]);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: F[] }).findings };
}
const guards = (list: F[]) => list.filter((f) => f.rule === "health/probe-auth" || f.rule === "health/probe-rate-limited");
const lineOf = (file: string, needle: string) => readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1;

async function uvicorn(dir: string, env: Record<string, string> = { ORDERS_API_KEY: "k3y" }, ready = "/docs"): Promise<string> {
  const p = await startProcess(pythonBin(), ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "{port}"], { cwd: dir, env, readyUrl: `http://127.0.0.1:{port}${ready}` });
  started.push(p);
  return `http://127.0.0.1:${p.port}`;
}

async function runserver(dir: string, ready = "/desk/"): Promise<string> {
  const p = await startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], { cwd: dir, readyUrl: `http://127.0.0.1:{port}${ready}`, timeoutMs: 30_000 });
  started.push(p);
  return `http://127.0.0.1:${p.port}`;
}

describe("FastAPI: app-wide dependency and auth middleware", () => {
  it("--check reports both at their lines; scaffolded, /live really answers 401 without the key", async () => {
    const dir = copy("fastapi-guarded");
    const main = path.join(dir, "app/main.py");
    const before = check(dir);
    expect(before.code).toBe(1);
    const found = guards(before.findings);
    expect(found.map((f) => [f.rule, f.severity, f.line]).sort()).toEqual([
      ["health/probe-auth", "error", lineOf(main, "FastAPI(title=")],
      ["health/probe-auth", "error", lineOf(main, "add_middleware(ApiKeyAuthMiddleware)")],
    ]);
    expect(found.every((f) => f.message.includes("/live and /ready"))).toBe(true);
    expect(found.find((f) => f.message.includes("require_api_key"))!.hint).toContain("include_router(..., dependencies=[Depends(require_api_key)])");
    expect(found.find((f) => f.message.includes("ApiKeyAuthMiddleware"))!.hint).toContain("return await call_next(request)");

    // The scaffolder cannot escape them: it writes the endpoints and reports the findings instead of staying silent.
    const run = fks(["scaffold", "health", dir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("health/probe-auth");
    expect(run.stderr).toMatch(/still reach the probes/);
    const base = await uvicorn(dir);
    const live = await httpRequest(`${base}/live`);
    expect([401, 403]).toContain(live.status);
    expect((await httpRequest(`${base}/ready`)).status).toBe(live.status);
    expect((await httpRequest(`${base}/live`, { headers: { "x-api-key": "k3y" } })).status).toBe(200);
    expect(guards(check(dir).findings)).toHaveLength(2);
  }, 60_000);

  it("the fixed variant (probes exempted in the middleware, the dependency on the orders router) passes --check and the probe, and still guards /orders", async () => {
    const dir = copy("fastapi-guarded-fixed");
    expect(guards(check(dir).findings)).toEqual([]);
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    const after = check(dir);
    expect(guards(after.findings)).toEqual([]);
    expect(after.code).toBe(0);
    const base = await uvicorn(dir);
    expect((await httpRequest(`${base}/live`)).status).toBe(200);
    expect((await httpRequest(`${base}/ready`)).status).toBe(200);
    expect((await httpRequest(`${base}/orders`)).status).toBe(401);
    expect((await httpRequest(`${base}/orders`, { headers: { "x-api-key": "k3y" } })).status).toBe(200);
  }, 60_000);

  it("a middleware that names only /live leaves /ready reported; slowapi default limits and rate-limit middleware are rate findings", () => {
    const dir = copy("fastapi-guarded-fixed");
    const main = path.join(dir, "app/main.py");
    const text = readFileSync(main, "utf8");
    writeFileSync(main, text.replace('PROBES = ("/live", "/ready")', 'PROBES = ("/live",)') + [
      "",
      "from slowapi import Limiter",
      "from slowapi.middleware import SlowAPIMiddleware",
      "from slowapi.util import get_remote_address",
      "",
      'limiter = Limiter(key_func=get_remote_address, default_limits=["5/minute"])',
      "app.state.limiter = limiter",
      "app.add_middleware(SlowAPIMiddleware)",
      "",
      "@app.middleware(\"http\")",
      "async def throttle(request, call_next):",
      "    if request.url.path.startswith(\"/live\"):",
      "        return await call_next(request)",
      "    return JSONResponse({}, status_code=429)",
      "",
    ].join("\n"));
    const found = guards(check(dir).findings);
    const by = (needle: string) => found.find((f) => f.message.includes(needle));
    expect(by("ApiKeyAuthMiddleware")!.message).toMatch(/authenticates \/ready:/);
    expect(by("Limiter(")!.rule).toBe("health/probe-rate-limited");
    expect(by("Limiter(")!.hint).toContain("@limiter.exempt");
    expect(by("throttle")!.rule).toBe("health/probe-rate-limited");
    expect(by("throttle")!.message).toMatch(/rate-limits \/ready:/);
  });
});

describe("FastAPI: dependencies on the routers a hand-written probe is served through", () => {
  it("reports the APIRouter's and the include_router's dependencies at their lines (from the route catalog's prefix chain)", () => {
    const dir = tempTree({
      "svc/requirements.txt": "fastapi\n",
      "svc/app/__init__.py": "",
      "svc/app/security.py": "def verify_jwt():\n    return None\n",
      "svc/app/probes.py": 'from fastapi import APIRouter, Depends\n\nfrom app.security import verify_jwt\n\nrouter = APIRouter(dependencies=[Depends(verify_jwt)])\n\n\n@router.get("/live")\ndef live():\n    return {"status": "pass"}\n',
      "svc/app/main.py": 'from fastapi import Depends, FastAPI\n\nfrom app import probes\nfrom app.security import verify_jwt\n\napp = FastAPI()\napp.include_router(probes.router, dependencies=[Depends(verify_jwt)])\n',
    });
    made.push(dir);
    const found = guards(check(path.join(dir, "svc")).findings);
    expect(found.map((f) => [path.basename(f.file!), f.line, f.severity]).sort()).toEqual([["main.py", 7, "error"], ["probes.py", 5, "error"]]);
    expect(found.every((f) => /verify_jwt authenticates \/live:/.test(f.message))).toBe(true);
  });
});

describe("Django: LoginRequiredMiddleware", () => {
  it("--check reports the hand-written probe views, and runserver really redirects /live to the login page", async () => {
    const dir = copy("django-login-required");
    const settings = path.join(dir, "site_cfg/settings.py");
    const found = guards(check(dir).findings);
    expect(found.map((f) => [f.rule, f.line, f.message.match(/authenticates (\S+):/)?.[1]]).sort()).toEqual([
      ["health/probe-auth", lineOf(settings, "auth.middleware.LoginRequiredMiddleware"), "/live"],
      ["health/probe-auth", lineOf(settings, "auth.middleware.LoginRequiredMiddleware"), "/ready"],
    ]);
    expect(found[0]!.hint).toMatch(/@login_not_required/);
    const base = await runserver(dir);
    const live = await httpRequest(`${base}/live`);
    expect(live.status).toBe(302);
    expect(String(live.headers.location)).toContain("/accounts/login/");
  }, 60_000);

  it("fixed with @login_not_required: --check is quiet and /live answers 200 while /desk/ still redirects", async () => {
    const dir = copy("django-login-required");
    const views = path.join(dir, "desk/views.py");
    writeFileSync(views, readFileSync(views, "utf8")
      .replace("from django.http import JsonResponse", "from django.contrib.auth.decorators import login_not_required\nfrom django.http import JsonResponse")
      .replace(/\ndef (live|ready)\(/g, "\n@login_not_required\ndef $1("));
    expect(guards(check(dir).findings)).toEqual([]);
    const base = await runserver(dir);
    expect((await httpRequest(`${base}/live`)).status).toBe(200);
    expect((await httpRequest(`${base}/desk/`)).status).toBe(302);
  }, 60_000);

  it("the generated views opt out of LoginRequiredMiddleware: scaffolded /live and /ready answer 200 without a login", async () => {
    const dir = copy("django-login-required");
    // No hand-written probes: fks generates them.
    const urls = path.join(dir, "site_cfg/urls.py");
    writeFileSync(urls, readFileSync(urls, "utf8").replace(/\n\s*path\("(live|ready)", views\.\w+\),/g, ""));
    const planned = guards(check(dir).findings);
    expect(planned.map((f) => f.severity)).toEqual(["note"]);
    expect(planned[0]!.message).toContain("fks places the health endpoints out of its reach");
    const run = fks(["scaffold", "health", dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(guards(check(dir).findings)).toEqual([]);
    const base = await runserver(dir);
    expect((await httpRequest(`${base}/live`)).status).toBe(200);
    expect((await httpRequest(`${base}/ready`)).status).toBe(200);
    expect((await httpRequest(`${base}/desk/`)).status).toBe(302);
  }, 60_000);

  it("DRF default permissions and throttles reach DRF probe views, not plain Django ones", () => {
    const dir = copy("django-login-required");
    const settings = path.join(dir, "site_cfg/settings.py");
    writeFileSync(settings, readFileSync(settings, "utf8").replace('    "django.contrib.auth.middleware.LoginRequiredMiddleware",\n', "").replace('    "desk",', '    "rest_framework",\n    "desk",') + [
      "REST_FRAMEWORK = {",
      '    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],',
      '    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],',
      "}",
      "",
    ].join("\n"));
    const views = path.join(dir, "desk/views.py");
    writeFileSync(views, readFileSync(views, "utf8").replace("from django.http import JsonResponse", "from django.http import JsonResponse\nfrom rest_framework.decorators import api_view")
      .replace("\ndef live(", "\n@api_view([\"GET\"])\ndef live("));
    const found = guards(check(dir).findings);
    expect(found.map((f) => [f.rule, f.line, f.message.match(/(\S+):/)?.[1]]).sort()).toEqual([
      ["health/probe-auth", lineOf(settings, "DEFAULT_PERMISSION_CLASSES"), "/live"],
      ["health/probe-rate-limited", lineOf(settings, "DEFAULT_THROTTLE_CLASSES"), "/live"],
    ]);
  });
});

describe("FastAPI: guards judged by their code", () => {
  it("reports only the middleware that refuses /live; uvicorn refuses /live, passes /ready, and the CSRF check refuses only writes", async () => {
    const dir = copy("guards-fastapi-judged");
    const main = path.join(dir, "app/main.py");
    const found = judged(dir);
    expect(found.map((f) => [f.severity, f.line])).toEqual([["error", lineOf(main, '@app.middleware("http")')]]);
    expect(found[0]!.message).toMatch(/token_check authenticates \/live:/);
    expect(found[0]!.hint).toContain('if request.url.path in ("/live",):');

    const base = await uvicorn(dir, { INVENTORY_TOKEN: "t0ken" }, "/ready");
    expect((await httpRequest(`${base}/live`)).status).toBe(401);
    expect((await httpRequest(`${base}/ready`)).status).toBe(200);
    const auth = { authorization: "Bearer t0ken" };
    expect((await httpRequest(`${base}/live`, { headers: auth })).status).toBe(200);
    expect((await httpRequest(`${base}/items`, { method: "POST", headers: auth })).status).toBe(403);
    expect((await httpRequest(`${base}/items`, { method: "POST", headers: { ...auth, "x-csrf": "1" } })).status).toBe(200);
    // The session check refuses only requests that carry a (bad) session cookie.
    expect((await httpRequest(`${base}/ready`, { headers: { cookie: "session=stale" } })).status).toBe(401);
  }, 60_000);

  it("a refusal whose status fks cannot read is a warning that says \"may\"; an unsafe-method check through a constant is no guard", () => {
    const dir = copy("guards-fastapi-judged");
    const main = path.join(dir, "app/main.py");
    const text = readFileSync(main, "utf8")
      .replace('writes = request.method in {"POST", "PUT", "PATCH", "DELETE"}', "writes = request.method not in SAFE_METHODS")
      .replace('TOKEN = os.environ', 'SAFE_METHODS = ("GET", "HEAD", "OPTIONS")\nTOKEN = os.environ')
      .replace("        return await call_next(request)\n\n\nclass CookieSession", "        if request.state.token is None:\n            return JSONResponse({}, status_code=self.denied)\n        return await call_next(request)\n\n\nclass CookieSession");
    writeFile(main, text);
    const found = judged(dir);
    const session = found.find((f) => f.message.includes("SessionAuthContextMiddleware"));
    expect(session?.severity).toBe("warning");
    expect(session!.message).toMatch(/may authenticate \/live and \/ready \(it answers with a status fks cannot read: status_code=self\.denied\)/);
    expect(found.some((f) => f.message.includes("CsrfMiddleware"))).toBe(false);
  });
});

describe("Django: middleware judged by its code", () => {
  it("reports only the partner-token middleware, for /ready only; runserver refuses /ready, passes /live, and the form token refuses only writes", async () => {
    // The login-required site with this fixture's middleware instead of LoginRequiredMiddleware.
    const dir = copy("django-login-required");
    cpSync(path.join(FIXTURES, "guards-django-judged"), dir, { recursive: true });
    const settings = path.join(dir, "site_cfg/settings.py");
    const own = ["ErrorReportingMiddleware", "FormTokenMiddleware", "ProxyAuthHeaderMiddleware", "PartnerTokenAuthMiddleware"];
    writeFile(settings, readFileSync(settings, "utf8").replace('    "django.contrib.auth.middleware.LoginRequiredMiddleware",\n', own.map((m) => `    "desk.middleware.${m}",\n`).join("")));
    const found = judged(dir);
    expect(found.map((f) => [f.severity, f.line])).toEqual([["error", lineOf(settings, "PartnerTokenAuthMiddleware")]]);
    expect(found[0]!.message).toMatch(/PartnerTokenAuthMiddleware authenticates \/ready:/);
    expect(found[0]!.hint).toContain('request.path in ("/ready",)');

    const base = await runserver(dir);
    expect((await httpRequest(`${base}/live`)).status).toBe(200);
    expect((await httpRequest(`${base}/ready`)).status).toBe(401);
    expect((await httpRequest(`${base}/ready`, { headers: { "x-partner-token": "p4ss" } })).status).toBe(200);
    expect((await httpRequest(`${base}/live`, { method: "POST" })).status).toBe(403);
  }, 60_000);
});

/** Guard findings of --check. */
const judged = (dir: string) => guards(check(dir).findings);

function writeFile(file: string, text: string): void {
  expect(text).not.toBe(readFileSync(file, "utf8"));
  writeFileSync(file, text);
}

describe("axum: a layer judged by its function's code", () => {
  it("a from_fn layer named like auth that only inspects and logs the answer is no guard; the real token check still is", () => {
    const dir = copy("axum-guarded");
    const main = path.join(dir, "src/main.rs");
    writeFile(main, readFileSync(main, "utf8")
      .replace("fn app() -> Router {", [
        "async fn auth_audit(req: Request, next: Next) -> Response {",
        "    // Logs the requests refused downstream (401); refuses nothing itself.",
        "    let res = next.run(req).await;",
        "    if res.status() == StatusCode::UNAUTHORIZED {",
        '        eprintln!("refused");',
        "    }",
        "    res",
        "}",
        "",
        "fn app() -> Router {",
      ].join("\n"))
      .replace('        .route("/orders"', '        .route("/live", get(|| async { "ok" }))\n        .route("/orders"')
      .replace(".layer(middleware::from_fn(require_token))", ".layer(middleware::from_fn(require_token))\n        .layer(middleware::from_fn(auth_audit))"));
    const found = judged(dir);
    expect(found.map((f) => [f.severity, f.line, /authenticates (\S+):/.exec(f.message)?.[1]])).toEqual([["error", lineOf(main, "from_fn(require_token)"), "/live"]]);
  });
});
