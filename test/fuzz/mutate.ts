/** Seeded mutations of real files: the same seed gives the same cases on every machine. */

export type Rng = () => number;

/** A linear congruential generator: small, fast, and the same everywhere. */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export type Mutation = "truncate" | "flip" | "nest" | "splice";

/** Cuts the file at a random byte: what an interrupted write or a bad merge leaves. */
function truncate(r: Rng, text: string): string {
  return text.slice(0, Math.floor(r() * text.length));
}

/** Replaces a few characters with bytes that break syntax: quotes, brackets, tabs, colons, NUL, invalid UTF-8. */
function flip(r: Rng, text: string): string {
  const chars = [...text];
  const bad = ['"', "'", "(", ")", "[", "]", "{", "}", ":", "\t", "\n", "\u0000", "\ufffd", "-", "&", "*", "|", "#", "\\", "`", "é", " "];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n && chars.length; i++) chars[Math.floor(r() * chars.length)] = pick(r, bad);
  return chars.join("");
}

/** Deep nesting in the file's own syntax, inserted at a line start: brackets, indentation or YAML flow/block nesting. */
function nest(r: Rng, text: string, kind: FileKind): string {
  const depth = pick(r, [300, 1000, 3000, 10_000]);
  const lines = text.split("\n");
  const at = Math.floor(r() * (lines.length + 1));
  let block: string;
  if (kind === "python") {
    block = r() < 0.5 ? `X = ${"(".repeat(depth)}1${")".repeat(depth)}` : Array.from({ length: Math.min(depth, 1500) }, (_, i) => `${" ".repeat(i)}if x:`).join("\n") + `\n${" ".repeat(Math.min(depth, 1500))}pass`;
  } else if (kind === "rust") {
    block = r() < 0.5 ? `fn deep() { ${"{".repeat(depth)}${"}".repeat(depth)} }` : `const D: i32 = ${"(".repeat(depth)}1${")".repeat(depth)};`;
  } else if (kind === "dockerfile") {
    block = `RUN ${"$(".repeat(depth)}echo${")".repeat(depth)} ${"\\\n  ".repeat(Math.min(depth, 2000))}true`;
  } else {
    block = r() < 0.5 ? `deep: ${"[".repeat(depth)}${"]".repeat(depth)}` : Array.from({ length: Math.min(depth, 1500) }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " x";
  }
  // Unbalanced as often as balanced: truncated nesting is the other common shape.
  if (r() < 0.3) block = block.slice(0, Math.floor(block.length / 2));
  lines.splice(at, 0, block);
  return lines.join("\n");
}

/** Moves a random slice of the file somewhere else: indentation and structure out of place. */
function splice(r: Rng, text: string): string {
  const a = Math.floor(r() * text.length);
  const b = Math.min(text.length, a + Math.floor(r() * 400));
  const cut = text.slice(a, b);
  const rest = text.slice(0, a) + text.slice(b);
  const at = Math.floor(r() * rest.length);
  return rest.slice(0, at) + cut + rest.slice(at);
}

export type FileKind = "python" | "rust" | "yaml" | "dockerfile";

export function mutate(r: Rng, text: string, kind: FileKind, how: Mutation): string {
  if (how === "truncate") return truncate(r, text);
  if (how === "flip") return flip(r, text);
  if (how === "splice") return splice(r, text);
  return nest(r, text, kind);
}

export const MUTATIONS: readonly Mutation[] = ["truncate", "flip", "nest", "splice"];
export { pick };
