import type { OutboundCall } from "../calls/types.js";

/** One file's rewiring: its new text, the calls moved to the generated client and the ones left alone. */
export interface RewireResult {
  after: string;
  rewired: Array<{ file: string; line: number; what: string }>;
  skipped: Array<{ file: string; line: number; why: string }>;
}

/** A URL expression cut into the base-URL part and the path part, as source text. */
export interface UrlSplit {
  /** The path argument for the generated client, as source (`f"/quotes/{symbol}"`, `"/symbols"`). */
  path: string;
  /** The literal start of the path, up to its first runtime part (`/quotes/`). */
  leading: string;
  /** The URL was a literal: its origin must be the variable's deployed value. */
  literalOrigin?: string;
  /** The base URL expression the path was split from (`base()`, `BASE`), when not a literal. */
  base?: string;
}

/**
 * Whether the base part of the call is exactly the downstream's variable, so `client.get(service,
 * path)` asks for the same URL: the audit resolved the URL through `$env` alone, and between the
 * variable's value and the path's first literal text nothing else is added.
 */
export function verifyBase(c: OutboundCall, env: string, split: UrlSplit, deployed: (name: string) => string | undefined): string | undefined {
  const envSources = c.target.sources.filter((s) => s.kind === "env" || s.kind === "env-default");
  if (split.literalOrigin !== undefined) {
    const v = deployed(env);
    if (!v) return `a literal URL, and $${env} (which the generated client reads) is set nowhere fks reads`;
    if (v.replace(/\/+$/, "") !== split.literalOrigin) return `a literal URL (${split.literalOrigin}) that is not the value of $${env} (${v})`;
    return undefined;
  }
  const mine = envSources.find((s) => s.kind === "env" && s.detail.startsWith(`${env}=`));
  if (!mine) {
    if (envSources.some((s) => s.kind === "env-default" && s.detail.startsWith(`$${env} `))) return `$${env} is not set in compose, Kubernetes or .env: the generated client needs it, while the code falls back to a default`;
    return `the base URL does not come from $${env}, which the generated client reads for ${c.target.service}`;
  }
  if (envSources.length > 1) return "the URL reads more than one environment variable";
  const value = mine.detail.slice(env.length + 1).split(" ")[0]!.replace(/\/+$/, "");
  const url = c.target.url ?? "";
  if (!url.startsWith(value)) return `the URL (${url}) does not start with $${env} (${value})`;
  const rest = url.slice(value.length);
  if (split.leading && !rest.startsWith(split.leading)) return `the URL adds to $${env} before the path (${url})`;
  if (!split.leading && rest !== "" && !rest.startsWith("{")) return `the URL adds to $${env} before the path (${url})`;
  if (split.leading && !split.leading.startsWith("/")) return "the path does not start with /";
  return undefined;
}

/** Cuts a Python f-string, `base + "/path"` or literal URL into base and path, as source text. */
export function splitPython(text: string, kind: "string" | "binary_operator" | "other"): UrlSplit | string {
  if (kind === "binary_operator") {
    const m = /^([\s\S]+?)\s*\+\s*([rRbBuUfF]*)(["'])([\s\S]*)\3$/.exec(text);
    if (!m || /\+/.test(m[1]!.replace(/\([^()]*\)/g, "")) || /["']/.test(m[1]!)) return "the URL is not `base + \"/path\"`";
    const leading = m[2]!.includes("f") ? m[4]!.split("{")[0]! : m[4]!;
    return { path: `${m[2]}${m[3]}${m[4]}${m[3]}`, leading };
  }
  if (kind !== "string") return "the URL is built before the call: fks rewires f-strings, `base + \"/path\"` and literals";
  const m = /^([rRbBuUfF]*)("""|'''|"|')([\s\S]*)\2$/.exec(text);
  if (!m) return "the URL string is not plain";
  const [, prefix, quote, body] = m as unknown as [string, string, string, string];
  if (!prefix.toLowerCase().includes("f")) {
    const lm = /^(https?:\/\/[^/?#]+)(.*)$/i.exec(body);
    if (!lm || /[{}]/.test(body)) return "not an absolute http(s) URL";
    return { path: `${prefix}${quote}${lm[2]}${quote}`, leading: lm[2]!, literalOrigin: lm[1]! };
  }
  if (!body.startsWith("{") || body.startsWith("{{")) return "the f-string does not start with the base URL";
  let depth = 0;
  let end = -1;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "{" || ch === "[" || ch === "(") depth++;
    else if (ch === "}" || ch === "]" || ch === ")") depth--;
    if (depth === 0) {
      end = i;
      break;
    }
  }
  const base = body.slice(1, end);
  if (end < 0 || /[!:=]/.test(base.replace(/\([^()]*\)/g, "").replace(/\[[^\]]*\]/g, ""))) return "the base URL part of the f-string has a conversion or format spec";
  const rest = body.slice(end + 1);
  const runtime = /\{(?!\{)/.test(rest);
  const path = runtime ? `${prefix}${quote}${rest}${quote}` : `${prefix.replace(/[fF]/, "")}${quote}${rest.replace(/\{\{/g, "{").replace(/\}\}/g, "}")}${quote}`;
  return { path, leading: rest.split(/\{(?!\{)/)[0]!.replace(/\{\{/g, "{").replace(/\}\}/g, "}") };
}
