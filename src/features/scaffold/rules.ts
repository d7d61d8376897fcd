import type { Severity } from "../../model.js";

export interface HealthRule {
  id: string;
  severity: Severity;
  description: string;
  /** The rule of kube-score, Polaris, kube-linter, checkov or hadolint this one matches, or "new". */
  matches: string;
}

/** Every rule `fks scaffold health --check` reports, with the established rule it corresponds to. */
export const RULES = {
  endpoints: { id: "health/endpoints-missing", severity: "error", description: "the service does not serve /live, /ready and /health", matches: "new" },
  dockerMissing: { id: "health/dockerfile-healthcheck-missing", severity: "error", description: "the image has no HEALTHCHECK", matches: "checkov CKV_DOCKER_2" },
  dockerBroken: { id: "health/dockerfile-healthcheck-broken", severity: "error", description: "the HEALTHCHECK calls a program the image does not contain", matches: "new" },
  dockerBuilder: { id: "health/dockerfile-healthcheck-builder-stage", severity: "error", description: "HEALTHCHECK only in a build stage, lost in the final image", matches: "new" },
  composeMissing: { id: "health/compose-healthcheck-missing", severity: "error", description: "compose service without a healthcheck (own or from its image)", matches: "new" },
  composeBroken: { id: "health/compose-healthcheck-broken", severity: "error", description: "compose healthcheck calls a program the image does not contain", matches: "new" },
  workerInherits: { id: "health/worker-inherits-healthcheck", severity: "error", description: "a worker (or other container) runs an API's image, whose HEALTHCHECK asks for HTTP it does not serve: it is never healthy", matches: "new" },
  composeDepends: { id: "health/compose-depends-on-not-healthy", severity: "warning", description: "depends_on does not wait for the dependency to be healthy", matches: "new" },
  timing: { id: "health/probe-timing", severity: "warning", description: "period outside 10–30 s or failure threshold other than 3", matches: "new" },
  liveness: { id: "health/k8s-liveness-missing", severity: "error", description: "container without a livenessProbe", matches: "kube-linter no-liveness-probe, Polaris livenessProbeMissing" },
  readiness: { id: "health/k8s-readiness-missing", severity: "error", description: "container without a readinessProbe", matches: "kube-linter no-readiness-probe, Polaris readinessProbeMissing" },
  startup: { id: "health/k8s-startup-missing", severity: "warning", description: "container without a startupProbe", matches: "new" },
  identical: { id: "health/k8s-probes-identical", severity: "error", description: "liveness and readiness probes are the same check", matches: "kube-score container-probes" },
  probePort: { id: "health/k8s-probe-port-not-exposed", severity: "error", description: "probe port is not a port of the container", matches: "kube-linter liveness-port, readiness-port, startup-port" },
  probePath: { id: "health/k8s-probe-path-not-served", severity: "error", description: "probe path is not served by the service's code", matches: "new" },
  preStop: { id: "health/k8s-prestop-missing", severity: "warning", description: "no preStop sleep: the pod gets SIGTERM while still in the load balancer", matches: "new" },
  name: { id: "health/k8s-invalid-name", severity: "warning", description: "resource or container name is not a valid DNS-1123 name", matches: "new (the API server rejects it)" },
  probeAuth: { id: "health/probe-auth", severity: "error", description: "authentication on a probe path (probe headers with credentials, or auth in the service's code that reaches /live or /ready)", matches: "new" },
  probeRateLimited: { id: "health/probe-rate-limited", severity: "error", description: "rate limiting in the service's code that reaches /live or /ready", matches: "new" },
  unparsable: { id: "health/unparsable", severity: "error", description: "a file fks must read or change does not parse", matches: "new" },
  manual: { id: "health/manual-step", severity: "note", description: "something fks could not do for this service", matches: "new" },
} as const satisfies Record<string, HealthRule>;

export const RULE_LIST: HealthRule[] = Object.values(RULES);
