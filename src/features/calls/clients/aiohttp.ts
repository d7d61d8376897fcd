import { HTTP_METHODS, type PyClient } from "./types.js";

/** aiohttp: ClientSession methods and aiohttp.request; its default ClientTimeout lets a call hang for 5 minutes. */
export const aiohttp: PyClient = {
  id: "aiohttp",
  constructors: ["aiohttp.ClientSession"],
  functions: ["aiohttp.request"],
  methods: [...HTTP_METHODS, "request"],
  methodFirst: ["request"],
  timeoutHint: "aiohttp's default is 5 minutes in total: pass timeout=aiohttp.ClientTimeout(total=5, connect=2) to the session",
  instrumentor: /AioHttpClientInstrumentor\s*\(\s*\)\s*\.\s*instrument/,
};
