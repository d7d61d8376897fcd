/**
 * Toxiproxy's HTTP API (Shopify/toxiproxy v2) through undici: proxies per edge, toxics on
 * them, a proxy disabled for "down". Every call has a deadline; an error names the call.
 */
export interface ToxiproxyProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Array<{ name: string; type: string; stream: string; toxicity: number; attributes: Record<string, number> }>;
}

export interface Toxic {
  name: string;
  type: string;
  stream: "downstream" | "upstream";
  toxicity: number;
  attributes: Record<string, number>;
}

export interface ToxiproxyClient {
  url: string;
  version(): Promise<string>;
  proxies(): Promise<Record<string, ToxiproxyProxy>>;
  createProxy(p: { name: string; listen: string; upstream: string }): Promise<ToxiproxyProxy>;
  updateProxy(name: string, p: { listen?: string; upstream?: string; enabled?: boolean }): Promise<void>;
  addToxic(proxy: string, t: Toxic): Promise<void>;
  removeToxic(proxy: string, toxic: string): Promise<void>;
}

export function toxiproxy(url: string, timeoutMs = 3000): ToxiproxyClient {
  const base = url.replace(/\/+$/, "");
  const call = async (method: "GET" | "POST" | "DELETE", p: string, body?: unknown, okMissing = false): Promise<unknown> => {
    const { request } = await import("undici");
    let res;
    try {
      res = await request(base + p, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new Error(`Toxiproxy at ${base} did not answer ${method} ${p}: ${(e as Error).message}`);
    }
    const text = await res.body.text();
    if (okMissing && res.statusCode === 404) return undefined;
    // Toxiproxy answered with a refusal: the call changed nothing.
    if (res.statusCode >= 300) throw Object.assign(new Error(`Toxiproxy ${method} ${p}: HTTP ${res.statusCode} ${text.trim().slice(0, 200)}`), { refused: true });
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text.trim();
    }
  };
  return {
    url: base,
    version: async () => {
      const v = await call("GET", "/version");
      return typeof v === "string" ? v : ((v as { version?: string })?.version ?? "unknown");
    },
    proxies: async () => (await call("GET", "/proxies")) as Record<string, ToxiproxyProxy>,
    createProxy: async (p) => (await call("POST", "/proxies", { ...p, enabled: true })) as ToxiproxyProxy,
    updateProxy: async (name, p) => {
      await call("POST", `/proxies/${encodeURIComponent(name)}`, p);
    },
    addToxic: async (proxy, t) => {
      await call("POST", `/proxies/${encodeURIComponent(proxy)}/toxics`, t);
    },
    // A toxic already gone (or its proxy) is what removal wanted.
    removeToxic: async (proxy, toxic) => {
      await call("DELETE", `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`, undefined, true);
    },
  };
}
