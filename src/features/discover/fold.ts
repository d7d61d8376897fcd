import path from "node:path";
import type { ServiceRecord } from "../../model.js";

/**
 * A record discovery made from a source folder alone (no compose, Kubernetes, Dockerfile or
 * fks.yaml entry) whose code is what other services' start commands run — compose builds the
 * repository root and runs `uvicorn app.api.main:app` from `app/` — is the same service: its facts
 * go to those services, its folder name becomes an alias, and it is no longer listed on its own.
 */
export function foldServedProjects(services: ServiceRecord[], cwd: string): ServiceRecord[] {
  const abs = (p: string) => path.resolve(cwd, p);
  const folded = new Set<ServiceRecord>();
  for (const s of services) {
    if (s.compose || s.k8s || s.dockerfile || s.configured || !s.path) continue;
    const dir = abs(s.path);
    // The start command of another record runs this folder's code (its app, its script, its main.py).
    const inside = (f: string) => abs(f).startsWith(dir + path.sep);
    const servers = services.filter((o) => o !== s && o.entry?.confidence === "command" && (o.entry.appFile ? inside(o.entry.appFile) : o.entry.chain.some((c) => inside(c.file))));
    if (!servers.length) continue;
    for (const o of servers) {
      o.language ??= s.language;
      o.framework ??= s.framework;
      for (const field of ["language", "framework"] as const) if (o[field] === s[field]) o.sources[field] = [...new Set([...(o.sources[field] ?? []), ...(s.sources[field] ?? [])])];
      for (const h of s.healthInCode) if (!o.healthInCode.some((x) => x.file === h.file && x.line === h.line)) o.healthInCode.push(h);
      for (const d of s.dependsOn) if (!o.dependsOn.includes(d)) o.dependsOn.push(d);
      const aliases = (o.aliases ??= []);
      // The folder's own name, not the `-2` discovery gave it to tell it from the service it is.
      for (const n of [path.basename(dir), ...(s.aliases ?? [])]) if (n !== o.name && !aliases.includes(n)) aliases.push(n);
    }
    folded.add(s);
  }
  return folded.size ? services.filter((s) => !folded.has(s)) : services;
}
