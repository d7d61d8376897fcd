import { DockerfileParser, type Instruction } from "dockerfile-ast";
import type { DockerfileInfo, DockerRun } from "../../model.js";

const KNOWN = new Set([
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
  "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
]);

export interface DockerfileParse {
  info: DockerfileInfo;
  problems: Array<{ line: number; message: string }>;
  /** Raw instructions, for editors that need positions. */
  instructions: Array<{ keyword: string; line: number; args: string; stage: number }>;
}

/** Reads the facts fks needs from a Dockerfile: stages, final image, EXPOSE, HEALTHCHECK, CMD. */
export function parseDockerfile(text: string, file: string): DockerfileParse {
  const doc = DockerfileParser.parse(text);
  const problems: DockerfileParse["problems"] = [];
  const info: DockerfileInfo = { file, stages: [], expose: [], healthchecks: [] };
  const instructions: DockerfileParse["instructions"] = [];
  let stage = -1;
  const stageOf = { cmd: -1 };
  const runs: DockerRun[] = [];
  for (const ins of doc.getInstructions() as Instruction[]) {
    const keyword = ins.getKeyword().toUpperCase();
    const line = ins.getRange().start.line + 1;
    const args = ins.getArgumentsContent() ?? "";
    if (!KNOWN.has(keyword)) {
      problems.push({ line, message: `unknown instruction "${ins.getKeyword()}"` });
      continue;
    }
    if (keyword === "FROM") {
      stage++;
      // A stage starts from its base image: what an earlier stage ran or set does not carry over,
      // unless the stage is built FROM that earlier stage.
      const from = args.trim().split(/\s+/).filter((p) => !p.startsWith("--"))[0] ?? "";
      if (stage > 0) runs.push(snapshot(info, info.stages[stage - 1]!));
      const parent = info.stages.findIndex((s) => s.name && s.name === from);
      const base: Partial<DockerRun> = parent >= 0 ? runs[parent]! : {};
      info.cmd = base.cmd;
      info.cmdLine = base.cmdLine;
      info.entrypoint = base.entrypoint;
      info.entrypointLine = base.entrypointLine;
      info.workdir = base.workdir;
      info.env = base.env;
      info.copies = base.copies ? [...base.copies] : undefined;
      const parts = args.trim().split(/\s+/).filter((p) => !p.startsWith("--"));
      const image = parts[0] ?? "";
      const asIdx = parts.findIndex((p) => p.toLowerCase() === "as");
      info.stages.push({ image, line, name: asIdx >= 0 ? parts[asIdx + 1] : undefined });
    } else if (stage < 0 && keyword !== "ARG") {
      problems.push({ line, message: `${keyword} before the first FROM` });
    }
    instructions.push({ keyword, line, args, stage });
    if (keyword === "EXPOSE") {
      for (const p of args.split(/\s+/)) {
        const n = Number.parseInt(p, 10);
        if (Number.isInteger(n) && n > 0) info.expose.push(n);
      }
    } else if (keyword === "HEALTHCHECK") {
      const none = /^\s*NONE\s*$/i.test(args);
      const cmdAt = args.search(/\bCMD\b/i);
      info.healthchecks.push({ line, stage, none, inFinalStage: false, command: cmdAt >= 0 ? args.slice(cmdAt + 3).trim() : args.trim() });
      if (!none && cmdAt < 0) problems.push({ line, message: "HEALTHCHECK without CMD" });
    } else if (keyword === "CMD") {
      info.cmd = args.trim();
      info.cmdLine = line;
    } else if (keyword === "ENTRYPOINT") {
      info.entrypoint = args.trim();
      info.entrypointLine = line;
      // Docker resets an inherited CMD when ENTRYPOINT is set in the stage.
      if (stageOf.cmd !== stage) {
        info.cmd = undefined;
        info.cmdLine = undefined;
      }
    } else if (keyword === "WORKDIR") {
      const dir = args.trim();
      info.workdir = dir.startsWith("/") || !info.workdir ? dir : `${info.workdir.replace(/\/$/, "")}/${dir}`;
    } else if (keyword === "ENV") {
      info.env = { ...info.env, ...parseEnvArgs(args) };
    } else if ((keyword === "COPY" || keyword === "ADD") && !/--from[= ]/.test(args)) {
      const words = (execWords(args) ?? args.trim().split(/\s+/)).filter((w) => !w.startsWith("--"));
      if (words.length >= 2) (info.copies ??= []).push({ src: words.slice(0, -1), dest: words[words.length - 1]!, workdir: info.workdir, line });
    }
    if (keyword === "CMD") stageOf.cmd = stage;
  }
  if (info.stages.length === 0) problems.push({ line: 1, message: "no FROM instruction" });
  if (info.stages.length) runs.push(snapshot(info, info.stages[info.stages.length - 1]!));
  for (const [i, st] of info.stages.entries()) if (st.name && i < info.stages.length - 1) (info.targets ??= {})[st.name] = runs[i]!;
  const finalStage = info.stages.length - 1;
  for (const h of info.healthchecks) h.inFinalStage = h.stage === finalStage;
  info.finalImage = resolveStageImage(info.stages, finalStage);
  // EXPOSE only matters in the final stage, but earlier stages' ports are a reasonable hint; keep unique.
  info.expose = [...new Set(info.expose)];
  return { info, problems, instructions };
}

function snapshot(info: DockerfileInfo, stage: { line: number; image: string }): DockerRun {
  const { cmd, cmdLine, entrypoint, entrypointLine, workdir, env, copies } = info;
  return { cmd, cmdLine, entrypoint, entrypointLine, workdir, env, copies, line: stage.line, image: stage.image };
}

function execWords(args: string): string[] | undefined {
  if (!args.trim().startsWith("[")) return undefined;
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) ? v.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** `ENV A=1 B="two words"` and the legacy `ENV A 1`. */
function parseEnvArgs(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  const text = args.trim();
  if (!/^[A-Za-z_]\w*=/.test(text)) {
    const m = /^([A-Za-z_]\w*)\s+(.*)$/s.exec(text);
    if (m) env[m[1]!] = m[2]!.trim();
    return env;
  }
  for (const m of text.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const v = m[2]!;
    env[m[1]!] = /^["']/.test(v) ? v.slice(1, -1).replace(/\\(.)/g, "$1") : v;
  }
  return env;
}

/** Follows `FROM builder` chains back to a real image name. */
function resolveStageImage(stages: DockerfileInfo["stages"], idx: number): string | undefined {
  const seen = new Set<number>();
  let cur = stages[idx];
  while (cur && !seen.has(idx)) {
    seen.add(idx);
    const ref = stages.findIndex((s, i) => i < idx && s.name && s.name === cur!.image);
    if (ref < 0) return cur.image;
    idx = ref;
    cur = stages[idx];
  }
  return cur?.image;
}
