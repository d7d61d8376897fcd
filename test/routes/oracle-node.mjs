/* global process, console */
// Runtime oracle for Express and Fastify fixtures: loads the fixture's app with the real
// framework (installed in test/fixtures/routes-node by scripts/env/setup.sh) and prints its
// route table as JSON [[METHOD, path], ...], paths spelled the way the static catalog spells them.
// Usage: FKS_ORACLE_NODE_MODULES=<dir> NODE_PATH=<dir> node oracle-node.mjs <express|express@4|fastify> <fixture-dir> <entry-file>
// The fixture resolves "express"/"fastify" through NODE_PATH (CommonJS) or the resolve hook below (ES modules);
// with express@4 its "express" is Express 4 (installed under the alias "express4").
import Module, { createRequire, register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [asked, dir, entry] = process.argv.slice(2);
const kind = asked.replace(/@\d+$/, "");
const modules = process.env.FKS_ORACLE_NODE_MODULES;
const expressPkg = asked === "express@4" ? "express4" : "express";
const rename = (spec) => (expressPkg !== "express" && /^express(\/|$)/.test(spec) ? expressPkg + spec.slice("express".length) : spec);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, rename(request), ...rest);
};
register(
  "data:text/javascript," +
    encodeURIComponent(`
      const base = ${JSON.stringify(pathToFileURL(path.join(modules, "x")).href)};
      const rename = ${rename.toString()};
      const expressPkg = ${JSON.stringify(expressPkg)};
      export async function resolve(spec, ctx, next) {
        if (/^(express|fastify|fastify-plugin|@fastify\\/autoload)(\\/|$)/.test(spec)) return next(rename(spec), { ...ctx, parentURL: base });
        return next(spec, ctx);
      }`),
);

// Express wraps a mounted sub-app in an anonymous layer: remember which app each such layer serves.
const subApps = new WeakMap();
if (kind === "express") {
  const req = createRequire(path.join(modules, "x"));
  const express = req(expressPkg);
  const routerOf = (app) => app._router ?? app.router; // Express 4's app.router getter throws
  const use = express.application.use;
  express.application.use = function (...args) {
    if (this.lazyrouter) this.lazyrouter();
    const before = routerOf(this).stack.length;
    const out = use.apply(this, args);
    const apps = args.flat(Infinity).filter((a) => typeof a === "function" && a.handle && a.set);
    routerOf(this).stack.slice(before).forEach((layer, i) => apps[i] && subApps.set(layer, apps[i]));
    return out;
  };
  if (expressPkg === "express4") {
    // Express 4's layers keep only the compiled regexp of their mount path: record the path itself.
    const proto = req("express4/lib/router");
    const routerUse = proto.use;
    proto.use = function (first, ...rest) {
      const before = this.stack.length;
      const out = routerUse.call(this, first, ...rest);
      let arg = first;
      while (Array.isArray(arg) && arg.length) arg = arg[0];
      const mount = typeof arg === "function" ? "/" : [first].flat(Infinity);
      for (const layer of this.stack.slice(before)) layer.rawPath = mount;
      return out;
    };
  }
}

const mod = await import(pathToFileURL(path.join(dir, entry)).href);
const isApp = (a) => !!a && (typeof a.printRoutes === "function" || (typeof a.handle === "function" && typeof a.set === "function"));
let app = [mod.default, mod.app, mod.default?.default, mod.default?.app].find(isApp);
const factory = [mod.build, mod.createApp, mod.default?.build, mod.default?.createApp, mod.default].find((f) => typeof f === "function" && !isApp(f));
if (!app && factory) app = await factory();
if (!isApp(app)) throw new Error(`${entry} exports no Express or Fastify app (export it, or a build()/createApp() function)`);

// Parameters and wildcards in the catalog's spelling: ":id" -> "{id}", "*splat" -> "{splat}"; Express 4's
// ":id(\\d+)" and ":id?" and Express 5's optional "{/:id}" are the parameter "{id}".
const norm = (p) =>
  p
    .replace(/\{([^\w{}*][^{}]*)\}/g, "$1")
    .replace(/(^|[/.-]):([A-Za-z_]\w*)(?:\([^)/]*\))?\??/g, "$1{$2}")
    .replace(/(^|\/)\{?\*([A-Za-z_]\w*)\}?/g, "$1{$2}") || "/";

const out = [];
if (kind === "express") {
  const ALL = 20; // app.all() registers every method Node knows (over 30)
  const walk = (stack, prefix) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods).filter((m) => m !== "_all");
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) {
          // A mounted router answers "/" at the mount point itself: "/users" + "/" is "/users".
          const full = prefix && p === "/" ? prefix : prefix + p;
          if (methods.length > ALL || layer.route.methods._all) out.push(["ANY", norm(full)]);
          else for (const m of methods) out.push([m.toUpperCase(), norm(full)]);
        }
      } else if (layer.name === "serveStatic") {
        // express.static answers GET and HEAD for any file below its mount point.
        for (const mount of [layer.rawPath ?? ""].flat()) out.push(["GET", norm(`${prefix}${mount.replace(/\/+$/, "")}/{path}`)]);
      } else if (layer.handle?.stack || subApps.has(layer)) {
        // A mounted router or sub-app, at the pattern its layer was created with.
        const sub = subApps.get(layer);
        const stack = layer.handle.stack ?? (sub._router ?? sub.router).stack;
        for (const mount of [layer.rawPath ?? ""].flat()) walk(stack, prefix + mount.replace(/\/+$/, ""));
      }
    }
  };
  walk((app._router ?? app.router).stack, "");
} else if (kind === "fastify") {
  await app.ready();
  // printRoutes() draws the radix tree; a node's full path is its ancestors' segments joined.
  const stack = [];
  for (const line of app.printRoutes().split("\n")) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1].length / 4;
    stack.push(m[2]);
    if (!m[3]) continue;
    const methods = m[3].split(", ");
    const full = stack.join("");
    // Fastify adds HEAD to every GET route; all() registers every method it supports.
    if (methods.length >= 8) out.push(["ANY", norm(full)]);
    else for (const x of methods.filter((x) => !(x === "HEAD" && methods.includes("GET")))) out.push([x, norm(full)]);
  }
  await app.close();
}
console.log(JSON.stringify(out));
