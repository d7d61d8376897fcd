import { HTTP_METHODS, type PyClient } from "./types.js";

/** httpx: module functions and Client/AsyncClient; a 5 s timeout unless `timeout=None`. */
export const httpx: PyClient = {
  id: "httpx",
  constructors: ["httpx.Client", "httpx.AsyncClient"],
  functions: [...HTTP_METHODS, "request", "stream"].map((m) => `httpx.${m}`),
  methods: [...HTTP_METHODS, "request", "stream"],
  methodFirst: ["request", "stream"],
  defaultTimeout: "5s (httpx default)",
  timeoutHint: "pass timeout=httpx.Timeout(5.0, connect=2.0) to the client; timeout=None waits for ever",
  instrumentor: /HTTPXClientInstrumentor\s*\(\s*\)\s*\.\s*instrument|HTTPXClientInstrumentor\s*\.\s*instrument_client/,
};
