import path from "node:path";
import { existsSync } from "../../io/fs.js";
import { GENERATED_MARK } from "./template.js";

/**
 * Where the generated module goes: `preferred` unless a hand-written file of that name
 * exists, then `fallback`. `exists` tells the caller whether fks already wrote it.
 */
export function moduleFile(dir: string, preferred: string, fallback: string, read: (f: string) => string): { file: string; exists: boolean } {
  for (const name of [preferred, fallback]) {
    const file = path.join(dir, name);
    if (!existsSync(file)) return { file, exists: false };
    if (read(file).includes(GENERATED_MARK)) return { file, exists: true };
  }
  return { file: path.join(dir, fallback), exists: true };
}

export function lineEnding(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}
