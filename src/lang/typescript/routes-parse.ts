import type { SgRoot } from "@ast-grep/napi";

export type JsParse = (file: string, src: string) => SgRoot;
let parseFn: JsParse | undefined;

/** JavaScript and TypeScript file extensions route extraction reads (declaration files excluded). */
export const JS_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"];

export function isJsSource(name: string): boolean {
  return JS_EXTENSIONS.some((e) => name.endsWith(e)) && !/\.d\.[mc]?ts$/.test(name);
}

/**
 * Loads @ast-grep/napi on first use and picks its built-in grammar by extension:
 * TypeScript for .ts/.mts/.cts, TSX for .tsx/.jsx (JSX needs it), JavaScript otherwise.
 */
export async function jsParser(): Promise<JsParse> {
  if (parseFn) return parseFn;
  const { Lang, parse } = await import("@ast-grep/napi");
  parseFn = (file, src) => {
    const lang = /\.[mc]?ts$/.test(file) ? Lang.TypeScript : /\.[jt]sx$/.test(file) ? Lang.Tsx : Lang.JavaScript;
    return parse(lang, src);
  };
  return parseFn;
}
