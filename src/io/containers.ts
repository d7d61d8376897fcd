/**
 * Container faults through the Docker engine (dockerode, DOCKER_HOST): stop, kill with a
 * signal, pause, restart, and the moves that undo them. Loaded lazily, like src/io/docker.ts.
 */
import type Docker from "dockerode";

export type ContainerMove = "stop" | "kill" | "pause" | "restart" | "start" | "unpause";

let client: Docker | undefined;
async function docker(): Promise<Docker> {
  if (!client) {
    const { default: Dockerode } = await import("dockerode");
    client = new Dockerode();
  }
  return client;
}

/** The engine's address as users write it in chaos.allow. */
export function dockerHost(env: Record<string, string | undefined> = process.env): string {
  return env.DOCKER_HOST || "unix:///var/run/docker.sock";
}

export interface ContainerStatus {
  name: string;
  state: string;
  running: boolean;
  paused: boolean;
}

export async function containerStatus(name: string): Promise<ContainerStatus | undefined> {
  try {
    const c = await (await docker()).getContainer(name).inspect();
    return { name: c.Name.replace(/^\//, ""), state: c.State.Status, running: c.State.Running && !c.State.Paused, paused: c.State.Paused };
  } catch {
    return undefined;
  }
}

/** Applies one move; the engine's refusal ("already started", "not paused") is not an error when the state is what was asked. */
export async function moveContainer(name: string, move: ContainerMove, opts: { signal?: string; stopSeconds?: number } = {}): Promise<void> {
  const c = (await docker()).getContainer(name);
  try {
    switch (move) {
      case "stop":
        await c.stop({ t: opts.stopSeconds ?? 2 });
        break;
      case "kill":
        await c.kill({ signal: opts.signal ?? "SIGKILL" });
        break;
      case "pause":
        await c.pause();
        break;
      case "restart":
        await c.restart({ t: opts.stopSeconds ?? 2 });
        break;
      case "start":
        await c.start();
        break;
      case "unpause":
        await c.unpause();
        break;
    }
  } catch (e) {
    const code = (e as { statusCode?: number }).statusCode;
    // 304: already in that state (stop of a stopped container, start of a started one).
    if (code === 304) return;
    if (move === "unpause" && /not paused/i.test(String((e as Error).message))) return;
    if (move === "start" && /already/i.test(String((e as Error).message))) return;
    // The engine answered: the move was refused as a whole, nothing changed.
    throw Object.assign(new Error(`docker ${move} ${name}: ${firstLine((e as Error).message)}`), { refused: code !== undefined });
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.replace(/^\(HTTP code \d+\)\s*\S+\s*-\s*/, "").trim();
}
