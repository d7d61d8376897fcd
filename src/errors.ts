/** Exit codes shared by every command: 0 ok, 1 findings or unhealthy, 2 usage/config/internal error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** An error the user can act on: one line of what is wrong, plus the next thing to do. */
export class FksError extends Error {
  readonly hint?: string;
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, opts: { hint?: string; file?: string; line?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "FksError";
    this.hint = opts.hint;
    this.file = opts.file;
    this.line = opts.line;
  }
}

export interface ConfigIssue {
  file: string;
  line?: number;
  path: string;
  message: string;
  hint?: string;
}

/** All problems of one config file, collected so the user fixes them in one pass. */
export class ConfigError extends FksError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const first = issues[0];
    super(first ? formatConfigIssue(first) : "invalid configuration", { file: first?.file, line: first?.line });
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export function formatConfigIssue(i: ConfigIssue): string {
  const where = i.line ? `${i.file}:${i.line}` : i.file;
  const path = i.path ? ` ${i.path}:` : "";
  return `${where}${path} ${i.message}${i.hint ? ` — ${i.hint}` : ""}`;
}
