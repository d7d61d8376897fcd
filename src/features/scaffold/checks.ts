import type { Dependency, ServiceRecord } from "../../model.js";
import type { DependencyCheck } from "../../frameworks/health/types.js";
import { infraKindOfUrl } from "../discover/infra.js";

const ENV_DEFAULT: Record<string, string> = { postgres: "DATABASE_URL", redis: "REDIS_URL", rabbitmq: "AMQP_URL" };
const ENV_NAME: Record<string, RegExp> = { postgres: /DATABASE_URL|POSTGRES|PG_?URL/i, redis: /REDIS/i, rabbitmq: /AMQP|RABBIT|BROKER/i };

/**
 * The checks /ready runs: infrastructure the service uses (critical) and the services it calls
 * over HTTP (non-critical, so one failing service does not take its callers out of rotation).
 */
export function dependencyChecks(r: ServiceRecord, services: ServiceRecord[], deps: Dependency[]): DependencyCheck[] {
  const env: Record<string, string> = { ...r.compose?.environment, ...r.k8s?.env };
  const out: DependencyCheck[] = [];
  for (const name of r.dependsOn) {
    const dep = deps.find((d) => d.name === name);
    if (dep && (dep.kind === "postgres" || dep.kind === "redis" || dep.kind === "rabbitmq")) {
      if (out.some((c) => c.kind === dep.kind)) continue;
      const envName = Object.keys(env).find((k) => infraKindOfUrl(env[k] ?? "") === dep.kind) ?? Object.keys(env).find((k) => ENV_NAME[dep.kind]!.test(k)) ?? ENV_DEFAULT[dep.kind]!;
      out.push({ name: dep.kind, kind: dep.kind, env: envName, critical: true });
      continue;
    }
    const target = services.find((s) => s.name === name);
    if (!target) continue;
    // Only services this one knows how to reach: an env var holding their URL.
    const envName = Object.keys(env).find((k) => new RegExp(`^https?://${escape(name)}([:/]|$)`, "i").test(env[k] ?? ""));
    if (envName) out.push({ name, kind: "http", env: envName, critical: false, path: target.health.live });
  }
  if (r.framework === "django" && !out.some((c) => c.kind === "database")) out.unshift({ name: "database", kind: "database", env: "default", critical: true });
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
