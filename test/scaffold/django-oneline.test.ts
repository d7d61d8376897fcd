import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { httpRequest, pythonBin, startProcess, type StartedProcess } from "../env/engines.js";
import { fks, removeTree, tempTree } from "../helpers.js";

/** A Django project whose urlpatterns is written on one line, as small projects and tutorials do. */
const FILES = {
  "requirements.txt": "Django>=4.2\n",
  "manage.py": 'import os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n',
  "core/__init__.py": "",
  "core/settings.py": 'SECRET_KEY = "test"\nDEBUG = False\nALLOWED_HOSTS = ["127.0.0.1"]\nROOT_URLCONF = "core.urls"\nINSTALLED_APPS = ["django.contrib.contenttypes"]\nDATABASES = {}\n',
  "core/urls.py": 'from django.http import HttpResponse\nfrom django.urls import path\n\nurlpatterns = [path("books/", lambda r: HttpResponse("[]")), path("", lambda r: HttpResponse("home"))]  # the whole API\n',
};

const started: StartedProcess[] = [];
let dir = "";
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (dir) removeTree(dir);
});

describe("Django: a one-line urlpatterns list gets the health include first inside it", () => {
  it("scaffolded, then served by runserver: /live answers, and so do the project's own URLs", async () => {
    dir = tempTree(FILES);
    const r = fks(["scaffold", "health", "."], { cwd: dir });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const urls = readFileSync(path.join(dir, "core/urls.py"), "utf8");
    expect(urls).toMatch(/^urlpatterns = \[path\("", include\("core\.health"\)\), path\("books\/"/m);
    expect(urls).toContain("# the whole API");
    // Idempotent: a second run changes nothing.
    expect(fks(["scaffold", "health", "."], { cwd: dir }).code).toBe(0);
    expect(readFileSync(path.join(dir, "core/urls.py"), "utf8")).toBe(urls);
    const p = await startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], { cwd: dir, readyUrl: "http://127.0.0.1:{port}/live", timeoutMs: 30_000 });
    started.push(p);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/live`)).status).toBe(200);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/books/`)).status).toBe(200);
    expect((await httpRequest(`http://127.0.0.1:${p.port}/`)).status).toBe(200);
  }, 60_000);
});
