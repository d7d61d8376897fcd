/** What fks knows about one Python HTTP client library: how a call is spelled and what it defaults to. */
export interface PyClient {
  id: string;
  /** Qualified names that build a client object (`httpx.AsyncClient`). */
  constructors: string[];
  /** Qualified module functions that send a request (`requests.get`). */
  functions: string[];
  /** Methods of a client object that send a request. */
  methods: string[];
  /** Functions and methods whose first argument is the HTTP method (`request("GET", url)`). */
  methodFirst: string[];
  /** The timeout a call gets when neither it nor its client sets one; undefined: it waits as long as the server does. */
  defaultTimeout?: string;
  /** Why no timeout is a problem with this library, and what to write. */
  timeoutHint: string;
  /** Retries the library makes on its own when nothing else is configured. */
  defaultRetry?: { by: string; bounded: boolean; backoff: boolean; methods: "idempotent" | "all" };
  /** OpenTelemetry instrumentation that injects `traceparent` into this client's requests. */
  instrumentor: RegExp;
}

export const HTTP_METHODS = ["get", "post", "put", "patch", "delete", "head", "options"];
