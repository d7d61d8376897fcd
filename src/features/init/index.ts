import path from "node:path";
import { FksError } from "../../errors.js";
import { existsSync, writeFileAtomic } from "../../io/fs.js";
import { discover, type DiscoverResult } from "../discover/index.js";
import { renderConfig } from "./render-config.js";
import type { FileEdit } from "../../model.js";
import { readTextSync } from "../../io/fs.js";

export interface InitOptions {
  cwd: string;
  paths?: string[];
  /** Where to write; default ./fks.yaml. */
  file?: string;
  force?: boolean;
  dryRun?: boolean;
  /** Path or URL of the JSON Schema for the editor comment. */
  schemaPath?: string;
}

export interface InitResult {
  file: string;
  content: string;
  written: boolean;
  edit: FileEdit;
  discovery: DiscoverResult;
}

/** Discovers the services and writes a commented fks.yaml; refuses to overwrite unless forced. */
export async function init(opts: InitOptions): Promise<InitResult> {
  const file = path.resolve(opts.cwd, opts.file ?? "fks.yaml");
  const exists = existsSync(file);
  if (exists && !opts.force && !opts.dryRun) {
    throw new FksError(`${path.relative(opts.cwd, file) || file} already exists`, { hint: "use --force to overwrite it, or --dry-run to see what fks would write" });
  }
  const discovery = await discover({ cwd: opts.cwd, paths: opts.paths });
  const schemaPath = opts.schemaPath ?? defaultSchemaPath(path.dirname(file));
  const content = renderConfig(discovery, { dir: path.dirname(file), cwd: opts.cwd, schemaPath });
  const before = exists ? readTextSync(file) : null;
  const edit: FileEdit = { file, before, after: content, reason: "fks.yaml from discovery" };
  if (!opts.dryRun && before !== content) await writeFileAtomic(file, content);
  return { file, content, written: !opts.dryRun && before !== content, edit, discovery };
}

/** The installed package's schema, relative to the config so the comment survives a move of both. */
function defaultSchemaPath(dir: string): string {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const schema = path.resolve(here, "../../../schema/fks.schema.json");
  return path.relative(dir, schema).split(path.sep).join("/");
}
