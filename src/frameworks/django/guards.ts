/** Django: LoginRequiredMiddleware, DRF default permissions and throttles on DRF probe views, and auth or rate-limit middleware. */
import path from "node:path";
import type { SgNode } from "@ast-grep/napi";
import { GENERATED_MARK } from "../health/template.js";
import { exemptedPaths, kindOfName, probePaths, type ProbeGuard } from "../health/guards.js";
import { judgePython, PySources, withConstants, type PyDef, type PyFile } from "../health/guards-python.js";
import type { HealthContext } from "../health/types.js";

const LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware";
/** Middleware whose names look like guards but that never reject a probe by themselves. */
const HARMLESS = new Set(["django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.auth.middleware.RemoteUserMiddleware", "django.contrib.auth.middleware.PersistentRemoteUserMiddleware"]);
const KNOWN_UNSURE: Record<string, { kind: ProbeGuard["kind"]; why: string }> = {
  "django_ratelimit.middleware.RatelimitMiddleware": { kind: "rate", why: "it only answers for views that raise Ratelimited; probes are limited only if their views use @ratelimit or a Ratelimited-raising decorator" },
  "axes.middleware.AxesMiddleware": { kind: "auth", why: "django-axes answers 403 to clients it has locked out; a probe from a locked-out address (a shared node IP) fails" },
};

interface Entry {
  value: string;
  file: string;
  line: number;
}

/**
 * `module` is the generated health module (written now or earlier); `generating` says whether this
 * run writes it, with `@login_not_required` on its views.
 */
