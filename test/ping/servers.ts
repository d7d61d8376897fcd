/**
 * Real servers on 127.0.0.1 that misbehave for real: each is a node:http or node:net
 * server started by the test, so the probe meets actual sockets, not a stubbed client.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface Running {
  port: number;
  url: string;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<Running> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

export function httpServer(handler: http.RequestListener): Promise<Running> {
  return listen(http.createServer(handler));
}

/** Accepts connections and never says a word. */
export function blackhole(): Promise<Running> {
  return listen(net.createServer(() => undefined));
}

/** Starts the status line at once, then trickles one header line every 150 ms, forever. */
export function slowHeaders(): Promise<Running> {
  const timers = new Set<NodeJS.Timeout>();
  return listen(
    net.createServer((s) => {
      s.once("data", () => {
        s.write("HTTP/1.1 200 OK\r\n");
        let i = 0;
        const t = setInterval(() => s.writable && s.write(`x-slow-${i++}: ${"a".repeat(10)}\r\n`), 150);
        timers.add(t);
        s.on("close", () => (clearInterval(t), timers.delete(t)));
      });
      s.on("error", () => undefined);
    }),
  );
}

/** Sends headers promptly, then the body a few bytes at a time, far slower than any deadline. */
export function slowBody(): Promise<Running> {
  return httpServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "4096" });
    res.write('{"status":"pass","pad":"');
    const t = setInterval(() => res.write("aaaa"), 150);
    res.on("close", () => clearInterval(t));
  });
}

export function hugeBody(bytes = 8 * 1024 * 1024): Promise<Running> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  return httpServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    res.on("error", () => undefined);
    pump();
  });
}

export function redirectLoop(): Promise<Running> {
  return httpServer((req, res) => {
    res.writeHead(302, { location: req.url === "/a" ? "/b" : "/a" }).end();
  });
}

export function healthJson(status: number, body: unknown, contentType = "application/health+json"): Promise<Running> {
  return httpServer((_req, res) => {
    res.writeHead(status, { "content-type": contentType }).end(typeof body === "string" ? body : JSON.stringify(body));
  });
}

/** A port nothing listens on (bound, read, released). */
export async function refusedPort(): Promise<number> {
  const r = await listen(net.createServer());
  await r.close();
  return r.port;
}

/**
 * ping loads its transport and breaker lazily: one ping against a healthy server before a timed
 * test makes the timing measure deadlines, not module loading on a busy machine.
 */
export async function warmUpPing(): Promise<void> {
  const { ping } = await import("../../src/features/ping/index.js");
  const ok = await healthJson(200, { status: "pass" });
  await ping({ cwd: process.cwd(), urls: [ok.url], settings: { timeout: 2000, retries: 0 }, docker: false });
  await ok.close();
}
