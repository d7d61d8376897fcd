import path from "node:path";
import { FksError } from "../../errors.js";
import { existsSync, readText, removeFile, writeFileAtomic } from "../../io/fs.js";

/**
 * The journal: every fault is written here (atomically) before it is applied, and marked
 * undone once rolled back. If fks dies mid-experiment, `fks chaos rollback` reads it and
 * undoes what is left. The file is removed when nothing is left to undo.
 */
export interface JournalEntry {
  id: string;
  kind: "container" | "toxic" | "proxy-down";
  service: string;
  /** container faults */
  container?: string;
  action?: "stop" | "kill" | "pause" | "restart";
  /** network faults */
  proxy?: string;
  toxic?: string;
  state: "applying" | "applied" | "undone";
  at: string;
}

export interface Journal {
  version: 1;
  pid: number;
  experiment: string;
  dockerHost: string;
  toxiproxy: string;
  startedAt: string;
  entries: JournalEntry[];
}

export class JournalFile {
  constructor(readonly file: string, private data: Journal) {}

  static async open(file: string, head: Omit<Journal, "version" | "entries" | "startedAt">): Promise<JournalFile> {
    const j = new JournalFile(file, { version: 1, ...head, startedAt: new Date().toISOString(), entries: [] });
    // A journal left by a run that died is not overwritten: its faults may still be applied.
    const left = await readJournal(file);
    if (left && left.entries.some((e) => e.state !== "undone")) {
      throw new LeftoverJournal(file, left);
    }
    return j;
  }

  get journal(): Journal {
    return this.data;
  }

  async record(e: Omit<JournalEntry, "state" | "at">): Promise<JournalEntry> {
    const entry: JournalEntry = { ...e, state: "applying", at: new Date().toISOString() };
    this.data.entries.push(entry);
    await this.save();
    return entry;
  }

  async mark(entry: JournalEntry, state: JournalEntry["state"]): Promise<void> {
    entry.state = state;
    entry.at = new Date().toISOString();
    await this.save();
  }

  /** Removes the file when everything is undone; keeps it otherwise. */
  async close(): Promise<void> {
    if (this.data.entries.every((e) => e.state === "undone")) await removeFile(this.file);
    else await this.save();
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + "\n");
  }
}

export class LeftoverJournal extends FksError {
  constructor(override readonly file: string, readonly journal: Journal) {
    super(`${file} lists faults of experiment "${journal.experiment}" (pid ${journal.pid}) that were never rolled back`, { hint: "run fks chaos rollback first" });
  }
}

export async function readJournal(file: string): Promise<Journal | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readText(file)) as Journal;
  } catch (e) {
    throw new Error(`${file}:1: the chaos journal is not valid JSON (${(e as Error).message}) — undo by hand with docker start/unpause and remove the toxics, then delete it`);
  }
}

export function journalPath(configDir: string, rel: string): string {
  return path.resolve(configDir, rel);
}
