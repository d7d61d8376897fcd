import type { PyClient } from "./types.js";

/** urllib3: PoolManager.request and urllib3.request; three immediate retries on idempotent methods by default. */
export const urllib3: PyClient = {
  id: "urllib3",
  constructors: ["urllib3.PoolManager", "urllib3.HTTPConnectionPool", "urllib3.connection_from_url"],
  functions: ["urllib3.request"],
  methods: ["request", "urlopen"],
  methodFirst: ["request", "urlopen"],
  timeoutHint: "urllib3 waits for ever by default: pass timeout=urllib3.Timeout(connect=2, read=5)",
  defaultRetry: { by: "urllib3 default Retry(3)", bounded: true, backoff: false, methods: "idempotent" },
  instrumentor: /URLLib3Instrumentor\s*\(\s*\)\s*\.\s*instrument/,
};

/** The standard library's urllib.request.urlopen: the socket default timeout, none unless set. */
export const urllib: PyClient = {
  id: "urllib",
  constructors: [],
  functions: ["urllib.request.urlopen"],
  methods: [],
  methodFirst: [],
  timeoutHint: "urlopen waits for ever unless timeout= is passed",
  instrumentor: /URLLibInstrumentor\s*\(\s*\)\s*\.\s*instrument/,
};
