"""Oracle: Python's own ast walk, printing the imports of each file with their context as JSON."""
import ast
import json
import sys

IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def catches_import_error(handler):
    t = handler.type
    if t is None:
        return False
    names = t.elts if isinstance(t, ast.Tuple) else [t]
    return any((isinstance(n, ast.Name) and n.id in IMPORT_ERRORS) or (isinstance(n, ast.Attribute) and n.attr in IMPORT_ERRORS) for n in names)


def is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING" and isinstance(test.value, ast.Name) and test.value.id in ("typing", "t", "_typing"))


def walk(node, ctx, out):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [{"name": a.name, **({"asname": a.asname} if a.asname else {})} for a in node.names]
        if isinstance(node, ast.Import):
            rec = {"line": node.lineno, "kind": "import", "module": names[0]["name"], "level": 0, "names": names}
        else:
            rec = {"line": node.lineno, "kind": "from", "module": node.module or "", "level": node.level, "names": names}
        rec.update(ctx)
        out.append(rec)
        return
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for child in node.body:
            walk(child, {**ctx, "lazy": True}, out)
        return
    if isinstance(node, ast.If):
        body_ctx = {**ctx, "typeOnly": True} if is_type_checking(node.test) else ctx
        for child in node.body:
            walk(child, body_ctx, out)
        for child in node.orelse:
            walk(child, ctx, out)
        return
    if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        guarded = any(catches_import_error(h) for h in node.handlers)
        for child in node.body:
            walk(child, {**ctx, "optional": True} if guarded else ctx, out)
        for h in node.handlers:
            for child in h.body:
                walk(child, {**ctx, "optional": True} if catches_import_error(h) else ctx, out)
        for child in node.orelse + node.finalbody:
            walk(child, ctx, out)
        return
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt) or isinstance(child, ast.excepthandler) or isinstance(child, ast.match_case if hasattr(ast, "match_case") else ast.stmt):
            walk(child, ctx, out)


result = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        src = f.read()
    try:
        tree = ast.parse(src, filename=path)
    except SyntaxError as e:
        result[path] = {"error": e.lineno}
        continue
    out = []
    for stmt in tree.body:
        walk(stmt, {"lazy": False, "optional": False, "typeOnly": False}, out)
    out.sort(key=lambda r: r["line"])
    result[path] = out
json.dump(result, sys.stdout)
