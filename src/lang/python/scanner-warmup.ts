/**
 * Small Python sources with every construct the import scanner handles (tabs and form feeds,
 * CRLF, continuations, string prefixes and f-strings, try/except ImportError, TYPE_CHECKING,
 * one-line bodies, Django calls). Scanned once before a large tree, they give the optimizing
 * compiler type feedback for every path, so the first tab or CRLF of a real file does not throw
 * the optimized scanner away (a deoptimization and a second compile of tens of milliseconds).
 */
export const SCANNER_WARMUP: readonly string[] = [
  "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\"\"\"Doc \\\"\"\" string\nimport inside\n\"\"\"\nfrom __future__ import annotations\nimport os, sys as system\nfrom . import a\nfrom ..b.c import (d as e,\n    f,  # comment\n)\nimport g.h \\\n    as i\n",
  "try:\n    import ujson as json\nexcept ImportError:\n    json = None\nexcept (ValueError, ModuleNotFoundError) as e:\n    pass\nfinally:\n    pass\n",
  "if TYPE_CHECKING:\n    from typing import Any\nelif x:\n    pass\nelse:\n    pass\nif typing.TYPE_CHECKING: import z\n",
  "class A(B, metaclass=M):\n    x: int = 3\n    def f(self, a: dict[str, int] = {'a': 1}) -> None:\n        import lazy\n        return [i for i in a if i]\n\tdef g(): pass\n",
  "async def h():\n    async with x as y:\n        await z\n    for a in b:\n        while c:\n            with d: pass\n",
  "INSTALLED_APPS = [\n    'django.contrib.admin',\n    \"app\",\n]\nurlpatterns = [path('', include('app.urls')), path(\"x\", include(\"b.urls\"))]\n",
  "fk = models.ForeignKey('app.Model', on_delete=CASCADE)\ns = f\"{x!r:>{w}} {'q'} {{lit}}\" + rb'\\x00' + r\"\\d\" + u'u' + F'''{a}\n'''\ny = x if a else b; z = 1\r\nw = 2\r\n",
  "x = (1 +\n     2)\n\x0cy = 3\nif (a and\n    b):\n    c = {1: 2}[1]\ne = lambda q: q[1:2]\nif (n := 10) > 5: pass\n",
];
