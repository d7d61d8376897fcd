import path from "node:path";
import type { JsCall, JsEvaluator, JsModule, JsValue } from "../../lang/typescript/routes-eval.js";
import type { Container, PathExpr } from "../route-graph.js";
import { literalPrefix, mount, mountContainer, routeFromOptions } from "./context.js";

/*
 * @fastify/autoload (v5/v6) registers every plugin file of a folder, read here from the service's
 * files by the library's own rules (lib/find-plugins.js, index.js):
 * - a sub-folder adds "/<name>" to the prefix of the plugins below it (`dirNameRoutePrefix: false`
 *   adds nothing, a function adds what it returns);
 * - a folder with an index file registers only that file from the folder, its sub-folders still load;
 * - `autohooks` files are never plugins; `ignorePattern` (tested on the path relative to `dir`),
 *   `ignoreFilter`/`matchFilter` (on "/" + that path) and `maxDepth` leave entries out;
 * - a plugin's prefix is `options.prefix` + its folder prefix; `autoPrefix` replaces the folder
 *   prefix (appended to it with `appendAutoPrefix`), `prefixOverride` replaces everything,
 *   `autoConfig.prefix` is the base when `options` has none; `routeParams` turns "/_id" into "/:id";
 * - a file exporting `{method, url, handler}` is a route; `autoload = false` skips a file;
 * - autoload itself does not encapsulate: plugins land in the context that registered it, and
 *   fastify-plugin-wrapped ones (or all, with `encapsulate: false`) share that context, prefix ignored.
 */

