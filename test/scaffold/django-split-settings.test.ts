/**
 * Django projects with split settings (settings/base.py + settings/dev.py, as Django project templates lay
 * them out): the settings module manage.py names is followed through star imports to ROOT_URLCONF, and the
 * scaffolded endpoints really answer under runserver from the test venv.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { httpRequest, pythonBin, startProcess } from "../env/engines.js";
import { fks, removeTree, ROOT, tempTree } from "../helpers.js";
import { cleanedUpAfterAll } from "./axum-helpers.js";
import { resolveRootUrlconf } from "../../src/frameworks/django/settings.js";

const FIXTURE = path.join(ROOT, "test/fixtures/scaffold/django-split-settings");
const { started, dirs: made } = cleanedUpAfterAll();

function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fks-django-split-"));
  cpSync(FIXTURE, dir, { recursive: true });
  made.push(dir);
  return dir;
}

async function runserver(dir: string): Promise<string> {
  const p = await startProcess(pythonBin(), ["manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], { cwd: dir, readyUrl: "http://127.0.0.1:{port}/items/", timeoutMs: 30_000 });
  started.push(p);
  return `http://127.0.0.1:${p.port}`;
}

function scaffold(dir: string): void {
  const r = fks(["scaffold", "health", dir]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

describe("scaffold health on a Django project with split settings", () => {
  it("manage.py → settings.dev → `from .base import *`: the root URL conf gets the health URLs and runserver serves /live", async () => {
    const dir = copy();
    scaffold(dir);
    expect(readFileSync(path.join(dir, "proj/urls.py"), "utf8")).toContain('path("", include("proj.health"))');
    const base = await runserver(dir);
    const live = await httpRequest(`${base}/live`);
    expect(live.status).toBe(200);
    expect(live.headers["content-type"]).toBe("application/health+json");
    expect((await httpRequest(`${base}/ready`)).status).toBe(200);
    expect((await httpRequest(`${base}/items/`)).status).toBe(200);
  }, 60_000);

  it("a settings package whose __init__.py star-imports a module that imports base absolutely and overrides ROOT_URLCONF", async () => {
    const dir = copy();
    writeFileSync(path.join(dir, "manage.py"), readFileSync(path.join(dir, "manage.py"), "utf8").replace('"proj.settings.dev"', '"proj.settings"'));
    writeFileSync(path.join(dir, "proj/settings/__init__.py"), "from .production import *  # noqa: F403\n");
    writeFileSync(path.join(dir, "proj/settings/production.py"), readFileSync(path.join(dir, "proj/settings/production.py"), "utf8") + 'ALLOWED_HOSTS = ["127.0.0.1"]\nROOT_URLCONF = "proj.public_urls"\n');
    writeFileSync(path.join(dir, "proj/public_urls.py"), readFileSync(path.join(dir, "proj/urls.py"), "utf8"));
    scaffold(dir);
    expect(readFileSync(path.join(dir, "proj/public_urls.py"), "utf8")).toContain('include("proj.health")');
    expect(readFileSync(path.join(dir, "proj/urls.py"), "utf8")).not.toContain("health");
    const base = await runserver(dir);
    expect((await httpRequest(`${base}/live`)).status).toBe(200);
  }, 60_000);
});

describe("scaffold health on a URL conf package", () => {
  it("proj/urls/__init__.py star-imports an empty `urlpatterns = []` that apps extend: the list opens onto lines of its own and /live answers", async () => {
    const dir = copy();
    const urls = readFileSync(path.join(dir, "proj/urls.py"), "utf8");
    rmSync(path.join(dir, "proj/urls.py"));
    mkdirSync(path.join(dir, "proj/urls"));
    writeFileSync(path.join(dir, "proj/urls/__init__.py"), "from .base import *  # noqa: F403\n");
    writeFileSync(path.join(dir, "proj/urls/base.py"), urls.replace(/urlpatterns = \[[\s\S]*\]/, 'urlpatterns = []\nurlpatterns += [path("items/", views.items)]'));
    scaffold(dir);
    const base = readFileSync(path.join(dir, "proj/urls/base.py"), "utf8");
    expect(base).toContain('urlpatterns = [\n    path("", include("proj.urls.health")),\n]');
    expect(readFileSync(path.join(dir, "proj/urls/health.py"), "utf8")).toContain("def live(");
    const server = await runserver(dir);
    expect((await httpRequest(`${server}/live`)).status).toBe(200);
  }, 60_000);
});

describe("resolveRootUrlconf", () => {
  const trees: string[] = [];
  afterAll(() => trees.forEach(removeTree));
  const tree = (files: Record<string, string>) => {
    const d = tempTree(files);
    trees.push(d);
    return d;
  };
  const files = (dir: string, rels: string[]) => rels.map((r) => path.join(dir, r));
  const read = (f: string) => readFileSync(f, "utf8");

  it("resolves module names from the folder of the entry point that names them (manage.py below the service folder)", () => {
    const rels = ["app/manage.py", "app/core/__init__.py", "app/core/settings/__init__.py", "app/core/settings/base.py", "app/core/settings/main.py", "app/core/urls.py"];
    const dir = tree({
      "app/manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'core.settings.main')\n",
      "app/core/__init__.py": "",
      "app/core/settings/__init__.py": "",
      "app/core/settings/base.py": "ROOT_URLCONF = 'core.urls'\n",
      "app/core/settings/main.py": "from core.settings.base import *  # noqa\nDEBUG = True\n",
      "app/core/urls.py": "urlpatterns = [\n]\n",
    });
    const found = resolveRootUrlconf(dir, files(dir, rels), read)!;
    expect(found.module).toBe("core.urls");
    expect(found.file).toBe(path.join(dir, "app/core/urls.py"));
    expect(found.settingsFile).toBe(path.join(dir, "app/core/settings/base.py"));
    expect(found.via).toEqual(files(dir, ["app/core/settings/main.py", "app/core/settings/base.py"]));
  });

  it("follows wsgi.py, `from . import *` into the settings package, and a URL conf that is a package", () => {
    const rels = ["edms/__init__.py", "edms/wsgi.py", "edms/settings/__init__.py", "edms/settings/base.py", "edms/settings/production.py", "edms/urls/__init__.py"];
    const dir = tree({
      "edms/__init__.py": "",
      "edms/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'edms.settings.production')\n",
      "edms/settings/__init__.py": "from .base import *\n",
      "edms/settings/base.py": "ROOT_URLCONF = 'edms.urls'\n",
      "edms/settings/production.py": "from . import *\n",
      "edms/urls/__init__.py": "urlpatterns = [\n]\n",
    });
    const found = resolveRootUrlconf(dir, files(dir, rels), read)!;
    expect(found.file).toBe(path.join(dir, "edms/urls/__init__.py"));
    expect(found.root).toBe(dir);
  });

  it("an assignment after the star import wins over the imported one; without any ROOT_URLCONF there is none", () => {
    const rels = ["manage.py", "p/settings/base.py", "p/settings/dev.py", "p/urls.py", "p/dev_urls.py"];
    const dir = tree({
      "manage.py": 'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "p.settings.dev"\n',
      "p/settings/base.py": "ROOT_URLCONF = 'p.urls'\n",
      "p/settings/dev.py": "from .base import *\nROOT_URLCONF = 'p.dev_urls'\n",
      "p/urls.py": "",
      "p/dev_urls.py": "",
    });
    expect(resolveRootUrlconf(dir, files(dir, rels), read)!.module).toBe("p.dev_urls");
    writeFileSync(path.join(dir, "p/settings/base.py"), "DEBUG = True\n");
    writeFileSync(path.join(dir, "p/settings/dev.py"), "from .base import *\n");
    expect(resolveRootUrlconf(dir, files(dir, rels), read)).toBeUndefined();
  });
});
