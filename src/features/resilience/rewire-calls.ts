import path from "node:path";
import type { FileEdit, Finding, ServiceRecord } from "../../model.js";
import { existsSync } from "../../io/fs.js";
import { auditCalls } from "../calls/index.js";
import { pythonGenerated, rustGenerated } from "../calls/generated.js";
import type { OutboundCall } from "../calls/types.js";
import type { RewireResult } from "./rewire.js";
import { moduleImport, rewirePythonFile } from "./rewire-python.js";
import { rewireRustFile } from "./rewire-rust.js";
import type { FksConfig } from "../../config/schema.js";

export interface RewireInput {
  /** Where to read the platform from, as the scaffold was asked. */
  opts: { cwd: string; paths?: string[]; config?: FksConfig; configDir?: string };
  service: ServiceRecord;
  services: ServiceRecord[];
  /** Absolute file of the generated module (planned or already there). */
  module: string;
  /** The plan's edits: rewired files are changed in place here, so each file stays one edit. */
  edits: FileEdit[];
  read: (f: string) => string;
  rel: (f: string) => string;
}

const PY_REWIRED = new Set(["httpx", "requests", "urllib"]);

/**
 * The service's direct calls that `fks audit calls` sees, moved to the generated client where the
 * rewrite is exact; each call is reported as rewired or left alone with the reason, at file:line.
 */
export async function rewireCalls(i: RewireInput): Promise<{ findings: Finding[] }> {
  const findings: Finding[] = [];
  const planned = (f: string) => i.edits.find((e) => e.file === f);
  const textOf = (f: string) => planned(f)?.after ?? i.read(f);
  const isFile = (f: string) => existsSync(f) || !!planned(f);
  const moduleText = textOf(i.module);
  const rust = i.module.endsWith(".rs");
  const gen = rust ? rustGenerated(i.module, moduleText, "") : pythonGenerated(i.module, moduleText, () => "");
  if (!gen) return { findings };
  const audit = await auditCalls({ cwd: i.opts.cwd, paths: i.opts.paths, config: i.opts.config, configDir: i.opts.configDir, discovered: i.services });
  const mine = audit.calls.filter((c) => c.service === i.service.name && c.client !== "fks-resilience" && path.resolve(i.opts.cwd, c.file) !== i.module);
  const deployed = (name: string) => i.service.compose?.environment?.[name] ?? i.service.k8s?.env?.[name];
  const byFile = new Map<string, OutboundCall[]>();
  for (const c of mine) {
    const f = path.resolve(i.opts.cwd, c.file);
    byFile.set(f, [...(byFile.get(f) ?? []), c]);
  }
  const py = rust ? undefined : { file: i.module, gen, ...moduleImport(i.module, isFile) };
  for (const [file, calls] of byFile) {
    const rel = i.rel(file);
    const text = textOf(file);
    let res: RewireResult;
    if (py && file.endsWith(".py")) {
      const ours = calls.filter((c) => PY_REWIRED.has(c.client));
      res = ours.length ? await rewirePythonFile(file, text, ours, py, rel, deployed) : { after: text, rewired: [], skipped: [] };
      for (const c of calls.filter((x) => !PY_REWIRED.has(x.client))) res.skipped.push({ file: rel, line: c.line, why: `${c.client}: fks rewires httpx, requests and urlopen calls; its response and errors differ from httpx's` });
    } else if (rust && file.endsWith(".rs")) {
      res = await rewireRustFile(file, text, calls.filter((c) => c.client === "reqwest"), { gen, name: path.basename(i.module, ".rs") }, rel, deployed);
      for (const c of calls.filter((x) => x.client !== "reqwest")) res.skipped.push({ file: rel, line: c.line, why: `${c.client}: fks rewires reqwest calls` });
    } else continue;
    if (res.after !== text) {
      const reason = `call ${[...new Set(res.rewired.filter((r) => r.what.includes(" → ")).map((r) => r.what.split(" → ")[1]!.split("(")[0]!.replace(/^await /, "")))].join(", ")} through the generated client instead of the direct call${res.rewired.length > 1 ? "s" : ""} at line ${res.rewired.map((r) => r.line).join(", ")}`;
      const e = planned(file);
      if (e) {
        e.after = res.after;
        e.reason = `${e.reason}; ${reason}`;
      } else i.edits.push({ file, before: text, after: res.after, reason });
    }
    for (const r of res.rewired) findings.push({ rule: "resilience/rewired", severity: "note", service: i.service.name, file: r.file, line: r.line, message: r.what });
    for (const s of res.skipped) findings.push({ rule: "resilience/not-rewired", severity: "warning", service: i.service.name, file: s.file, line: s.line, message: `left alone: ${s.why}`, hint: `call it through ${path.basename(i.module)} by hand (see its docstring), or keep it and silence audit calls with # fks-ignore` });
  }
  return { findings };
}
