/** What a Python guard's own code does to a probe (a GET without credentials), judged from its text. */
import { describe, expect, it } from "vitest";
import { judgePython, pyCode, type PyDef } from "../../src/frameworks/health/guards-python.js";

const judge = (lines: string[]) => {
  const text = lines.join("\n");
  const def: PyDef = { file: "m.py", line: 1, name: /(?:def|class)\s+(\w+)/.exec(text)![1]!, text, decorators: [] };
  return judgePython(def, text);
};

describe("judgePython", () => {
  it("reads the answers the code gives, not the statuses it compares, logs or documents", () => {
    expect(judge(["async def gate(request, call_next):", "    if not request.headers.get('x-key'):", "        return PlainTextResponse('no', 401)", "    return await call_next(request)"]).kind).toBe("auth");
    expect(judge(["async def gate(request, call_next):", "    raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS)"]).kind).toBe("rate");
    const logs = judge([
      "class AuditAuthMiddleware(BaseHTTPMiddleware):",
      '    """Logs refused requests (401, 403) and returns them unchanged."""',
      "    async def dispatch(self, request, call_next):",
      "        response = await call_next(request)",
      "        if response.status_code in (401, 403):  # raise PermissionDenied? no: only log",
      "            log.info('refused')",
      "        return response",
    ]);
    expect(logs).toMatchObject({ kind: undefined, passes: true, unsafeOnly: false });
  });

  it("a check limited to unsafe methods is no guard for a GET probe; one combined with other conditions is", () => {
    expect(judge(["def csrf(request, call_next):", "    if request.method in ('POST', 'DELETE') and bad(request):", "        return JSONResponse({}, status_code=403)"]).unsafeOnly).toBe(true);
    expect(judge(["class Csrf:", "    def __call__(self, request):", "        if request.method not in SAFE_METHODS and bad(request):", "            return HttpResponseForbidden()", "        return self.get_response(request)"]).unsafeOnly).toBe(true);
    expect(judge(["def csrf(request, call_next):", "    if request.method in SAFE:", "        return await call_next(request)", "    return JSONResponse({}, status_code=403)", "SAFE = {'GET', 'HEAD'}"]).unsafeOnly).toBe(true);
    expect(judge(["def token(request, call_next):", "    if request.url.path in OPEN and request.method == 'GET':", "        return await call_next(request)", "    return JSONResponse({}, status_code=401)"]).unsafeOnly).toBe(false);
    expect(judge(["def token(request, call_next):", "    return JSONResponse({}, status_code=401)"]).unsafeOnly).toBe(false);
  });

  it("a middleware that inherits its behaviour, or answers with a status it does not write, is not judged harmless", () => {
    expect(judge(["class StrictLoginMiddleware(LoginRequiredMiddleware):", "    def process_view(self, request, *args):", "        return super().process_view(request, *args)"]).passes).toBe(false);
    const unread = judge(["async def key_auth(request, call_next):", "    if not request.headers.get('x-key'):", "        return JSONResponse({}, status_code=DENIED)", "    return await call_next(request)"]);
    expect(unread).toMatchObject({ passes: false, maybe: "it answers with a status fks cannot read: status_code=DENIED" });
    // A refusal built by a helper is still a refusal.
    expect(judge(["async def key_auth(request, call_next):", "    if not request.headers.get('x-key'):", "        return deny(request)", "    return await call_next(request)"]).passes).toBe(false);
    expect(judge(["async def key_auth(request, call_next):", "    if not request.headers.get('x-key'):", "        raise MissingKey()", "    return await call_next(request)"]).passes).toBe(false);
  });

  it("pyCode drops comments and docstrings but keeps string literals", () => {
    expect(pyCode('x = "/live"  # 401\n"""403"""\ny = \'#not a comment\'')).toBe('x = "/live"  \n""\ny = \'#not a comment\'');
  });
});

describe("refusals only a credential reaches", () => {
  it("a check that runs only when the request carries a cookie or header lets an anonymous probe through", () => {
    const refresh = [
      "class TokenRefreshMiddleware(BaseHTTPMiddleware):",
      "    async def dispatch(self, request, call_next):",
      "        renewed = None",
      "        token = request.cookies.get('token')",
      "        try:",
      "            if token is not None:",
      "                try:",
      "                    renewed = await refresh(token)",
      "                except HTTPException:",
      "                    renewed = ''",
      "            response = await call_next(request)",
      "            if renewed is not None:",
      "                response.set_cookie('token', renewed)",
      "        except HTTPException as exc:",
      "            return JSONResponse(",
      "                status_code=exc.status_code,",
      "            )",
      "        return response",
    ];
    expect(judge(refresh).passes).toBe(true);
    const bearer = ["async def bearer(request, call_next):", "    auth = request.headers.get('authorization')", "    if auth and not valid(auth):", "        return JSONResponse({}, status_code=401)", "    return await call_next(request)"];
    expect(judge(bearer)).toMatchObject({ kind: "auth", passes: true });
    // The same checks on a missing credential refuse the probe.
    expect(judge(bearer.map((l) => l.replace("if auth and not valid(auth)", "if not auth or not valid(auth)"))).passes).toBe(false);
    expect(judge(refresh.map((l) => l.replace("response = await call_next(request)", "response = await call_next(request) if check(request) else None"))).passes).toBe(false);
  });
});

describe("refusals only an unsafe method reaches", () => {
  it("a CSRF check through a flag is no guard; a token check beside it still is", () => {
    const csrf = [
      "class CsrfMiddleware(BaseHTTPMiddleware):",
      "    async def dispatch(self, request, call_next):",
      "        writes = request.method in {",
      "            'POST',",
      "            'DELETE',",
      "        }",
      "        if (",
      "            ENABLED",
      "            and writes",
      "        ):",
      "            if request.headers.get('x-csrf') is None:",
      "                return JSONResponse({}, status_code=403)",
      "        return await call_next(request)",
    ];
    expect(judge(csrf).unsafeOnly).toBe(true);
    const both = [...csrf.slice(0, -1), "        if not request.headers.get('x-token'):", "            return JSONResponse({}, status_code=401)", csrf.at(-1)!];
    expect(judge(both).unsafeOnly).toBe(false);
    expect(judge(["async def csrf(request, call_next):", "    if request.method == 'POST' and not ok(request):", "        return JSONResponse({}, status_code=403)", "    return JSONResponse({}, status_code=401)"]).unsafeOnly).toBe(false);
  });
});
