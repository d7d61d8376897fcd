import { describe, expect, it } from "vitest";
import { parseDecorated, parseSimpleCall } from "../../src/lang/python/simple-call.js";

describe("calls read from their text", () => {
  it("reads literals, dotted names, keywords and lists with each argument's source text", () => {
    const c = parseSimpleCall(`app.api_route("/a/{id}", methods=["GET", 'POST'], include_in_schema=False, n=1_000, dep=deps.auth,)`);
    expect(c?.callee).toEqual(["app", "api_route"]);
    expect(c?.args).toEqual([
      { name: undefined, value: { t: "str", v: "/a/{id}" }, text: `"/a/{id}"` },
      { name: "methods", value: { t: "list", items: [{ t: "str", v: "GET" }, { t: "str", v: "POST" }] }, text: `["GET", 'POST']` },
      { name: "include_in_schema", value: { t: "const", v: false }, text: "False" },
      { name: "n", value: { t: "num", v: 1000 }, text: "1_000" },
      { name: "dep", value: { t: "name", parts: ["deps", "auth"] }, text: "deps.auth" },
    ]);
    expect(parseSimpleCall("APIRouter(\n    prefix='/v1',\n)")?.args[0]?.name).toBe("prefix");
  });

  it("declines everything the tree has to read", () => {
    for (const text of [
      `f("a" "b")`, // implicit concatenation
      `f(f"/x/{y}")`,
      `f(r"^x$")`,
      `f("a\\"b")`,
      `f("""doc""")`,
      `f(x + "/y")`,
      `f(*args)`,
      `f(**kw)`,
      `f(g(1))`,
      `f(x) .y`,
      `f(x)(y)`,
      `f(a[0])`,
      `f(1.5)`,
      `f(0x10)`,
      `f(lambda: 1)`,
      `f(not x)`,
      `f(x if y else z)`,
      `f(a == b)`,
      `f(a=1, b)`,
      `f(x,  # note\n y)`,
      `f(x for x in y)`,
      `a . b(1)`,
    ]) expect(parseSimpleCall(text), text).toBeUndefined();
  });

  it("reads decorators of a function with their line offsets, and declines comments between them", () => {
    const d = parseDecorated(`@router.get("/a")\n@login_required\n\n@cache(ttl=5)\nasync def handler(x):\n    return x\n`);
    expect(d?.name).toBe("handler");
    expect(d?.kind).toBe("def");
    expect(d?.decorators.map((x) => [x.text, x.lineOffset])).toEqual([[`router.get("/a")`, 0], ["login_required", 1], ["cache(ttl=5)", 3]]);
    expect(parseDecorated(`@router.get("/a")\n# why\ndef h(): pass`)).toBeUndefined();
    expect(parseDecorated(`@router.get("/a" if X else "/b")\ndef h(): pass`)).toBeUndefined();
    expect(parseDecorated(`@app.route("/a",\n           methods=["POST"])\ndef h(): pass`)?.decorators[0]?.call?.args).toHaveLength(2);
    expect(parseDecorated(`@dataclass\nclass A:\n    x: int`)?.kind).toBe("class");
    expect(parseDecorated(`@app.get("/")\ndef café():\n    pass`)).toBeUndefined();
    expect(parseDecorated(`@app.get("/")\ndef first[T](x: T):\n    pass`)?.name).toBe("first");
  });
});
