"""Resolves each file's absolute and relative imports the way Python's import system finds them.

Usage: py_resolve_oracle.py SCAN_ROOT ROOT... [--shared ROOT...] — each ROOT (relative to SCAN_ROOT) is
an import root; a file belongs to the deepest root above it and sees its own root first, then the
shared ones (libraries every sub-project installs), never another sub-project's. Prints JSON [[importer, imported, line], ...] with paths relative to SCAN_ROOT, for
targets inside SCAN_ROOT only. Nothing is imported or executed: only the path finder is asked.
"""
import ast
import json
import os
import sys
from importlib.machinery import PathFinder

scan_root = os.path.abspath(sys.argv[1])
args = sys.argv[2:]
cut = args.index("--shared") if "--shared" in args else len(args)
shared = [os.path.join(scan_root, r) for r in args[cut + 1 :]]
roots = sorted({os.path.join(scan_root, r) for r in args[:cut]} | set(shared), key=len, reverse=True)


def find(name, path):
    """The spec of a dotted module name on a sys.path, or None."""
    spec = None
    search = path
    parts = name.split(".")
    for i in range(len(parts)):
        spec = PathFinder.find_spec(".".join(parts[: i + 1]), search)
        if spec is None:
            return None
        search = spec.submodule_search_locations
        if search is None and i < len(parts) - 1:
            return None
    return spec


def rel(spec):
    if spec is None or not spec.origin or not spec.origin.startswith(scan_root + os.sep):
        return None
    return os.path.relpath(spec.origin, scan_root)


edges = []
for root in roots:
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            full = os.path.join(dirpath, name)
            if max((r for r in roots if full.startswith(r + os.sep)), key=len) != root:
                continue
            path = [root] + [r for r in shared if r != root]
            modname = os.path.relpath(full, root)[:-3].replace(os.sep, ".")
            is_pkg = name == "__init__.py"
            if is_pkg:
                modname = modname[: -len(".__init__")] if "." in modname else ""
            importer = os.path.relpath(full, scan_root)
            for node in ast.walk(ast.parse(open(full, encoding="utf8").read())):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        parts = alias.name.split(".")
                        for i in range(len(parts), 0, -1):
                            target = rel(find(".".join(parts[:i]), path))
                            if target:
                                edges.append([importer, target, node.lineno])
                                break
                elif isinstance(node, ast.ImportFrom):
                    if node.level:
                        pkg = modname.split(".") if is_pkg else modname.split(".")[:-1]
                        pkg = pkg[: len(pkg) - (node.level - 1)]
                        base = ".".join(pkg + ([node.module] if node.module else []))
                    else:
                        base = node.module
                    for alias in node.names:
                        sub = rel(find(f"{base}.{alias.name}", path)) if alias.name != "*" else None
                        target = sub or rel(find(base, path))
                        if target:
                            edges.append([importer, target, node.lineno])
print(json.dumps(sorted(map(list, {tuple(e) for e in edges}))))