const DEFAULTS = {
  scriptPattern: /(?:(?:^.?|\.[^d]|[^.]d|[^.][^d])\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/iu,
  indexPattern: /^index(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/iu,
  autoHooksPattern: /^[_.]?auto_?hooks(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/iu,
};

type Filter = (p: string) => boolean;

interface Options {
  dir: string;
  scriptPattern: RegExp;
  indexPattern: RegExp;
  autoHooksPattern: RegExp;
  dirName: (dir: string, name: string) => string | undefined;
  ignorePattern?: RegExp;
  matchFilter?: Filter;
  ignoreFilter?: Filter;
  maxDepth: number;
  encapsulate: boolean;
  appendAutoPrefix: boolean;
  routeParams: boolean;
  pluginOptions: Map<string, JsValue>;
}

export function autoload(c: Container, recv: JsValue, opts: JsValue, call: JsCall, ev: JsEvaluator): void {
  const at = { file: call.mod.file, line: call.line };
  const o = opts.k === "obj" ? opts.props : new Map<string, JsValue>();
  const dir = o.get("dir");
  if (dir?.k !== "str" || !path.isAbsolute(dir.v)) {
    c.entries.push({ t: "include", unresolved: `autoload dir ${dir?.k === "unk" ? dir.text : "?"}`, prefix: [], ...at });
    return;
  }
  const options = readOptions(dir.v, o, ev);
  for (const { file, prefix } of findPlugins(ev.files, options)) load(c, recv, ev.load(file), prefix, options, ev, at);
}

function readOptions(dir: string, o: Map<string, JsValue>, ev: JsEvaluator): Options {
  const regex = (v: JsValue | undefined): RegExp | undefined => {
    if (v?.k === "str") return new RegExp(v.v);
    if (v?.k === "x" && v.tag === "regex") {
      const { pattern, flags } = v.data as { pattern: string; flags: string };
      return new RegExp(pattern, flags);
    }
    return undefined;
  };
  const filter = (v: JsValue | undefined): Filter | undefined => {
    if (v?.k === "str") return (p) => p.includes(v.v);
    const r = regex(v);
    return r ? (p) => r.test(p) : undefined;
  };
  const flag = (name: string, dflt: boolean) => {
    const v = o.get(name);
    return v?.k === "x" && v.tag === "bool" ? (v.data as boolean) : dflt;
  };
  const dirPrefix = o.get("dirNameRoutePrefix");
  const dirName = (d: string, name: string): string | undefined => {
    if (dirPrefix?.k === "x" && dirPrefix.tag === "bool") return dirPrefix.data ? name : undefined;
    if (dirPrefix?.k === "fn") {
      const v = ev.callFn(dirPrefix, [{ k: "str", v: d }, { k: "str", v: name }]);
      return v.k === "str" && v.v ? v.v : undefined;
    }
    return name;
  };
  const depth = o.get("maxDepth");
  const po = o.get("options");
  return {
    dir: dir.replace(/\/+$/, ""),
    scriptPattern: regex(o.get("scriptPattern")) ?? DEFAULTS.scriptPattern,
    indexPattern: regex(o.get("indexPattern")) ?? DEFAULTS.indexPattern,
    autoHooksPattern: regex(o.get("autoHooksPattern")) ?? DEFAULTS.autoHooksPattern,
    dirName,
    ignorePattern: regex(o.get("ignorePattern")),
    matchFilter: filter(o.get("matchFilter")),
    ignoreFilter: filter(o.get("ignoreFilter")),
    maxDepth: depth?.k === "str" && /^\d+$/.test(depth.v) ? Number(depth.v) : Infinity,
    encapsulate: flag("encapsulate", true),
    appendAutoPrefix: flag("appendAutoPrefix", false),
    routeParams: flag("routeParams", false),
    pluginOptions: po?.k === "obj" ? po.props : new Map(),
  };
}

/** The plugin files below `dir` with their folder prefixes, in the order autoload registers them. */
function findPlugins(files: Set<string>, o: Options): Array<{ file: string; prefix?: string }> {
  const out: Array<{ file: string; prefix?: string }> = [];
  const entries = (d: string) => {
    const names = new Map<string, boolean>(); // name → is a folder
    for (const f of files) {
      if (!f.startsWith(d + "/")) continue;
      const rest = f.slice(d.length + 1).split("/");
      names.set(rest[0]!, names.get(rest[0]!) || rest.length > 1);
    }
    return [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  };
  const accumulate = (file: string, prefix: string | undefined) => {
    const rel = "/" + path.relative(o.dir, file);
    if (o.matchFilter && !o.matchFilter(rel)) return;
    if (o.ignoreFilter && o.ignoreFilter(rel)) return;
    out.push({ file, prefix });
  };
  const walk = (d: string, prefix: string | undefined, depth: number) => {
    const list = entries(d);
    const index = list.find(([n, isDir]) => !isDir && o.indexPattern.test(n));
    if (index) {
      accumulate(path.join(d, index[0]), prefix);
      if (list.every(([, isDir]) => !isDir)) return;
    }
    for (const [name, isDir] of list) {
      const file = path.join(d, name);
      if (o.ignorePattern && o.ignorePattern.test(path.relative(o.dir, file))) continue;
      if (isDir && !(o.maxDepth <= depth)) {
        const extra = o.dirName(d, name);
        walk(file, (prefix ? `${prefix}/` : "/") + (extra ?? ""), depth + 1);
      } else if (!isDir && !index && o.scriptPattern.test(name) && !o.autoHooksPattern.test(name)) accumulate(file, prefix);
    }
  };
  walk(o.dir, undefined, 0);
  return out;
}

function load(c: Container, recv: JsValue, mod: JsModule, dirPrefix: string | undefined, o: Options, ev: JsEvaluator, at: { file: string; line: number }): void {
  const content = ev.moduleValue(mod, "require");
  // `content.default || content`: an ES default export, or what module.exports holds.
  let plugin: JsValue = mod.exports.get("default") ?? (content.k === "obj" ? content.props.get("default") : undefined) ?? content;
  const meta = (name: string) => ev.prop(plugin, name) ?? mod.exports.get(name);
  const isFalse = (v: JsValue | undefined) => v?.k === "x" && v.tag === "bool" && v.data === false;
  if (isFalse(meta("autoload"))) return;
  let shared = !o.encapsulate;
  if (plugin.k === "x" && plugin.tag === "fastify-fp") {
    plugin = plugin.data as JsValue;
    shared = true;
  }
  const isRoute = plugin.k === "obj" && plugin.props.has("method");
  if (plugin.k !== "fn" && !isRoute) return; // not a plugin: autoload skips the file

  // Plugin options: autoConfig, then the `options` given to autoload; then the prefix rules.
  const config = meta("autoConfig");
  const props = new Map<string, JsValue>([...(config?.k === "obj" ? config.props : []), ...o.pluginOptions]);
  const base = props.get("prefix");
  let prefix: PathExpr = base?.k === "str" ? literalPrefix(base.v.replace(/\/$/, "")) : base ? [{ u: base.k === "unk" ? base.text : "prefix" }] : [];
  const auto = meta("autoPrefix");
  const override = meta("prefixOverride");
  const own = auto?.k === "str" ? (o.appendAutoPrefix && dirPrefix ? `${dirPrefix}/${auto.v}` : auto.v) : dirPrefix;
  if (override?.k === "str") prefix = literalPrefix(override.v);
  else if (own) prefix = [...prefix, { s: own.replace(/\/+/g, "/") }];
  if (o.routeParams) prefix = prefix.map((p) => ("s" in p ? { s: /__/.test(p.s) ? p.s.replace(/__/g, ":") : p.s.replace(/\/_/g, "/:") } : p));
  props.set("prefix", prefix.every((p) => "s" in p) ? { k: "str", v: prefix.map((p) => (p as { s: string }).s).join("") } : { k: "unk", text: "prefix" });

  const where = { file: mod.file, line: 1 };
  if (isRoute) {
    routeFromOptions(shared ? c : mountContainer(c, prefix, path.basename(mod.file), at), plugin, where);
    return;
  }
  mount(c, recv, plugin as Extract<JsValue, { k: "fn" }>, { shared, prefix, opts: { k: "obj", props }, ...at }, ev);
}
