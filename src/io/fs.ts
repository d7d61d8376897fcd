import { promises as fsp, closeSync, constants, openSync, readSync, statSync, readFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export { existsSync };

export function readTextSync(file: string): string {
  return readFileSync(file, "utf8");
}

export function readBytesSync(file: string | URL): Buffer {
  return readFileSync(file);
}

/**
 * Reads a file from its start into `length` bytes of `target` at `offset`: the number of bytes
 * read, or -1 when the file does not fit (it is longer). Three system calls and no buffer of its own.
 */
export function readIntoSync(file: string, target: Uint8Array, offset = 0, length = target.length - offset): number {
  const fd = openSync(file, "r");
  try {
    const n = readSync(fd, target, offset, length, 0);
    return n === length ? -1 : n;
  } finally {
    closeSync(fd);
  }
}

export async function readText(file: string): Promise<string> {
  return fsp.readFile(file, "utf8");
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

let tmpCount = 0;

/**
 * A temp file name no other writer picks: the process id tells processes on one machine apart, the
 * counter the writes of one process, the random part machines sharing a folder. (node:crypto for
 * this cost every run that writes its cache a module load, about 5 ms.)
 */
function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${(tmpCount++).toString(36)}${Math.random().toString(36).slice(2, 10)}.tmp`);
}

/** Writes via a temp file in the same folder and a rename, so readers never see half a file. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = tempName(file);
  let mode: number | undefined;
  try {
    mode = (await fsp.stat(file)).mode;
  } catch {
    mode = undefined;
  }
  try {
    await fsp.writeFile(tmp, content, { encoding: "utf8", mode, flag: "wx" });
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * writeFileAtomic without the round trips through the thread pool: for a process that has nothing
 * else to do meanwhile (a cache written at the end of a run), each asynchronous step only adds a
 * wait.
 */
export function writeFileAtomicSync(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  let mode: number | undefined;
  try {
    mode = statSync(file).mode;
  } catch {
    mode = undefined;
  }
  try {
    writeFileSync(tmp, content, { encoding: "utf8", mode, flag: "wx" });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Applies several writes; each is atomic, and all contents are prepared before the first rename. */
export async function writeFilesAtomic(files: Array<{ file: string; content: string }>): Promise<void> {
  for (const f of files) await writeFileAtomic(f.file, f.content);
}

export async function canWrite(p: string): Promise<boolean> {
  try {
    await fsp.access(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Removes a file; one that is already gone is fine. */
export async function removeFile(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
}
