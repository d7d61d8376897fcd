/** fks.yaml `scaffold.health` settings: defaults < file < FKS_SCAFFOLD__HEALTH__* < flags, and bad values as one line each. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fks, removeTree, tempTree } from "../helpers.js";

const SERVICE = {
  "svc/requirements.txt": "fastapi\nuvicorn\n",
  "svc/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
  "svc/Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nEXPOSE 8000\nCMD ["uvicorn", "main:app"]\n',
};
const SERVED = {
  ...SERVICE,
  "svc/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/live")\ndef live():\n    return {}\n\n@app.get("/ready")\ndef ready():\n    return {}\n\n@app.get("/health")\ndef health():\n    return {}\n',
  // Only a timing warning: interval 5 s.
  "svc/Dockerfile": 'FROM python:3.12-slim\nHEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD ["python", "-c", "print(1)"]\nCMD ["uvicorn", "main:app"]\n',
};
const dirs: string[] = [];
const tree = (files: Record<string, string>) => {
  const d = tempTree(files);
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) removeTree(d);
});
const healthcheckLine = (stdout: string) => /^\+HEALTHCHECK .*$/m.exec(stdout)?.[0] ?? "";

describe("scaffold.health in fks.yaml", () => {
  it("the file sets timing, token variable and rate; env overrides the file; flags override both", () => {
    const dir = tree({ ...SERVICE, "fks.yaml": "scaffold:\n  health:\n    interval: 20\n    timeout: 4\n    startPeriod: 5\n    tokenEnv: MY_HEALTH_TOKEN\n    rate: 7\n" });
    const file = fks(["scaffold", "health", "--dry-run"], { cwd: dir });
    expect(file.code).toBe(0);
    expect(healthcheckLine(file.stdout)).toContain("--interval=20s --timeout=4s --start-period=5s --retries=3");
    expect(file.stdout).toContain("MY_HEALTH_TOKEN");
    expect(file.stdout).not.toContain("FKS_HEALTH_TOKEN");
    expect(file.stdout).toMatch(/FKS_HEALTH_RATE", "7(\.0)?"/);

    const env = fks(["scaffold", "health", "--dry-run"], { cwd: dir, env: { FKS_SCAFFOLD__HEALTH__INTERVAL: "25" } });
    expect(healthcheckLine(env.stdout)).toContain("--interval=25s --timeout=4s");

    const flag = fks(["scaffold", "health", "--dry-run", "--interval", "12", "--token-env", "OTHER_TOKEN"], { cwd: dir, env: { FKS_SCAFFOLD__HEALTH__INTERVAL: "25" } });
    expect(healthcheckLine(flag.stdout)).toContain("--interval=12s --timeout=4s");
    expect(flag.stdout).toContain("OTHER_TOKEN");

    const defaults = fks(["scaffold", "health", "--dry-run", path.join(dir, "svc")]);
    expect(healthcheckLine(defaults.stdout)).toContain("--interval=15s --timeout=3s --start-period=10s --retries=3");
  });

  it("failOn from the file decides --check's exit code unless --fail-on is given", () => {
    const dir = tree(SERVED);
    expect(fks(["scaffold", "health", "--check"], { cwd: dir }).code).toBe(0); // a warning, default fail-on error
    writeFileSync(path.join(dir, "fks.yaml"), "scaffold:\n  health:\n    failOn: warning\n");
    expect(fks(["scaffold", "health", "--check"], { cwd: dir }).code).toBe(1);
    expect(fks(["scaffold", "health", "--check", "--fail-on", "error"], { cwd: dir }).code).toBe(0);
  });

  it("a failure threshold other than 3 is what --check expects once it is configured", () => {
    const dir = tree({ ...SERVED, "svc/Dockerfile": 'FROM python:3.12-slim\nHEALTHCHECK --interval=15s --retries=5 CMD ["python", "-c", "print(1)"]\nCMD ["uvicorn", "main:app"]\n' });
    const plain = fks(["scaffold", "health", "--check", "--fail-on", "warning"], { cwd: dir });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain("health/probe-timing");
    writeFileSync(path.join(dir, "fks.yaml"), "scaffold:\n  health:\n    failureThreshold: 5\n");
    expect(fks(["scaffold", "health", "--check", "--fail-on", "warning"], { cwd: dir }).code).toBe(0);
  });

  it("an out-of-range value is one line with fks.yaml:line, or with the flag's name; exit 2", () => {
    const dir = tree({ ...SERVICE, "fks.yaml": "scaffold:\n  health:\n    interval: 40\n    bogus: 1\n" });
    const bad = fks(["scaffold", "health", "--check"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/fks\.yaml:3 scaffold\.health\.interval/);
    expect(bad.stderr).toMatch(/fks\.yaml:4 scaffold\.health\.bogus: unknown setting/);
    const flag = fks(["scaffold", "health", "--check", path.join(dir, "svc"), "--interval", "40"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^error: --interval 40: must be <=30/m);
    expect(flag.stderr).toContain("scaffold.health.interval");
  });
});
