/** What the framework guard scanners share: the finding shape, the name patterns and the exemption evidence. */

/** Authentication or rate limiting that reaches a probe path, found in the service's code. */
export interface ProbeGuard {
  kind: "auth" | "rate";
  /** What guards, as written: "app-wide dependency Depends(verify_token)". */
  what: string;
  file: string;
  line: number;
  /** The probe paths it reaches. */
  paths: string[];
  /** How to exempt the probe paths, exactly for this code. */
  hint: string;
  /** fks placed (or will place) the generated endpoints out of its reach. */
  avoided?: boolean;
  /** Why fks is not sure (it cannot see the guard's code, or where it applies): reported as a note. */
  unsure?: string;
  /** Its code may refuse a probe, with an answer fks cannot read: reported as a warning that says "may". */
  maybe?: string;
}

const AUTH = /auth|validaterequestheader|jwt|token|oauth|bearer|login|session_?required|api_?key|permission|credential/i;
const RATE = /rate_?limit|throttl|limiter|governor|slowapi/i;

/** A guard's kind from its name, or undefined when the name says neither. */
export function kindOfName(name: string): ProbeGuard["kind"] | undefined {
  if (RATE.test(name)) return "rate";
  if (AUTH.test(name)) return "auth";
  return undefined;
}

/** A guard's kind from what its code answers: 429 is rate limiting, 401/403 authentication. */
export function kindOfBody(body: string): ProbeGuard["kind"] | undefined {
  if (/\b429\b|TOO_MANY_REQUESTS|Too Many Requests/i.test(body)) return "rate";
  if (/\b40[13]\b|UNAUTHORIZED|FORBIDDEN|PermissionDenied|NotAuthenticated/i.test(body)) return "auth";
  return undefined;
}

/**
 * The probe paths a guard's own code lets through: a string literal equal to the path, or a
 * prefix check (`startswith`, `starts_with`, `startsWith`) with a literal the path starts with.
 * Evidence, not proof — the scanners stay quiet on it, as the issue asks.
 */
export function exemptedPaths(body: string, paths: string[]): Set<string> {
  const literals = [...body.matchAll(/(?:b|r|br)?"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g)].map((m) => m[1] ?? m[2] ?? "");
  const prefixCheck = /starts_?with|startsWith|\bre\.match\b/i.test(body);
  const out = new Set<string>();
  for (const p of paths) {
    if (literals.includes(p) || literals.includes(p + "/")) out.add(p);
    else if (prefixCheck && literals.some((s) => s.length > 1 && s !== "/" && p.startsWith(s))) out.add(p);
  }
  return out;
}

/** The probe paths: /live and /ready (the generated /health guards its details itself). */
export function probePaths(paths: { live: string; ready: string }): string[] {
  return [paths.live, paths.ready];
}
