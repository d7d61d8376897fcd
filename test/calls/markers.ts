import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers.js";

/**
 * Fixture platforms mark every call by hand, on the call's line:
 * `expect: <rules>  target: <service> <path> | ? | external`.
 */
export interface Marker {
  where: string;
  rules: string[];
  target: string;
}

export function markers(dir: string): Marker[] {
  const out: Marker[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const f = path.join(d, e);
      if (statSync(f).isDirectory()) walk(f);
      else if (/\.(py|rs|js)$/.test(e)) {
        readFileSync(f, "utf8").split("\n").forEach((l, i) => {
          const m = /(?:#|\/\/) expect:(.*?)\s+target: (.*)$/.exec(l);
          if (m) out.push({ where: `${path.relative(ROOT, f)}:${i + 1}`, rules: m[1]!.trim().split(/\s+/).filter(Boolean).sort(), target: m[2]!.trim() });
        });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.where.localeCompare(b.where));
}
