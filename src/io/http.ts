/**
 * The probe transport: one undici Agent with keep-alive for a whole run, and a
 * GET that never throws. A failure comes back as a kind that says how far the
 * exchange got (connecting, waiting for the first byte, reading headers, reading
 * the body), because "timeout" alone does not tell a blackhole from a slow server.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Dispatcher } from "undici";

export type TransportError =
  | "refused"
  | "dns"
  | "connect-timeout"
  | "no-response"
  | "headers-timeout"
  | "body-timeout"
  | "body-too-large"
  | "tls"
  | "reset"
  | "error";

export interface HttpResponse {
  ok: true;
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  ms: number;
}

export interface HttpFailure {
  ok: false;
  error: TransportError;
  message: string;
  ms: number;
}

export type HttpResult = HttpResponse | HttpFailure;

export interface GetOptions {
  headers?: Record<string, string>;
  /** Whole-exchange deadline: connect, headers and body together. */
  timeoutMs: number;
  maxBodyBytes: number;
}

export interface HttpClient {
  get(url: string, opts: GetOptions): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** Upper bound for the connect phase; each request's own deadline is usually shorter. */
  connectTimeoutMs: number;
  /** Accept self-signed certificates (local TLS endpoints). */
  insecure?: boolean;
}

/** Starts loading undici without using it, so callers can overlap the load with other work. */
export async function preload(): Promise<void> {
  await import("undici");
}

/** One keep-alive agent per run; undici is loaded here only, on first use. */
export async function createHttpClient(o: HttpClientOptions): Promise<HttpClient> {
  const { Agent } = await import("undici");
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connect: { timeout: o.connectTimeoutMs, rejectUnauthorized: !o.insecure },
    // Our own deadline covers these; undici's idle timers only back it up.
    headersTimeout: o.connectTimeoutMs * 2,
    bodyTimeout: o.connectTimeoutMs * 2,
  });
  return {
    get: (url, opts) => get(agent, url, opts),
    close: async () => {
      await agent.destroy().catch(() => undefined);
    },
  };
}

const enum Phase {
  Connecting,
  Sent,
  Started,
  Body,
}

// A flat array: undici copies it pair by pair without the Object.keys walk an object costs.
const ACCEPT = ["accept", "application/health+json, application/json;q=0.9, */*;q=0.5"];

function get(agent: Dispatcher, url: string, opts: GetOptions): Promise<HttpResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: "error", message: `not a URL: ${url}`, ms: 0 });
  }
  let headers = ACCEPT;
  if (opts.headers) {
    headers = [...ACCEPT];
    for (const k in opts.headers) headers.push(k, opts.headers[k]!);
  }
  return new Promise<HttpResult>((resolve) => {
    const h = new Exchange(resolve, opts);
    try {
      agent.dispatch({ origin: u.origin, path: u.pathname + u.search, method: "GET", headers }, h as unknown as Dispatcher.DispatchHandler);
    } catch (e) {
      h.fail("error", (e as Error).message);
    }
  });
}

/**
 * One request's state and undici's handler callbacks in one object: a probe is mostly waiting
 * on sockets, and per-request closures and spreads were a measurable share of what is left.
 */
class Exchange {
  private phase = Phase.Connecting;
  private done = false;
  private abort: ((e: Error) => void) | undefined;
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (r: HttpResult) => void,
    private readonly opts: GetOptions,
  ) {
    this.timer = setTimeout(() => this.expire(), opts.timeoutMs);
  }

  private expire(): void {
    const p = this.phase;
    const kind: TransportError = p === Phase.Connecting ? "connect-timeout" : p === Phase.Sent ? "no-response" : p === Phase.Started ? "headers-timeout" : "body-timeout";
    this.fail(kind, `${DESCRIBE[kind]} within ${Math.round(this.opts.timeoutMs)} ms`);
    this.abort?.(new Error("deadline"));
  }

  fail(error: TransportError, message: string): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.resolve({ ok: false, error, message, ms: performance.now() - this.started });
  }

  onConnect(a: (e: Error) => void): void {
    if (this.done) return a(new Error("deadline"));
    this.abort = a;
    this.phase = Phase.Sent;
  }

  onResponseStarted(): void {
    this.phase = Phase.Started;
  }

  onHeaders(code: number, raw: Buffer[]): boolean {
    // Informational responses (100 Continue, 103 Early Hints) precede the real one.
    if (code < 200) return true;
    this.phase = Phase.Body;
    this.status = code;
    this.headers = rawHeaders(raw);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.opts.maxBodyBytes) {
      this.fail("body-too-large", `body larger than ${this.opts.maxBodyBytes} bytes`);
      this.abort?.(new Error("body too large"));
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    const c = this.chunks;
    const body = c.length === 1 ? c[0]!.toString("utf8") : c.length === 0 ? "" : Buffer.concat(c).toString("utf8");
    this.resolve({ ok: true, status: this.status, headers: this.headers, body, ms: performance.now() - this.started });
  }

  onError(err: Error): void {
    const kind = classify(err, this.phase);
    this.fail(kind, `${DESCRIBE[kind]}: ${(err as { code?: string }).code ?? err.message}`);
  }
}

const DESCRIBE: Record<TransportError, string> = {
  refused: "connection refused",
  dns: "host not found",
  "connect-timeout": "no connection",
  "no-response": "connected but no response",
  "headers-timeout": "response headers incomplete",
  "body-timeout": "response body incomplete",
  "body-too-large": "response body too large",
  tls: "TLS handshake failed",
  reset: "connection closed by the server",
  error: "request failed",
};

function classify(err: Error, phase: Phase): TransportError {
  const code = (err as { code?: string }).code ?? "";
  const text = `${code} ${err.message}`;
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "dns";
  if (code === "UND_ERR_CONNECT_TIMEOUT") return "connect-timeout";
  if (/SSL|TLS|EPROTO|CERT|wrong version number/i.test(text)) return "tls";
  if (code === "UND_ERR_HEADERS_TIMEOUT") return phase === Phase.Sent ? "no-response" : "headers-timeout";
  if (code === "UND_ERR_BODY_TIMEOUT") return "body-timeout";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return "reset";
  return "error";
}

function rawHeaders(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!.toString("latin1").toLowerCase();
    const v = raw[i + 1]!.toString("latin1");
    out[k] = k in out ? `${out[k]}, ${v}` : v;
  }
  return out;
}

export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  at: number;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP server on 127.0.0.1 that records every request and answers 200;
 * services under test are pointed at it so fks can see what they send downstream.
 */
export function startCaptureServer(port = 0, host = "127.0.0.1"): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = http.createServer((req, res) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers, at: Date.now() });
    req.resume();
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"pass"}');
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${a.port}`,
        requests,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}
