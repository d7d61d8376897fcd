/** Syntax errors in files the scaffolder edits: ERROR nodes and tokens tree-sitter had to invent, each at its line. */
import { describe, expect, it } from "vitest";
import { parsePython } from "../../src/lang/python/edit.js";
import { parseRust } from "../../src/lang/rust/edit.js";
import { FksError } from "../../src/errors.js";

async function lineOfError(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof FksError)) throw e;
    return e.line;
  }
}

describe("syntax errors in Python and Rust", () => {
  it.each([
    ["import os\n\ndef f(:\n    pass\n", 3],
    ["x = 1\ny = (1,\n", 2],
  ])("Python %j fails at line %i", async (src, line) => {
    expect(await lineOfError(parsePython(src, "m.py"))).toBe(line);
  });
  it("an unclosed bracket deep in a class is still an error (tree-sitter's ERROR node may start at the class)", async () => {
    const line = await lineOfError(parsePython("class A:\n    def f(self):\n        return [1,\n", "m.py"));
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(3);
  });
  it.each([["fn main() {\n    let x = 1\n}\n", 2], ["fn main() {\n    foo(1\n}\n", 2]])("Rust %j fails at line %i", async (src, line) => {
    expect(await lineOfError(parseRust(src, "main.rs"))).toBe(line);
  });
  it.each(["", "# only a comment\n", "import os\nx = [\n    1,\n]\n"])("valid Python %j parses", async (src) => {
    expect(await lineOfError(parsePython(src, "m.py"))).toBeUndefined();
  });
  it.each(["", "fn main() {\n    let x = 1;\n}\n"])("valid Rust %j parses", async (src) => {
    expect(await lineOfError(parseRust(src, "main.rs"))).toBeUndefined();
  });
});
