"""Prints grimp's import graph of installed packages as JSON: {package: {dir, edges: [[importer, imported, [lines]]]}}.

Usage: grimp_edges.py PACKAGE... (each must be importable from this interpreter).
"""
import json
import os
import sys

import grimp

out = {}
for name in sys.argv[1:]:
    package = __import__(name)
    graph = grimp.build_graph(name, cache_dir=None)
    edges = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            details = graph.get_import_details(importer=importer, imported=imported)
            edges.append([importer, imported, sorted({d["line_number"] for d in details})])
    out[name] = {"dir": os.path.dirname(package.__file__), "modules": sorted(graph.modules), "edges": edges}
json.dump(out, sys.stdout)
