/**
 * Test code is not service code: the apps and routers a test suite builds (a FastAPI app per
 * test module, an axum router in `#[cfg(test)]`, an Express app in a spec) are not routes a
 * service serves; and in an import graph it imports across every package, so it would turn each
 * package pair into a cycle. Paths are relative to the service (or scan root) folder.
 */
const TEST_DIRS = new Set(["tests", "test", "__tests__", "test_utils", "testutils", "benches"]);
/** Cargo builds examples/ as separate binaries, never into the crate's own server. */
const RUST_ONLY_DIRS = new Set(["examples"]);
const TEST_FILE = /^(test_.*\.pyi?|.*_tests?\.pyi?|conftest\.py|tests\.py|.*\.(test|spec)\.[cm]?[jt]sx?)$/;

export function isTestCode(relPath: string): boolean {
  const parts = relPath.split(/[\\/]/);
  const name = parts.pop()!;
  if (TEST_FILE.test(name)) return true;
  const rust = name.endsWith(".rs");
  return parts.some((d) => TEST_DIRS.has(d) || (rust && RUST_ONLY_DIRS.has(d)));
}
