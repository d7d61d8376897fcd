import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const FIX = path.join(ROOT, "test/fixtures/split");

/** A Python interpreter for the ast oracle: the env setup's venv, else python3 on PATH. */
export function findPython(): string | undefined {
  for (const p of [process.env.FKS_PYTHON, "python3"]) {
    if (!p) continue;
    const r = spawnSync(p, ["-c", "import ast, sys; print(sys.version_info >= (3, 9))"], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim() === "True") return p;
  }
  return undefined;
}

export function pyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pyFiles(f));
    else if (e.name.endsWith(".py")) out.push(f);
  }
  return out.sort();
}

export function astOracle(python: string, files: string[]): Record<string, unknown> {
  const out = execFileSync(python, [path.join(ROOT, "test/split/py_imports_oracle.py"), ...files], { encoding: "utf8", maxBuffer: 1 << 28 });
  return JSON.parse(out) as Record<string, unknown>;
}

export function runFks(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/fks.js"), ...args], {
    cwd: opts.cwd ?? ROOT, encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Plant {
  /** module id → planted cluster */
  clusters: Map<string, string>;
  /** The one import that closes the planted package cycle. */
  breaker: { from: string; to: string; file: string; line: number };
}

/**
 * A monolith whose package tree lies about its structure: three planted clusters, each spread
 * over two packages, with dense imports inside a cluster, a few across, and one cheap import that
 * closes a cycle between two packages (the breaker to find).
 */
export function plantMonolith(dir: string, seed = 3): Plant {
  const r = rng(seed);
  const clusters = new Map<string, string>();
  const write = (rel: string, text: string) => {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  };
  write("mono/__init__.py", "");
  const plan: Record<string, string[]> = { billing: ["payments", "invoices"], catalog: ["products", "pricing"], accounts: ["users", "auth"] };
  const members: Record<string, string[]> = {};
  for (const [cluster, pkgs] of Object.entries(plan)) {
    members[cluster] = [];
    for (const p of pkgs) {
      write(`mono/${p}/__init__.py`, "");
      for (let i = 0; i < 8; i++) {
        const id = `mono.${p}.m${i}`;
        members[cluster].push(id);
        clusters.set(id, cluster);
      }
    }
  }
  for (const p of Object.values(plan).flat()) clusters.set(`mono.${p}`, [...Object.entries(plan)].find(([, ps]) => ps.includes(p))![0]);
  clusters.set("mono", "accounts");
  const imports = new Map<string, string[]>();
  const order = ["accounts", "catalog", "billing"]; // billing → catalog → accounts, acyclic across clusters
  for (const [cluster, ms] of Object.entries(members)) {
    for (const id of ms) {
      const list: string[] = [];
      for (let k = 0; k < 5; k++) {
        const t = ms[Math.floor(r() * ms.length)]!;
        if (t !== id && !list.includes(t)) list.push(t);
      }
      const lower = order.indexOf(cluster) - 1;
      if (lower >= 0 && r() < 0.25) list.push(members[order[lower]!]![Math.floor(r() * 16)]!);
      imports.set(id, list);
    }
  }
  // payments (billing) already imports products (catalog); one import back closes the cycle.
  imports.get("mono.payments.m0")!.push("mono.products.m1");
  for (const [id, list] of imports) {
    const lines = list.map((t) => (r() < 0.5 ? `import ${t}` : `from ${t.split(".").slice(0, -1).join(".")} import ${t.split(".").pop()}`));
    if (id === "mono.products.m3") lines.push("from mono.payments.m2 import charge  # the planted cycle");
    write(`${id.split(".").join("/")}.py`, `"""${id}"""\n${lines.join("\n")}\n\n\ndef charge():\n    return 1\n`);
  }
  const fileText = `${"mono.products.m3".split(".").join("/")}.py`;
  const line = imports.get("mono.products.m3")!.length + 2;
  return { clusters, breaker: { from: "mono.products", to: "mono.payments", file: fileText, line } };
}

export function have(p: string): boolean {
  return existsSync(p);
}
