/**
 * What a person sees in the diff: `test:` as a normal flow list, comments that say a healthcheck is
 * missing gone once fks adds one, a replaced check's comment updated, and every other line where it was.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { fks, removeTree, tempTree } from "../helpers.js";

const APP = {
  "requirements.txt": "fastapi\nuvicorn\n",
  "main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n',
};
const COMPOSE = `# Two services.
services:
  # the public one
  api:
    build: ./api   # local build
    environment:
      LOG_LEVEL: info        # aligned comment
    depends_on:              # starts before the worker is ready
      - worker
    # TODO: add a healthcheck

  worker:
    build: ./worker
    # the healthcheck of this service lives in compose, not the image
    healthcheck:
      # curl is not in the image, so this never passes
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
      interval: 15s
      timeout: 3s
      retries: 3

volumes: {}   # none yet
`;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTree(d);
});
const platform = () => {
  const files: Record<string, string> = { "docker-compose.yml": COMPOSE };
  for (const svc of ["api", "worker"]) {
    for (const [f, t] of Object.entries(APP)) files[`${svc}/${f}`] = t;
    files[`${svc}/Dockerfile`] = `FROM python:3.12-slim\nCOPY . /app\nEXPOSE 8000\n# No HEALTHCHECK yet.\nCMD ["uvicorn", "main:app"]\n`;
  }
  const dir = tempTree(files);
  dirs.push(dir);
  return dir;
};

/** The lines of `before` that are missing from `after`, and whether the rest keep their order. */
function removedLines(before: string, after: string): { removed: string[]; inOrder: boolean } {
  const out = after.split("\n");
  const removed: string[] = [];
  let j = 0;
  let inOrder = true;
  for (const line of before.split("\n")) {
    const at = out.indexOf(line, j);
    if (at < 0) {
      removed.push(line);
      if (out.includes(line)) inOrder = false;
    } else j = at + 1;
  }
  return { removed, inOrder };
}

describe("scaffolded compose and Dockerfile text", () => {
  it("writes test: as a one-line flow list of double-quoted strings, as the compose docs do", () => {
    const dir = platform();
    expect(fks(["scaffold", "health", dir, "--force"]).code).toBe(0);
    const text = readFileSync(path.join(dir, "docker-compose.yml"), "utf8");
    const tests = text.split("\n").filter((l) => /^\s+test:/.test(l));
    expect(tests).toHaveLength(2);
    for (const l of tests) expect(l).toMatch(/^ {6}test: \["CMD", "python", "-c", "[^"]+"\]$/);
    const doc = parseDocument(text);
    expect(doc.errors).toEqual([]);
    const test = doc.getIn(["services", "api", "healthcheck", "test"]) as { toJSON(): string[] };
    expect(test.toJSON().slice(0, 3)).toEqual(["CMD", "python", "-c"]);
  });

  it("removes the notes that became false, updates the replaced check's comment, and moves nothing else", () => {
    const dir = platform();
    expect(fks(["scaffold", "health", dir, "--force"]).code).toBe(0);
    const after = readFileSync(path.join(dir, "docker-compose.yml"), "utf8");
    const { removed, inOrder } = removedLines(COMPOSE, after);
    expect(inOrder).toBe(true);
    expect(removed.sort()).toEqual([
      "      # curl is not in the image, so this never passes",
      "      - worker",
      "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]",
      "    # TODO: add a healthcheck",
      "    depends_on:              # starts before the worker is ready",
    ].sort());
    expect(after).toContain("    # the healthcheck of this service lives in compose, not the image\n    healthcheck:\n");
    expect(after).toMatch(/ {6}# fks scaffold health --force replaced a check that could never pass: it calls curl, which python:3\.12-slim does not contain\n {6}test: \["CMD", "python"/);
    // The blank line between the services survives the removed trailing comment.
    expect(after).toMatch(/retries: 3\n\n {2}worker:/);

    const docker = readFileSync(path.join(dir, "api", "Dockerfile"), "utf8");
    expect(docker).not.toContain("No HEALTHCHECK yet");
    expect(docker).toMatch(/^EXPOSE 8000\nHEALTHCHECK --interval=15s .*\\\n {2}CMD \["python", "-c", .*\]\nCMD \["uvicorn", "main:app"\]\n$/m);
  });

  it("without --force the broken check and its comment stay", () => {
    const dir = platform();
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    const after = readFileSync(path.join(dir, "docker-compose.yml"), "utf8");
    expect(after).toContain("      # curl is not in the image, so this never passes\n      test: [\"CMD\", \"curl\"");
  });
});

describe("HEALTHCHECK placement in a Dockerfile with a commented CMD", () => {
  it("keeps the comment block that introduces CMD on its own, set apart as it was", () => {
    const dockerfile = [
      "FROM python:3.12-slim",
      "COPY . /app",
      "RUN python -m compileall /app",
      "",
      "# Runtime command: migrate, then serve.",
      "# Migrating at start-up is fine for a single instance.",
      'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]',
      "",
    ].join("\n");
    const dir = tempTree({ "svc/main.py": APP["main.py"]!, "svc/requirements.txt": APP["requirements.txt"]!, "svc/Dockerfile": dockerfile });
    dirs.push(dir);
    expect(fks(["scaffold", "health", dir]).code).toBe(0);
    const after = readFileSync(path.join(dir, "svc/Dockerfile"), "utf8");
    expect(after).toMatch(/RUN python -m compileall \/app\n\nHEALTHCHECK [^\n]*\\\n {2}CMD \[[^\n]*\]\n\n# Runtime command: migrate, then serve\.\n# Migrating[^\n]*\nCMD \["uvicorn"/);
  });
});
