/** Locale-independent text order: the same on every machine, and no collator to load on a cold start. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
