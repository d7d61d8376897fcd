import { fill, num, template } from "./template.js";
import type { CallsContext, Requirement } from "./types.js";

/** What the generated Python imports, with the versions fks tests it with (test/requirements.txt). */
export const PY_REQUIREMENTS: Record<"fastapi" | "django", Record<"resilience" | "tracing" | "otel", Requirement[]>> = {
  fastapi: {
    resilience: [{ name: "httpx", version: "0.28.1" }, { name: "stamina", version: "26.1.0" }, { name: "purgatory", version: "3.0.1" }],
    tracing: [],
    otel: [{ name: "opentelemetry-sdk", version: "1.45.2" }, { name: "opentelemetry-instrumentation-fastapi", version: "0.66b2" }, { name: "opentelemetry-exporter-otlp-proto-http", version: "1.45.2" }],
  },
  django: {
    resilience: [{ name: "httpx", version: "0.28.1" }, { name: "stamina", version: "26.1.0" }, { name: "pybreaker", version: "1.4.1" }],
    tracing: [],
    otel: [{ name: "opentelemetry-sdk", version: "1.45.2" }, { name: "opentelemetry-instrumentation-django", version: "0.66b2" }, { name: "opentelemetry-exporter-otlp-proto-http", version: "1.45.2" }],
  },
};

/** The generated resilient-client module: the framework's client around the shared Python part. */
export function pythonResilience(fw: "fastapi" | "django", ctx: CallsContext, module: string, tracingModule: string, extra: Record<string, string> = {}): string {
  const s = ctx.settings;
  const downstreams = ctx.downstreams.map((d) => `    ${JSON.stringify(d.name)}: ${JSON.stringify(d.env)},  # ${d.from}`).join("\n");
  const common = fill(template("resilience/python/common.py"), {
    SERVICE: ctx.service,
    DOWNSTREAMS: downstreams,
    TIMEOUT: num(s.timeout),
    CONNECT_TIMEOUT: num(s.connectTimeout),
    RETRIES: s.retries,
    BREAKER_THRESHOLD: s.breakerThreshold,
    BREAKER_RESET: num(s.breakerReset),
    TRACING_MODULE: tracingModule,
  });
  return fill(template(`resilience/${fw}/resilience.py`), { SERVICE: ctx.service, MODULE: module, COMMON: common.trimEnd(), ...extra });
}

/** The generated trace-context module (or its OpenTelemetry form). */
export function pythonTracing(fw: "fastapi" | "django", ctx: CallsContext): string {
  if (ctx.otel) return fill(template(`tracing/${fw}/otel.py`), { SERVICE: ctx.service });
  const core = fill(template("tracing/python/core.py"), { SERVICE: ctx.service });
  return fill(template(`tracing/${fw}/tracing.py`), { SERVICE: ctx.service, CORE: core.trimEnd() });
}
