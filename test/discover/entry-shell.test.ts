import { describe, expect, it } from "vitest";
import { classify } from "../../src/features/discover/entry-command.js";
import { servingCommand } from "../../src/features/discover/entry-script.js";
import { shellCommands } from "../../src/features/discover/entry-shell.js";

describe("start commands read as sh reads them", () => {
  it("expands ${X:-d}, ${X-d}, $X and quotes; splits at ; && | & and marks background jobs", () => {
    const env = { SET: "v", EMPTY: "" };
    const [a, b, c] = shellCommands(`echo "\${SET:-d}" \${EMPTY:-e} \${EMPTY-f}x '$SET' && run $SET & last`, env);
    expect(a!.words).toEqual(["echo", "v", "e", "x", "$SET"]);
    expect(b).toMatchObject({ words: ["run", "v"], background: true });
    expect(c!.words).toEqual(["last"]);
  });

  it("classifies launchers through wrappers, with options that take values", () => {
    expect(classify(["poetry", "run", "gunicorn", "-w", "4", "-k", "uvicorn.workers.UvicornWorker", "--bind=0.0.0.0:80", "pkg.web:create_app()"])).toMatchObject({ kind: "server", server: "gunicorn", target: "pkg.web:create_app", factory: true, worker: "uvicorn.workers.UvicornWorker" });
    expect(classify(["python3", "-m", "uvicorn", "--port", "80", "m:app"])).toMatchObject({ kind: "server", target: "m:app" });
    expect(classify(["gosu", "app", "python", "manage.py", "runserver", "--settings", "p.s"])).toMatchObject({ kind: "manage", subcommand: "runserver", settings: "p.s" });
    expect(classify(["celery", "-A", "w", "worker"])).toMatchObject({ kind: "program", program: "celery" });
  });

  it("in a script, a backgrounded server is not what serves; the exec line is", () => {
    const s = servingCommand("uvicorn side:app &\nexec gunicorn main:app\n", {});
    expect(s).toMatchObject({ line: 2, launch: { kind: "server", target: "main:app" } });
  });
});
