/** One ast-grep registration for the edit helpers: registerDynamicLanguage replaces the whole set, so register every language at once. */
type Napi = typeof import("@ast-grep/napi");
type Registration = Parameters<Napi["registerDynamicLanguage"]>[0][string];

let loaded: Promise<Napi> | undefined;

async function register(mod: Napi): Promise<void> {
  const python = ((await import("@ast-grep/lang-python")) as unknown as { default: Registration }).default;
  const rust = ((await import("@ast-grep/lang-rust")) as unknown as { default: Registration }).default;
  mod.registerDynamicLanguage({ python, rust });
}

/** Parses with ast-grep, registering again if another part of fks replaced the registered languages. */
export async function sgParse(lang: "python" | "rust", text: string): Promise<import("@ast-grep/napi").SgRoot> {
  loaded ??= (async () => {
    const mod = await import("@ast-grep/napi");
    await register(mod);
    return mod;
  })();
  const mod = await loaded;
  try {
    return mod.parse(lang, text);
  } catch {
    await register(mod);
    return mod.parse(lang, text);
  }
}

/**
 * First ERROR node or token tree-sitter inserted as "missing" (a zero-width leaf), in document order.
 * One native query: walking the tree node by node from JavaScript costs a napi call per node.
 */
export function firstSyntaxError(root: import("@ast-grep/napi").SgRoot, rootKind: string): import("@ast-grep/napi").SgNode | null {
  return root.root().find({ rule: { any: [{ kind: "ERROR" }, { all: [{ regex: "^$" }, { not: { kind: rootKind } }] }] } });
}
