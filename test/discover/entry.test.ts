import path from "node:path";
import { describe, expect, it } from "vitest";
import { discover } from "../../src/features/discover/index.js";
import type { ServiceRecord } from "../../src/model.js";
import { ROOT, tempTree } from "../helpers.js";

const FIXTURES = path.join(ROOT, "test/fixtures");

async function services(fixture: string): Promise<ServiceRecord[]> {
  const dir = path.join(FIXTURES, fixture);
  return (await discover({ cwd: dir, paths: [dir] })).services;
}

/** `file:line` of each step, so assertions name the steps and not their wording. */
const steps = (s: ServiceRecord) => s.entry!.chain.map((c) => `${c.file}:${c.line}`);

describe("served entry: followed from the start command to the app object", () => {
  it("Dockerfile ENTRYPOINT → entrypoint.sh `exec uvicorn` → a re-exporting module → the package that creates the app", async () => {
    const [s, ...rest] = await services("entry-script");
    expect(rest).toEqual([]);
    expect(steps(s!)).toEqual(["Dockerfile:14", "entrypoint.sh:9", "fastapi_main.py:2", "app/__init__.py:9"]);
    expect(s!.entry!.app).toBe("app:app");
    expect(s!.entry!.appFile).toBe("app/__init__.py");
    expect(s!.entry!.confidence).toBe("command");
    // The earlier stage's CMD does not count; the final stage's ENTRYPOINT does.
    expect(s!.entry!.chain[0]!.text).toContain("ENTRYPOINT");
  });

  it("gunicorn with UvicornWorker, --chdir and ${APP_MODULE:-…}: compose's APP_MODULE beats the script's default and the Dockerfile's ENV", async () => {
    const [s] = await services("entry-gunicorn");
    expect(s!.name).toBe("billing");
    expect(s!.entry!.app).toBe("service.main:application");
    expect(steps(s!)).toEqual(["Dockerfile:5", "scripts/start.sh:5", "src/service/main.py:3", "src/service/factory.py:4", "src/service/factory.py:5"]);
    expect(s!.entry!.reason).toMatch(/UvicornWorker/);
  });

  it("without compose, the Dockerfile's ENV value fills ${APP_MODULE:-…}; without ENV the script's default does", async () => {
    const files = {
      "svc/Dockerfile": 'FROM python:3.12\nWORKDIR /srv\nENV APP_MODULE="pkg.b:app"\nCMD ["/srv/start.sh"]\n',
      "svc/start.sh": '#!/bin/sh\nexec uvicorn "${APP_MODULE:-pkg.a:app}"\n',
      "svc/requirements.txt": "fastapi\n",
      "svc/pkg/__init__.py": "",
      "svc/pkg/a.py": "from fastapi import FastAPI\napp = FastAPI()\n",
      "svc/pkg/b.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    };
    const withEnv = tempTree(files);
    expect((await discover({ cwd: withEnv })).services[0]!.entry).toMatchObject({ app: "pkg.b:app", appFile: "svc/pkg/b.py", appLine: 3 });
    const noEnv = tempTree({ ...files, "svc/Dockerfile": 'FROM python:3.12\nWORKDIR /srv\nCMD ["/srv/start.sh"]\n' });
    expect((await discover({ cwd: noEnv })).services[0]!.entry).toMatchObject({ app: "pkg.a:app", appFile: "svc/pkg/a.py", appLine: 2 });
  });

  it("`python run.py` → uvicorn.run(app) in a function __main__ calls → the imported app, not the scratch main.py", async () => {
    const [s] = await services("entry-main");
    expect(s!.entry!.app).toBe("api.server:app");
    expect(steps(s!)).toEqual(["Dockerfile:4", "run.py:7", "run.py:3", "api/server.py:3"]);
  });

  it("a Procfile's web: process", async () => {
    const [s] = await services("entry-procfile");
    expect(s!.entry).toMatchObject({ app: "web.asgi:api", appFile: "web/asgi.py", appLine: 3, confidence: "command" });
    expect(steps(s!)[0]).toBe("Procfile:1");
  });

  it("Django under gunicorn proj.wsgi: the settings module wsgi.py names, not manage.py's", async () => {
    const [s] = await services("entry-django");
    expect(s!.entry).toMatchObject({ app: "proj.wsgi:application", settings: "proj.settings.production", appFile: "proj/wsgi.py", appLine: 7 });
  });

  it("DJANGO_SETTINGS_MODULE in the environment and `manage.py runserver --settings` name the settings", async () => {
    const base = {
      "web/manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_a.settings")\n',
      "web/site_a/__init__.py": "",
      "web/site_a/settings.py": 'ROOT_URLCONF = "site_a.urls"\nWSGI_APPLICATION = "site_a.wsgi.application"\n',
      "web/site_b/__init__.py": "",
      "web/site_b/settings.py": 'ROOT_URLCONF = "site_b.urls"\n',
      "web/requirements.txt": "django\n",
    };
    const env = tempTree({ ...base, "web/Dockerfile": 'FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=site_b.settings\nCMD python manage.py runserver 0.0.0.0:8000\n' });
    expect((await discover({ cwd: env })).services[0]!.entry!.settings).toBe("site_b.settings");
    const flag = tempTree({ ...base, "web/Dockerfile": 'FROM python:3.12\nCMD ["python", "manage.py", "runserver", "--settings=site_b.settings"]\n' });
    expect((await discover({ cwd: flag })).services[0]!.entry!.settings).toBe("site_b.settings");
    const plain = tempTree({ ...base, "web/Dockerfile": 'FROM python:3.12\nCMD ["python", "manage.py", "runserver"]\n' });
    const e = (await discover({ cwd: plain })).services[0]!.entry!;
    expect(e.settings).toBe("site_a.settings");
    expect(e.app).toBe("site_a.wsgi:application");
  });

  it("two compose services from one build folder with different commands stay two, each with its own entry", async () => {
    const all = await services("entry-compose");
    expect(all.map((s) => s.name)).toEqual(["api", "worker"]);
    const [api, worker] = all;
    expect(api!.entry!.app).toBe("app.main:app");
    expect(api!.framework).toBe("fastapi");
    // The folder's language reaches both records; the framework only the one that serves an app of it.
    expect(worker!.language).toBe("python");
    expect(worker!.framework).toBeUndefined();
    expect(worker!.entry!.app).toBeUndefined();
    expect(worker!.entry!.notHttp).toBe(true);
    expect(worker!.entry!.reason).toMatch(/celery/);
  });

  it("a package named differently from its compose service, deployed under the package's name: one record with aliases", async () => {
    const all = await services("entry-alias");
    expect(all.map((s) => s.name)).toEqual(["users"]);
    expect(all[0]!.aliases).toEqual(expect.arrayContaining(["users-api", "users-svc"]));
    expect(all[0]!.k8s?.name).toBe("users-api");
    // CMD names the console script; [project.scripts] leads to the function that runs uvicorn.
    expect(all[0]!.entry).toMatchObject({ app: "users_api.app:app", appFile: "users-svc/users_api/app.py" });
  });

  it("the same service in two compose files (same build, same command) is one record; a different command is another", async () => {
    const dir = tempTree({
      "compose.yaml": "services:\n  api:\n    build: ./svc\n",
      "compose.prod.yaml": "services:\n  backend:\n    build: ./svc\n  jobs:\n    build: ./svc\n    command: python -m svc.jobs\n",
      "svc/requirements.txt": "fastapi\n",
      "svc/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    });
    const all = (await discover({ cwd: dir })).services;
    expect(all.map((s) => s.name).sort()).toEqual(["api", "jobs"]);
    expect(all.find((s) => s.name === "api")!.aliases).toContain("backend");
  });

  it("k8s command/args replace the image's ENTRYPOINT/CMD; compose entrypoint replaces the Dockerfile's", async () => {
    const dir = tempTree({
      "svc/Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "one:app"]\n',
      "svc/requirements.txt": "fastapi\n",
      "svc/one.py": "from fastapi import FastAPI\napp = FastAPI()\n",
      "svc/two.py": "from fastapi import FastAPI\napp = FastAPI()\n",
      "k8s/svc.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc\nspec:\n  template:\n    spec:\n      containers:\n        - name: svc\n          image: svc:1\n          command: [\"hypercorn\"]\n          args: [\"--bind\", \"0.0.0.0:8000\", \"two:app\"]\n",
    });
    const [s] = (await discover({ cwd: dir })).services;
    expect(s!.entry).toMatchObject({ app: "two:app", appFile: "svc/two.py" });
    expect(steps(s!)[0]).toBe("k8s/svc.yaml:11");
  });

  it("uvicorn --factory, --app-dir, wrappers and sh -c", async () => {
    const dir = tempTree({
      "svc/Dockerfile": 'FROM python:3.12\nWORKDIR /app\nENTRYPOINT ["tini", "--"]\nCMD ["sh", "-c", "alembic upgrade head && exec opentelemetry-instrument uvicorn --factory --app-dir src shop.app:create_app --port 80"]\n',
      "svc/requirements.txt": "fastapi\n",
      "svc/src/shop/__init__.py": "",
      "svc/src/shop/app.py": "from fastapi import FastAPI\n\n\ndef create_app():\n    application = FastAPI()\n    return application\n",
    });
    const [s] = (await discover({ cwd: dir })).services;
    expect(s!.entry).toMatchObject({ app: "shop.app:create_app()", appFile: "svc/src/shop/app.py", appLine: 5 });
  });

  it("uvicorn.run(\"m:app\") under __main__ and an app wrapped in middleware (`app = CORSMiddleware(app)`)", async () => {
    const dir = tempTree({
      "svc/Dockerfile": 'FROM python:3.12\nCMD ["python", "-m", "svc_server"]\n',
      "svc/requirements.txt": "fastapi\n",
      "svc/svc_server/__init__.py": "",
      "svc/svc_server/__main__.py": 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("svc_server.web:app", port=8000)\n',
      "svc/svc_server/web.py": "from fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\n\ninner = FastAPI()\napp = CORSMiddleware(inner, allow_origins=['*'])\n",
    });
    const [s] = (await discover({ cwd: dir })).services;
    expect(s!.entry).toMatchObject({ appFile: "svc/svc_server/web.py", appLine: 4 });
  });

  it("Rust: the Cargo [[bin]] the Dockerfile runs, and its fn main", async () => {
    const dir = tempTree({
      "api/Cargo.toml": '[package]\nname = "api"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\n\n[[bin]]\nname = "api-server"\npath = "src/bin/server.rs"\n',
      "api/src/lib.rs": "pub fn router() {}\n",
      "api/src/bin/server.rs": "use axum::Router;\n\n#[tokio::main]\nasync fn main() {\n    let _ = Router::<()>::new();\n}\n",
      "api/Dockerfile": 'FROM rust:1 AS build\nRUN cargo build --release\nFROM debian:stable-slim\nCOPY --from=build /target/release/api-server /usr/local/bin/api-server\nCMD ["/usr/local/bin/api-server"]\n',
    });
    const [s] = (await discover({ cwd: dir })).services;
    expect(s!.entry).toMatchObject({ app: "bin:api-server", appFile: "api/src/bin/server.rs", appLine: 4, confidence: "command" });
  });

  it("when nothing tells, it says so and names the app it chose and the others", async () => {
    const dir = tempTree({
      "svc/requirements.txt": "fastapi\n",
      "svc/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
      "svc/tools/admin.py": "from fastapi import FastAPI\nadmin = FastAPI()\n",
    });
    const [s] = (await discover({ cwd: dir })).services;
    expect(s!.entry!.confidence).toBe("convention");
    expect(s!.entry!.app).toBe("main:app");
    expect(s!.entry!.reason).toMatch(/no start command/);
    expect(s!.entry!.reason).toContain("tools/admin.py:2");
  });
});

describe("served entry across a multi-target Dockerfile built from the repository root", () => {
  it("compose build.target picks the stage; COPY lines map container paths back to the repository; source folders fold into their services", async () => {
    const all = await services("entry-targets");
    expect(all.map((s) => s.name)).toEqual(["orders", "proxy", "shipping"]);
    const [orders, proxy, shipping] = all;
    // A foreground server does not return: the `exec "$@"` after it never runs.
    expect(steps(orders!)).toEqual(["Dockerfile:10", "services/orders/entrypoint.sh:4", "services/orders/app/main.py:3"]);
    expect(orders!.entry!.app).toBe("app.main:app");
    expect(orders!.aliases ?? []).not.toContain("orders-2");
    expect(orders!.framework).toBe("fastapi");
    expect(shipping!.entry!.notHttp).toBe(true);
    expect(steps(shipping!)).toEqual(["Dockerfile:15", "services/shipping/entrypoint.sh:2", "services/shipping/app/main.py:8"]);
    // FROM nginx: an off-the-shelf server, whatever language the build context (the repository root) holds.
    expect(proxy!.entry!.offTheShelf).toBe("nginx");
    expect(proxy!.language).toBeUndefined();
    expect(proxy!.framework).toBeUndefined();
    expect(shipping!.framework).toBeUndefined();
  });
});