export async function djangoGuards(ctx: HealthContext, module: { file: string; generating: boolean } | undefined): Promise<ProbeGuard[]> {
  const probes = probePaths(ctx.paths);
  // Only the settings modules and the definitions they name are parsed, not the whole project.
  const src = new PySources(ctx.dir, ctx.files, ctx.read);
  const settings = await src.matching(/\b(MIDDLEWARE|REST_FRAMEWORK)\b/, (f) => /settings/.test(path.relative(ctx.dir, f)));
  const middleware = settings.flatMap((f) => listStrings(f, "MIDDLEWARE"));
  const rel = (f: string) => path.relative(ctx.dir, f);
  const out: ProbeGuard[] = [];
  const views = await probeViews(ctx, src);

  const login = middleware.find((m) => m.value === LOGIN_REQUIRED);
  if (login) {
    const decorate = (v: PyDef) => `decorate ${v.name} (${rel(v.file)}:${v.line}) with @login_not_required (from django.contrib.auth.decorators)`;
    const exempt = (text: string) => /login_not_required|login_required\s*=\s*False/.test(text);
    const guarded = views.filter((v) => !exempt(v.def.text) && !exempt(v.urlLine));
    for (const v of guarded) out.push({ kind: "auth", what: "LoginRequiredMiddleware", file: login.file, line: login.line, paths: [v.path], hint: decorate(v.def) });
    if (module && !views.length) {
      const text = module.generating ? "" : ctx.read(module.file);
      if (module.generating) out.push({ kind: "auth", what: "LoginRequiredMiddleware", file: login.file, line: login.line, paths: probes, avoided: true, hint: "the generated views carry @login_not_required" });
      else if (text.includes(GENERATED_MARK) && !/login_not_required/.test(text)) out.push({ kind: "auth", what: "LoginRequiredMiddleware", file: login.file, line: login.line, paths: probes, hint: `decorate live and ready in ${rel(module.file)} with @login_not_required (from django.contrib.auth.decorators), or delete the file and run fks scaffold health again` });
    }
  }

  // DRF defaults reach only DRF views: the generated ones are plain Django views.
  const drf = settings.flatMap((f) => restFramework(f));
  for (const v of views.filter((x) => x.drf)) {
    for (const d of drf) {
      const own = d.kind === "auth" ? /permission_classes/.test(v.def.text) && /AllowAny|permission_classes\s*=\s*(\[\s*\]|\(\s*\))|permission_classes\(\s*\[\s*\]\s*\)/.test(v.def.text) : /throttle_classes\s*(=\s*)?(\(\s*)?(\[\s*\]|\(\s*\))/.test(v.def.text);
      if (own) continue;
      out.push({
        kind: d.kind, what: `REST_FRAMEWORK ${d.key} (${d.value})`, file: d.file, line: d.line, paths: [v.path],
        hint: d.kind === "auth" ? `give ${v.def.name} (${rel(v.def.file)}:${v.def.line}) permission_classes = [AllowAny] (or @permission_classes([AllowAny]))` : `give ${v.def.name} (${rel(v.def.file)}:${v.def.line}) throttle_classes = [] (or @throttle_classes([]))`,
      });
    }
  }

  for (const m of middleware) {
    if (m.value === LOGIN_REQUIRED || HARMLESS.has(m.value)) continue;
    const cls = m.value.split(".").pop()!;
    const known = KNOWN_UNSURE[m.value];
    if (known) {
      out.push({ kind: known.kind, what: `middleware ${cls}`, file: m.file, line: m.line, paths: probes, unsure: known.why, hint: "check that the probes pass it, and exempt them if they do not" });
      continue;
    }
    // Project middleware: its own code says what it rejects and which paths it lets through.
    const local = (await src.named(cls)).find((d) => m.value.startsWith(path.relative(ctx.dir, d.file).replace(/\.py$/, "").split(path.sep).join(".")));
    const body = local ? withConstants(await src.parse(local.file), local) : "";
    // Its code, when fks can read it, says whether it refuses a GET probe at all.
    const v = local && judgePython(local, body);
    const kind = kindOfName(cls) ?? v?.kind;
    if (!kind || v?.unsafeOnly || v?.passes) continue;
    const ok = exemptedPaths(body, probes);
    const paths = probes.filter((p) => !ok.has(p));
    if (!paths.length) continue;
    out.push({
      kind, what: `middleware ${cls}`, file: m.file, line: m.line, paths, maybe: v && !v.kind ? v.maybe : undefined,
      unsure: local ? undefined : `fks cannot see ${m.value}'s code`,
      hint: local ? `in ${cls} (${rel(local.file)}:${local.line}) return self.get_response(request) first when request.path in (${paths.map((p) => JSON.stringify(p)).join(", ")}${paths.length === 1 ? "," : ""})` : `exempt ${paths.join(", ")} through ${cls}'s settings if it has any`,
    });
  }
  return out;
}

/** The existing views that serve a probe path, from the route catalog. */
async function probeViews(ctx: HealthContext, src: PySources): Promise<Array<{ path: string; def: PyDef; urlLine: string; drf: boolean }>> {
  const out: Array<{ path: string; def: PyDef; urlLine: string; drf: boolean }> = [];
  for (const r of ctx.probeRoutes ?? []) {
    const name = /^[\w.]*?(\w+)(\.as_view)?$/.exec(r.handler.replace(/\(.*$/, ""))?.[1];
    // The view the URLconf names: defined in it, else in a module it imports, else any of that name.
    const named = name ? await src.named(name) : [];
    const urls = ctx.read(r.file);
    const stem = (f: string) => (path.basename(f) === "__init__.py" ? path.basename(path.dirname(f)) : path.basename(f, ".py"));
    const def = named.find((d) => d.file === r.file) ?? named.find((d) => new RegExp(`\\b${stem(d.file)}\\b`).test(urls)) ?? named[0];
    if (!def) continue;
    const urlLine = urls.split(/\r?\n/)[r.line - 1] ?? "";
    const drf = def.decorators.some((x) => /api_view/.test(x)) || /^class\s+\w+\s*\([^)]*(APIView|ViewSet|GenericAPIView)/m.test(def.text);
    out.push({ path: r.path, def, urlLine, drf });
  }
  return out;
}

/** String items of a top-level `NAME = [...]` / `NAME += [...]` list or tuple, with their lines. */
function listStrings(f: PyFile, name: string): Entry[] {
  const out: Entry[] = [];
  for (const node of f.root.root().findAll({ rule: { any: [{ kind: "assignment" }, { kind: "augmented_assignment" }] } })) {
    if (node.field("left")?.text() !== name) continue;
    for (const s of node.field("right")?.findAll({ rule: { kind: "string" } }) ?? []) out.push({ value: unquote(s), file: f.file, line: s.range().start.line + 1 });
  }
  return out;
}

/** DEFAULT_PERMISSION_CLASSES other than AllowAny, and non-empty DEFAULT_THROTTLE_CLASSES. */
function restFramework(f: PyFile): Array<Entry & { kind: ProbeGuard["kind"]; key: string }> {
  const out: Array<Entry & { kind: ProbeGuard["kind"]; key: string }> = [];
  for (const node of f.root.root().findAll({ rule: { kind: "pair" } })) {
    const key = node.field("key");
    const k = key?.kind() === "string" ? unquote(key) : "";
    if (k !== "DEFAULT_PERMISSION_CLASSES" && k !== "DEFAULT_THROTTLE_CLASSES") continue;
    const values = (node.field("value")?.findAll({ rule: { kind: "string" } }) ?? []).map(unquote);
    const guarding = k === "DEFAULT_PERMISSION_CLASSES" ? values.filter((v) => !/\.AllowAny$/.test(v)) : values;
    if (!guarding.length) continue;
    out.push({ kind: k === "DEFAULT_PERMISSION_CLASSES" ? "auth" : "rate", key: k, value: guarding.map((v) => v.split(".").pop()).join(", "), file: f.file, line: node.range().start.line + 1 });
  }
  return out;
}

function unquote(s: SgNode): string {
  return s.text().replace(/^[rbuRBU]*(["']{1,3})([\s\S]*)\1$/, "$2");
}
