import type { DockerfileParse } from "../../lang/dockerfile/parse.js";

export type HttpClient = "python" | "wget" | "curl" | "node" | "self";

export interface ImageFacts {
  image: string;
  /** Programs the final image has for an HTTP probe. */
  has: Set<HttpClient>;
  shell: boolean;
  /** First element of the exec-form ENTRYPOINT/CMD: the service binary in distroless images. */
  binary?: string;
}

const DISTROLESS = /distroless|(^|\/)scratch$|chainguard\/(static|glibc-dynamic)|cgr\.dev\/chainguard\/(static|glibc-dynamic)/;

/** What the final stage's image can run, from its base image name and what the stage installs. */
export function imageFacts(parse: DockerfileParse): ImageFacts {
  const stages = parse.info.stages;
  const final = stages.length - 1;
  // The final stage plus the stages it is built FROM (by name).
  const chain = new Set<number>([final]);
  for (let i = final; i >= 0; ) {
    const ref = stages.findIndex((s, j) => j < i && s.name && s.name === stages[i]!.image);
    if (ref < 0) break;
    chain.add(ref);
    i = ref;
  }
  const image = (parse.info.finalImage ?? "").toLowerCase();
  const runs = parse.instructions.filter((i) => i.keyword === "RUN" && chain.has(i.stage)).map((i) => i.args).join("\n");
  const has = new Set<HttpClient>();
  const distroless = DISTROLESS.test(image);
  if (/python/.test(image)) has.add("python");
  if (/alpine|busybox/.test(image)) has.add("wget");
  if (/(^|\/)node:/.test(image)) has.add("node");
  if (/curlimages\/curl|(^|\/)buildpack-deps/.test(image)) has.add("curl");
  if (/(apt-get|apt|apk|yum|dnf|microdnf)\s[^\n]*\b(install|add)\b[^\n]*\bcurl\b/.test(runs)) has.add("curl");
  if (/(apt-get|apt|apk|yum|dnf|microdnf)\s[^\n]*\b(install|add)\b[^\n]*\bwget\b/.test(runs)) has.add("wget");
  if (/(apt-get|apk|pip)\s[^\n]*\bpython3?\b/.test(runs) && !distroless) has.add("python");
  const exec = (s?: string) => (s && s.trim().startsWith("[") ? (safeJson(s)?.[0] as string | undefined) : undefined);
  const binary = exec(parse.info.entrypoint) ?? exec(parse.info.cmd);
  if (distroless && binary) has.add("self");
  return { image, has, shell: !distroless, binary };
}

function safeJson(s: string): unknown[] | undefined {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The program an existing healthcheck command runs, if it is one fks knows how to judge. */
export function programOf(command: string): { program?: string; shellForm: boolean } {
  const t = command.trim();
  if (t.startsWith("[")) {
    const arr = safeJson(t)?.map(String) ?? [];
    const args = arr[0] === "CMD" || arr[0] === "CMD-SHELL" ? arr.slice(1) : arr;
    const shell = arr[0] === "CMD-SHELL";
    const first = shell ? args.join(" ").trim().split(/\s+/)[0] : args[0];
    return { program: first?.split("/").pop(), shellForm: shell };
  }
  return { program: t.split(/\s+/)[0]?.split("/").pop(), shellForm: true };
}

/** Why an existing healthcheck cannot pass in this image, or undefined when it can. */
export function brokenBecause(command: string, facts: ImageFacts): string | undefined {
  const { program, shellForm } = programOf(command);
  if (shellForm && !facts.shell) return `it needs /bin/sh, which ${facts.image} does not have`;
  if (!program) return undefined;
  const known: Record<string, keyof typeof CLIENT_OF> = { curl: "curl", wget: "wget", python: "python", python3: "python", node: "node" };
  const client = known[program];
  if (client && !facts.has.has(CLIENT_OF[client])) return `it calls ${program}, which ${facts.image || "the image"} does not contain`;
  return undefined;
}

const CLIENT_OF = { curl: "curl", wget: "wget", python: "python", node: "node" } as const satisfies Record<string, HttpClient>;

/** An exec-form probe command for the final image, best client first; undefined when none is known. */
export function probeCommand(facts: ImageFacts, url: string, selfCheck?: (bin: string) => string[]): string[] | undefined {
  if (facts.has.has("self") && selfCheck && facts.binary) return selfCheck(facts.binary);
  if (facts.has.has("python")) {
    return ["python", "-c", `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('${url}', timeout=3).status < 400 else 1)`];
  }
  if (facts.has.has("curl")) return ["curl", "-fsS", "-o", "/dev/null", url];
  if (facts.has.has("wget")) return ["wget", "-q", "-O-", url];
  if (facts.has.has("node")) return ["node", "-e", `fetch('${url}').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
  return undefined;
}
