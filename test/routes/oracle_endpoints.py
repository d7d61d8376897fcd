"""Runtime truth for served vs not-mounted: the handlers an imported app really serves.

usage: python oracle_endpoints.py <kind> <fixture-dir> <module:attr>
  kind   fastapi | starlette | flask

Prints [[file relative to the fixture, first line of the handler's definition (its first
decorator), handler name], ...], and ["<mount>", 0, path] for a mounted app
without a route table. for every endpoint in the app's route table, mounted sub-apps included.
A route whose handler is not listed here is one the app does not serve.
"""
import importlib
import inspect
import json
import os
import sys

kind, root, target = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)
os.chdir(root)

mod, _, attr = target.partition(":")
app = importlib.import_module(mod)
for part in attr.split("."):
    app = getattr(app, part)
    if callable(app) and part.startswith("create"):
        app = app()

out = set()


def add(fn):
    fn = inspect.unwrap(fn)
    if inspect.isclass(fn):
        try:
            out.add((os.path.relpath(inspect.getsourcefile(fn), root), inspect.getsourcelines(fn)[1], fn.__name__))
        except (OSError, TypeError):
            pass
        return
    code = getattr(fn, "__code__", None)
    if code is None:
        return
    out.add((os.path.relpath(code.co_filename, root), code.co_firstlineno, fn.__name__))


def walk(routes, prefix=""):
    for r in routes:
        if hasattr(r, "effective_route_contexts"):
            for ctx in r.effective_route_contexts():
                if ctx.starlette_route is not None:
                    walk([ctx.starlette_route])
                elif ctx.endpoint is not None:
                    add(ctx.endpoint)
            continue
        sub = getattr(r, "routes", None)
        if sub:
            walk(sub, prefix + getattr(r, "path", ""))
        elif type(r).__name__ == "Mount":
            # A mounted ASGI/WSGI app without a route table serves everything under its path.
            out.add(("<mount>", 0, prefix + r.path + "/{path}"))
        endpoint = getattr(r, "endpoint", None)
        if endpoint is not None:
            add(endpoint)


if kind == "flask":
    for view in app.view_functions.values():
        add(getattr(view, "view_class", view))
else:
    walk(app.routes)

# The framework's own handlers (docs, openapi.json) live outside the fixture.
print(json.dumps(sorted(e for e in out if not e[0].startswith(".."))))
