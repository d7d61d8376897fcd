import { HTTP_METHODS, type PyClient } from "./types.js";

/** requests: module functions and Session; no timeout at all unless each call passes one. */
export const requests: PyClient = {
  id: "requests",
  constructors: ["requests.Session", "requests.session", "requests.sessions.Session"],
  functions: [...HTTP_METHODS, "request"].map((m) => `requests.${m}`),
  methods: [...HTTP_METHODS, "request"],
  methodFirst: ["request"],
  timeoutHint: "requests waits for ever by default: pass timeout=(3.05, 10) on every call",
  instrumentor: /RequestsInstrumentor\s*\(\s*\)\s*\.\s*instrument/,
};
