"""Runtime oracle: import a fixture app and print its real route table as JSON.

usage: python oracle.py <kind> <fixture-dir> <target>
  kind   fastapi | starlette | flask | litestar | django | django-urlconf
  target module:attr of the app (fastapi, starlette, flask), the settings module (django)
         or a URL conf to serve as ROOT_URLCONF, as override_settings(ROOT_URLCONF=...) does (django-urlconf)

Prints [[METHOD, path], ...] with parameters spelled {name}, HEAD/OPTIONS dropped
where the framework adds them by itself, and DRF's format-suffix routes left out.
"""
import importlib
import json
import os
import re
import sys

kind, root, target = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)
os.chdir(root)

PARAM = re.compile(r"<(?:[A-Za-z_]\w*:)?([A-Za-z_]\w*)>")
BRACE = re.compile(r"\{\*?([A-Za-z_]\w*)(?::[^}]*)?\}")


def norm(path):
    return BRACE.sub(r"{\1}", PARAM.sub(r"{\1}", path))


def load(spec):
    mod, _, attr = spec.partition(":")
    obj = importlib.import_module(mod)
    for part in attr.split("."):
        obj = getattr(obj, part)
        if callable(obj) and part.startswith("create"):
            obj = obj()
    return obj


def starlette_routes(routes, prefix, out):
    from starlette.routing import Mount, Route

    for r in routes:
        if hasattr(r, "effective_route_contexts"):
            # FastAPI >= 0.16x keeps included routers live; their contexts carry the full paths.
            for ctx in r.effective_route_contexts():
                if ctx.starlette_route is not None:
                    starlette_routes([ctx.starlette_route], prefix, out)
                    continue
                methods = set(ctx.methods or ["ANY"])
                for m in sorted(methods):
                    out.append([m, prefix + ctx.path])
            continue
        if isinstance(r, Mount):
            sub = getattr(r, "routes", None)
            if sub:
                starlette_routes(sub, prefix + r.path, out)
            else:
                out.append(["ANY", prefix + r.path + "/{path}"])
        elif isinstance(r, Route):
            if r.path in ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"):
                continue
            methods = r.methods
            if methods is None:
                cls = r.endpoint
                methods = [m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)] or ["ANY"]
            methods = set(methods)
            if "GET" in methods and type(r).__name__ != "APIRoute":
                methods.discard("HEAD")
            for m in sorted(methods):
                out.append([m, prefix + r.path])


def flask_routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        # Flask-RESTX's own root, Swagger UI and swagger.json views, as FastAPI's docs are left out.
        view = app.view_functions[rule.endpoint]
        owner = getattr(view, "view_class", view)
        if getattr(owner, "__module__", "").startswith("flask_restx"):
            continue
        methods = set(rule.methods) - {"OPTIONS"}
        if "GET" in methods:
            methods.discard("HEAD")
        for m in sorted(methods):
            out.append([m, rule.rule])
    return out


def litestar_routes(app):
    out = []
    for r in app.routes:
        if type(r).__name__ != "HTTPRoute":
            continue
        # Litestar's own OpenAPI controller is left out, as FastAPI's docs are.
        handlers = [h for h in r.route_handlers if not getattr(h.fn, "__module__", "").startswith("litestar.")]
        methods = set().union(*(h.http_methods for h in handlers)) - {"OPTIONS"} if handlers else set()
        for m in sorted(methods):
            out.append([m, r.path])
    return out


def regex_text(rx):
    s = re.sub(r"^\^", "", rx)
    s = re.sub(r"\$$", "", s)
    s = re.sub(r"\\Z$", "", s)
    s = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", r"{\1}", s)
    s = re.sub(r"\\([./-])", r"\1", s)
    s = re.sub(r"/\?$", "/", s)
    return s


def django_routes(urlconf=None):
    import django
    from django.conf import settings

    if urlconf:
        settings.configure(SECRET_KEY="oracle", ALLOWED_HOSTS=["*"], ROOT_URLCONF=urlconf, INSTALLED_APPS=[])
    else:
        os.environ["DJANGO_SETTINGS_MODULE"] = target
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RegexPattern

    django.setup()
    # Django logs every 405 the probes below provoke.
    import logging

    logging.disable(logging.CRITICAL)
    out = []

    def piece(p):
        return regex_text(str(p.pattern)) if isinstance(p.pattern, RegexPattern) else str(p.pattern)

    from django.test import RequestFactory

    factory = RequestFactory()
    probe = ("GET", "POST", "PUT", "PATCH", "DELETE")

    def view_methods(cb, pattern):
        # Ask the view itself: every method it does not answer with 405 is one it serves.
        # A view that fails for want of a database or template still got past the method check.
        kwargs = {name: "1" for name in getattr(pattern.pattern, "converters", {}) or {}}
        kwargs.update({name: "1" for name in pattern.pattern.regex.groupindex})
        allowed = []
        for m in probe:
            try:
                status = cb(factory.generic(m, "/oracle"), **kwargs).status_code
            except Exception:
                status = 0
            if status != 405:
                allowed.append(m)
        return ["ANY"] if len(allowed) == len(probe) else allowed

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if getattr(p, "app_name", None) == "admin":
                    out.append(["ANY", "/" + prefix + piece(p)])
                    continue
                walk(p.url_patterns, prefix + piece(p))
            elif isinstance(p, URLPattern):
                if "format" in str(p.pattern):
                    continue
                # django-ninja's own docs, schema and home views, as FastAPI's docs are left out.
                if getattr(getattr(p.callback, "func", None), "__module__", "").startswith("ninja."):
                    continue
                for m in view_methods(p.callback, p):
                    out.append([m, "/" + prefix + piece(p)])

    walk(get_resolver().url_patterns, "")
    return out


if kind in ("fastapi", "starlette"):
    app = load(target)
    routes = []
    starlette_routes(app.routes, "", routes)
elif kind == "litestar":
    routes = litestar_routes(load(target))
elif kind == "flask":
    routes = flask_routes(load(target))
elif kind == "django":
    routes = django_routes()
elif kind == "django-urlconf":
    routes = django_routes(urlconf=target)
else:
    raise SystemExit(f"unknown kind {kind}")

# One pair per method and path: Django serves a path from the first pattern that matches it
# (django-ninja adds one pattern per operation, each answering all the path's methods).
print(json.dumps(sorted({(m, norm(p)) for m, p in routes})))
