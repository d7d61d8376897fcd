/**
 * The Docker engine started by scripts/env/setup.sh builds an image from a
 * Dockerfile on the local busybox base, runs it with host networking, and its
 * HEALTHCHECK moves the container to `healthy` (and to `unhealthy` once the
 * health file is gone), as read through dockerode.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { dockerAvailable, engineEnv, freePort, httpRequest } from "./engines.js";

const docker = dockerAvailable();
if (!docker.ok) console.warn(`[skip] Docker tests: ${docker.reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForHealth(container: Docker.Container, want: string, timeoutMs: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = await container.inspect();
    const status = info.State.Health?.Status ?? "none";
    if (seen.at(-1) !== status) seen.push(status);
    if (status === want) return seen;
    if (!info.State.Running) throw new Error(`container stopped (exit ${info.State.ExitCode}) while waiting for ${want}`);
    await sleep(250);
  }
  throw new Error(`health did not become ${want} within ${timeoutMs}ms; seen: ${seen.join(" → ")}`);
}

describe("Docker engine", () => {
  it.skipIf(!docker.ok)("a HEALTHCHECK drives the container to healthy, then unhealthy", async () => {
    const engine = new Docker(); // honours DOCKER_HOST, set by dockerAvailable()
    const base = engineEnv().FKS_DOCKER_BASE_IMAGE || "fks-test/busybox:1";
    const port = await freePort();
    const tag = `fks-test/health-${process.pid}-${port}:latest`;
    const dir = mkdtempSync(path.join(tmpdir(), "fks-docker-"));
    let container: Docker.Container | undefined;
    try {
      mkdirSync(path.join(dir, "www"));
      writeFileSync(path.join(dir, "www", "health"), "ok\n");
      writeFileSync(
        path.join(dir, "Dockerfile"),
        [
          `FROM ${base}`,
          "COPY www /www",
          `HEALTHCHECK --interval=1s --timeout=2s --retries=2 \\`,
          `  CMD wget -q -O- http://127.0.0.1:${port}/health || exit 1`,
          `CMD ["httpd", "-f", "-p", "127.0.0.1:${port}", "-h", "/www"]`,
          "",
        ].join("\n"),
      );

      const stream = await engine.buildImage({ context: dir, src: ["Dockerfile", "www/health"] }, { t: tag, rm: true });
      const output = await new Promise<Array<{ error?: string; stream?: string }>>((resolve, reject) =>
        engine.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) =>
          err ? reject(err) : resolve(res),
        ),
      );
      const buildError = output.find((o) => o.error);
      expect(buildError?.error, output.map((o) => o.stream ?? o.error ?? "").join("")).toBeUndefined();

      container = await engine.createContainer({
        Image: tag,
        name: `fks-test-health-${process.pid}-${port}`,
        HostConfig: { NetworkMode: "host" },
      });
      await container.start();

      const toHealthy = await waitForHealth(container, "healthy", 30_000);
      expect(toHealthy[0]).toBe("starting");
      // The service answers the host too.
      const res = await httpRequest(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
      expect(res.body).toBe("ok\n");

      // Remove the health file inside the container: the check fails twice → unhealthy.
      const exec = await container.exec({ Cmd: ["rm", "/www/health"], AttachStdout: true, AttachStderr: true });
      const execStream = await exec.start({});
      await new Promise<void>((resolve) => {
        execStream.on("end", () => resolve());
        execStream.resume();
      });
      await waitForHealth(container, "unhealthy", 30_000);
    } finally {
      if (container) await container.remove({ force: true }).catch(() => undefined);
      await engine.getImage(tag).remove({ force: true }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
