import path from "node:path";
import type { Finding } from "../../model.js";
import { readTextSync } from "../../io/fs.js";
import { walk } from "../../io/walk.js";
import { countLines, normaliseText, skippedFolder, skipReason } from "./sources.js";
import { langOf } from "./tokens.js";

export interface Owner {
  name: string;
  dir: string;
}

export interface SourceFile {
  abs: string;
  /** Relative to the working folder. */
  rel: string;
  /** Relative to its service's folder: what copies in two services have in common. */
  inService: string;
  service: string;
  text: string;
  lines: number;
  lang: NonNullable<ReturnType<typeof langOf>>;
}

const MAX_BYTES = 1024 * 1024;

/**
 * Every comparable source file under the roots, each with the service that owns it: the deepest
 * service folder holding it, else the scan root it was found under (several repos passed without
 * any service manifest are one service each).
 */
export async function collectSources(roots: string[], services: Owner[], opts: { cwd: string; minLines: number; texts?: Map<string, string> }): Promise<{ files: SourceFile[]; owners: Owner[]; skipped: Record<string, number>; diagnostics: Finding[]; walked: number }> {
  const accept = (n: string) => langOf(n) !== undefined;
  const outside = services.map((s) => s.dir).filter((d) => !roots.some((r) => d === r || d.startsWith(r + path.sep)));
  const walked = await walk([...roots, ...outside], { accept, maxBytes: MAX_BYTES, gitignore: true });
  const owners = [...services].sort((a, b) => b.dir.length - a.dir.length);
  const skipped: Record<string, number> = {};
  const skip = (why: string) => (skipped[why] = (skipped[why] ?? 0) + 1);
  const diagnostics: Finding[] = [];
  const files: SourceFile[] = [];
  const fallbacks = new Map<string, Owner>();
  for (const s of walked.skipped) {
    skip("large or unreadable");
    diagnostics.push({ rule: "overlap/skipped", severity: "note", message: `skipped: ${s.reason}`, file: path.relative(opts.cwd, s.file) || "." });
  }
  for (const abs of walked.files) {
    const owner = owners.find((s) => abs.startsWith(s.dir + path.sep)) ?? fallbackOwner(abs, roots, fallbacks);
    const inService = path.relative(owner.dir, abs);
    if (skippedFolder(path.dirname(inService))) {
      skip("vendored");
      continue;
    }
    let raw: string;
    try {
      raw = readTextSync(abs);
      opts.texts?.set(abs, raw);
    } catch (e) {
      skip("large or unreadable");
      diagnostics.push({ rule: "overlap/skipped", severity: "note", message: `skipped: unreadable (${(e as NodeJS.ErrnoException).code ?? e})`, file: path.relative(opts.cwd, abs) });
      continue;
    }
    if (raw.slice(0, 8000).includes("\0")) {
      skip("binary");
      continue;
    }
    const text = normaliseText(raw);
    const lines = countLines(text);
    const why = skipReason(abs, text, lines, opts.minLines);
    if (why) {
      skip(why);
      continue;
    }
    files.push({ abs, rel: path.relative(opts.cwd, abs), inService, service: owner.name, text, lines, lang: langOf(abs)! });
  }
  return { files, owners: [...fallbacks.values()], skipped, diagnostics, walked: walked.files.length };
}

function fallbackOwner(abs: string, roots: string[], seen: Map<string, Owner>): Owner {
  const root = [...roots].sort((a, b) => b.length - a.length).find((r) => abs.startsWith(r + path.sep)) ?? path.dirname(abs);
  let o = seen.get(root);
  if (!o) seen.set(root, (o = { name: path.basename(root), dir: root }));
  return o;
}
