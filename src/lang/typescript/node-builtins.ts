import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { JsKnowledge, JsValue } from "./routes-eval.js";

/**
 * The Node.js path and url helpers services use to name their own folders
 * (`path.join(__dirname, "routes")`, `fileURLToPath(new URL("./routes", import.meta.url))`),
 * evaluated when every argument is a known string; posix semantics, as on the servers.
 */
export const nodeBuiltins: JsKnowledge = {
  pkgCall(pkg, call, ev) {
    const fn = pkg.path.filter((x) => x !== "default" && x !== "*" && x !== "posix").join(".");
    if (pkg.name !== "path" && pkg.name !== "url") return undefined;
    const args = call.args.map((a) => ev.eval(a, call.scope, call.mod));
    if (!args.every((a) => a.k === "str")) return undefined;
    const s = args.map((a) => (a as { v: string }).v);
    const str = (v: string | undefined): JsValue | undefined => (v === undefined ? undefined : { k: "str", v });
    if (pkg.name === "path") {
      if (fn === "join") return str(path.posix.join(...s));
      if (fn === "resolve" && s.some((x) => x.startsWith("/"))) return str(path.posix.resolve(...s));
      if (fn === "dirname" && s[0]) return str(path.posix.dirname(s[0]));
      if (fn === "basename" && s[0]) return str(path.posix.basename(s[0], s[1]));
      return undefined;
    }
    if (fn === "fileURLToPath" && s[0]?.startsWith("file:")) return str(fileURLToPath(s[0]));
    if (fn === "pathToFileURL" && s[0]?.startsWith("/")) return str(pathToFileURL(s[0]).href);
    return undefined;
  },
};

