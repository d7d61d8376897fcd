import { moveContainer, type ContainerMove } from "../../io/containers.js";
import { toxiproxy, type Toxic, type ToxiproxyClient } from "../../io/toxiproxy.js";
import type { Journal, JournalEntry, JournalFile } from "./journal.js";
import type { Fault, NetworkFault, ProxySpec, ServiceTarget } from "./types.js";

/** What one fault resolves to on this platform: containers to move, proxies to poison. */
export interface ResolvedFault {
  fault: Fault;
  container?: string;
  proxies: string[];
  /** Why the fault cannot be applied here; set instead of container/proxies. */
  unavailable?: string;
}

export function resolveFault(f: Fault, targets: ReadonlyMap<string, ServiceTarget>, proxies: readonly ProxySpec[]): ResolvedFault {
  if (f.type === "container") {
    const t = targets.get(f.service);
    if (!t?.container) return { fault: f, proxies: [], unavailable: `no container found for ${f.service} (set chaos.targets.${f.service}.container or label it com.docker.compose.service=${f.service})` };
    return { fault: f, container: t.container, proxies: [] };
  }
  const names = proxies.filter((p) => p.to === f.service && (!f.from || p.from === f.from)).map((p) => p.name);
  if (!names.length) return { fault: f, proxies: [], unavailable: `no Toxiproxy proxy into ${f.service}${f.from ? ` from ${f.from}` : ""} (declare it in chaos.edges and run fks chaos proxies)` };
  return { fault: f, proxies: names };
}

export function toxicOf(f: NetworkFault): Toxic {
  const attributes: Record<string, number> = {};
  switch (f.toxic) {
    case "latency":
      attributes.latency = f.latencyMs ?? 0;
      attributes.jitter = f.jitterMs ?? 0;
      break;
    case "timeout":
    case "reset_peer":
      attributes.timeout = f.timeoutMs ?? 0;
      break;
    case "bandwidth":
      attributes.rate = f.rateKBps ?? 0;
      break;
    case "slicer":
      attributes.average_size = f.averageSize ?? 64;
      attributes.size_variation = f.sizeVariation ?? 32;
      attributes.delay = f.delayUs ?? 10;
      break;
    case "down":
      break;
  }
  return { name: `fks-${f.id}`, type: f.toxic, stream: f.stream, toxicity: f.toxicity, attributes };
}

/**
 * Applies a resolved fault, journalling each change before making it. A change the engine refused
 * outright is marked undone (there is nothing to undo); one whose outcome is unknown (no answer)
 * stays in the journal, to be undone with the rest.
 */
export async function applyFault(r: ResolvedFault, journal: JournalFile, tp: ToxiproxyClient): Promise<JournalEntry[]> {
  const done: JournalEntry[] = [];
  try {
    return await applyEach(r, journal, tp, done);
  } catch (e) {
    const last = done[done.length - 1];
    if (last && last.state === "applying" && (e as { refused?: boolean }).refused) await journal.mark(last, "undone");
    throw e;
  }
}

async function applyEach(r: ResolvedFault, journal: JournalFile, tp: ToxiproxyClient, done: JournalEntry[]): Promise<JournalEntry[]> {
  const f = r.fault;
  if (f.type === "container") {
    const e = await journal.record({ id: f.id, kind: "container", service: f.service, container: r.container, action: f.action });
    done.push(e);
    await moveContainer(r.container!, f.action as ContainerMove, { signal: f.signal });
    await journal.mark(e, "applied");
    return done;
  }
  for (const proxy of r.proxies) {
    if (f.toxic === "down") {
      const e = await journal.record({ id: f.id, kind: "proxy-down", service: f.service, proxy });
      done.push(e);
      await tp.updateProxy(proxy, { enabled: false });
      await journal.mark(e, "applied");
    } else {
      const toxic = toxicOf(f);
      const e = await journal.record({ id: f.id, kind: "toxic", service: f.service, proxy, toxic: toxic.name });
      done.push(e);
      await tp.addToxic(proxy, toxic);
      await journal.mark(e, "applied");
    }
  }
  return done;
}

/** Undoes one journal entry: start a stopped or killed container, unpause, remove the toxic, enable the proxy. */
export async function undoEntry(e: JournalEntry, tp: ToxiproxyClient): Promise<void> {
  if (e.kind === "container") {
    await moveContainer(e.container!, e.action === "pause" ? "unpause" : "start");
  } else if (e.kind === "toxic") {
    await tp.removeToxic(e.proxy!, e.toxic!);
  } else {
    await tp.updateProxy(e.proxy!, { enabled: true });
  }
}

/** The command that finishes an undo by hand when fks could not. */
export function manualUndo(e: JournalEntry, j: Pick<Journal, "dockerHost" | "toxiproxy">): string {
  if (e.kind === "container") return `docker -H ${j.dockerHost} ${e.action === "pause" ? "unpause" : "start"} ${e.container}`;
  if (e.kind === "toxic") return `curl -X DELETE ${j.toxiproxy}/proxies/${e.proxy}/toxics/${e.toxic}`;
  return `curl -X POST ${j.toxiproxy}/proxies/${e.proxy} -H 'content-type: application/json' -d '{"enabled":true}'`;
}

export interface RollbackOutcome {
  undone: Array<{ entry: JournalEntry; ms: number }>;
  failed: Array<{ entry: JournalEntry; error: string; command: string }>;
}

/** Undoes every entry not yet undone, newest first; a failure does not stop the rest. */
export async function rollbackJournal(journal: JournalFile, tp: ToxiproxyClient = toxiproxy(journal.journal.toxiproxy)): Promise<RollbackOutcome> {
  const out: RollbackOutcome = { undone: [], failed: [] };
  const open = journal.journal.entries.filter((e) => e.state !== "undone").reverse();
  await Promise.all(
    open.map(async (entry) => {
      const t0 = performance.now();
      try {
        await undoEntry(entry, tp);
        await journal.mark(entry, "undone");
        out.undone.push({ entry, ms: performance.now() - t0 });
      } catch (e) {
        out.failed.push({ entry, error: (e as Error).message, command: manualUndo(entry, journal.journal) });
      }
    }),
  );
  await journal.close();
  return out;
}
