/**
 * fks chaos export on a copy of the example platform: the Chaos Mesh objects pass the Chaos Mesh
 * API's own strict decoding, defaulting and validation (tools/chaos-mesh-validate, compiled
 * against github.com/chaos-mesh/chaos-mesh/api), the Chaos Toolkit experiments pass the real
 * `chaos validate`; selectors, durations and status checks are compared with the manifests and
 * experiment files they came from; bad input writes nothing.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYamlText } from "yaml";
import { PLATFORM, ROOT, fks, removeTree, tempTree } from "../helpers.js";
import { engineEnv, pythonBin } from "../env/engines.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML and JSON, read field by field
type Obj = Record<string, any>;

/** The validator: from env.sh, else built (cached) by the same script setup.sh runs. */
function validator(): { bin?: string; reason?: string } {
  const env = engineEnv();
  if (env.FKS_CHAOS_MESH_VALIDATE && existsSync(env.FKS_CHAOS_MESH_VALIDATE)) return { bin: env.FKS_CHAOS_MESH_VALIDATE };
  const r = spawnSync("bash", [path.join(ROOT, "scripts/env/chaos-mesh-validator.sh")], { encoding: "utf8", timeout: 900_000 });
  if (r.status === 0) return { bin: r.stdout.trim() };
  return { reason: (r.stderr || r.error?.message || "build script failed").trim().split("\n").pop() };
}

function chaosCli(): { bin?: string; reason?: string } {
  try {
    const bin = path.join(path.dirname(pythonBin()), "chaos");
    if (existsSync(bin)) return { bin };
    return { reason: `${bin} not installed (chaostoolkit in test/requirements.txt; run bash scripts/env/setup.sh)` };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

const mesh = validator();
if (mesh.reason) console.warn(`skipping Chaos Mesh validation tests: ${mesh.reason}`);
const ctk = chaosCli();
if (ctk.reason) console.warn(`skipping Chaos Toolkit validation tests: ${ctk.reason}`);

const FKS_YAML = `version: 1
services:
  pricing: { baseUrl: "http://127.0.0.1:8099" }
chaos:
  recovery: 12s
  edges:
    - { from: api, to: data, critical: true }
    - { from: web, to: data }
  targets: { data: { container: trading-data } }
  experiments:
    api-pause:
      faults: [{ service: api, action: pause, duration: 4s }]
`;

const DATA_DOWN = `name: data-down
description: data stops, then answers slowly to api
faults:
  - service: data
    action: stop
    duration: 10s
  - service: data
    from: api
    toxic: latency
    latency: 1500ms
    jitter: 100ms
    duration: 8s
  - service: execution
    action: kill
    signal: SIGKILL
    duration: 3s
steadyState: { interval: 500ms, timeout: 2s, baseline: 2s }
`;

const NETWORK = `name: network-all
mode: together
faults:
  - { id: hole, service: data, toxic: timeout, timeout: 0, duration: 6s }
  - { id: thin, service: data, from: web, toxic: bandwidth, rate: 64, duration: 5s }
  - { id: cut, service: data, from: api, toxic: down, duration: 5s }
  - { id: reset, service: data, toxic: reset_peer, duration: 5s }
  - { id: sliced, service: data, toxic: slicer, duration: 5s }
  - { id: freeze, service: pricing, action: pause, duration: 5s }
  # the same name as the workflow's first status check: template names must stay unique
  - { id: steady-api-live, service: execution, action: pause, duration: 5s }
`;

const BAD = `name: bad
faults:
  - service: data
    action: stop
    duration: 5s
  - service: pricingg
    action: pause
    duration: 5s
  - service: data
    toxic: latnecy
    duration: 5s
`;

let dir: string;
beforeAll(() => {
  dir = tempTree({ "fks.yaml": FKS_YAML, "experiments/data-down.yaml": DATA_DOWN, "experiments/network.yaml": NETWORK, "experiments/bad.yaml": BAD });
  for (const entry of readdirSync(PLATFORM)) cpSync(path.join(PLATFORM, entry), path.join(dir, entry), { recursive: true });
  // One service in its own namespace, so the selector must follow the manifest.
  const dataYaml = path.join(dir, "k8s/data.yaml");
  writeFileSync(dataYaml, readFileSync(dataYaml, "utf8").replace(/^(metadata:\n(\s+)name: data\n)/m, "$1$2namespace: market\n"));
});
afterAll(() => removeTree(dir));

const docsOf = (file: string): Obj[] => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as Obj).filter(Boolean);

/** What the test itself reads from the manifests: pod labels and namespace per Deployment. */
function manifestSelectors(): Map<string, { labels: Obj; namespace: string }> {
  const out = new Map<string, { labels: Obj; namespace: string }>();
  for (const f of readdirSync(path.join(dir, "k8s"))) {
    for (const d of docsOf(path.join(dir, "k8s", f))) {
      if (d.kind !== "Deployment") continue;
      const container = d.spec.template.spec.containers[0].name as string;
      out.set(container, { labels: d.spec.selector.matchLabels, namespace: d.metadata.namespace ?? "default" });
    }
  }
  return out;
}

function validate(...files: string[]) {
  return spawnSync(mesh.bin!, files, { encoding: "utf8", timeout: 60_000 });
}

describe.skipIf(!!mesh.reason)("fks chaos export --to chaos-mesh (validated against the Chaos Mesh API)", () => {
  let out: string;
  let run: ReturnType<typeof fks>;
  beforeAll(() => {
    run = fks(["chaos", "export", "experiments/data-down.yaml", "experiments/network.yaml", "api-pause", "--matrix", "--to", "chaos-mesh", "-o", "mesh", "--namespace", "chaos"], { cwd: dir });
    out = path.join(dir, "mesh");
  });

  it("writes a workflow and a faults file per experiment that the Chaos Mesh API accepts", () => {
    expect(run.code, run.stderr).toBe(0);
    const files = readdirSync(out).sort();
    for (const name of ["data-down", "network-all", "api-pause", "matrix"]) expect(files).toContain(`${name}.workflow.yaml`);
    const v = validate(...files.map((f) => path.join(out, f)));
    expect(v.stdout, v.stdout).toBe("");
    expect(v.status).toBe(0);
    const objects = files.reduce((n, f) => n + docsOf(path.join(out, f)).length, 0);
    expect(v.stderr).toContain(`${objects} object(s) valid`);
  });

  it("selects pods by each Deployment's matchLabels in its namespace, and assumes app.kubernetes.io/name for a service without a manifest", () => {
    const want = manifestSelectors();
    const faults = docsOf(path.join(out, "data-down.faults.yaml"));
    const stopData = faults.find((d) => d.kind === "PodChaos" && d.spec.action === "pod-kill")!;
    expect(stopData.spec.selector).toEqual({ namespaces: [want.get("data")!.namespace], labelSelectors: want.get("data")!.labels });
    expect(stopData.metadata.namespace).toBe("chaos");
    const latency = faults.find((d) => d.kind === "NetworkChaos")!;
    expect(latency.spec.target.selector.labelSelectors).toEqual(want.get("api")!.labels);
    const pause = docsOf(path.join(out, "network-all.faults.yaml")).find((d) => d.kind === "PodChaos")!;
    expect(pause.spec.selector).toEqual({ namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "pricing" } });
    expect(run.stderr).toMatch(/note: pricing: no Kubernetes manifest found: app\.kubernetes\.io\/name assumed/);
    expect(readFileSync(path.join(out, "network-all.workflow.yaml"), "utf8")).toMatch(/^# selector pricing: app\.kubernetes\.io\/name=pricing/m);
  });

  it("maps each fault to its Chaos Mesh action with the experiment's durations", () => {
    const exp = parseYamlText(DATA_DOWN) as Obj;
    const faults = docsOf(path.join(out, "data-down.faults.yaml"));
    expect(faults.map((d) => `${d.kind}:${d.spec.action}`)).toEqual(["PodChaos:pod-kill", "NetworkChaos:delay", "PodChaos:container-kill"]);
    expect(faults.map((d) => d.spec.duration)).toEqual(exp.faults.map((f: Obj) => f.duration));
    expect(faults[1]!.spec.delay).toMatchObject({ latency: exp.faults[1].latency, jitter: exp.faults[1].jitter });
    const container = docsOf(path.join(dir, "k8s/execution.yaml")).find((d) => d.kind === "Deployment")!.spec.template.spec.containers[0].name;
    expect(faults[2]!.spec.containerNames).toEqual([container]);
    const net = docsOf(path.join(out, "network-all.faults.yaml"));
    const byName = new Map(net.map((d) => [d.metadata.name, d]));
    // Without from, a network fault covers every edge into data: one object per caller.
    const holes = net.filter((d) => d.metadata.name.startsWith("hole-"));
    expect(holes.map((d) => d.metadata.name)).toEqual(expect.arrayContaining(["hole-api", "hole-web"]));
    const want = manifestSelectors();
    for (const h of holes) expect(h.spec.target.selector.labelSelectors).toEqual(want.get(h.metadata.name.slice("hole-".length))!.labels);
    expect(byName.get("hole-api")!.spec).toMatchObject({ action: "loss", loss: { loss: "100" }, direction: "to" });
    expect(byName.get("thin")!.spec).toMatchObject({ action: "bandwidth", bandwidth: { rate: "64kbps" } });
    expect(byName.get("cut")!.spec).toMatchObject({ action: "partition", direction: "both", target: { selector: { labelSelectors: manifestSelectors().get("api")!.labels } } });
    expect(byName.get("reset")!.kind).toBe("HTTPChaos");
    expect(byName.get("reset")!.spec).toMatchObject({ abort: true, port: 8002 });
    expect(byName.has("sliced")).toBe(false);
    expect(run.stderr).toMatch(/note: sliced: slicer has no Chaos Mesh equivalent/);
  });

  it("runs sequence faults one after the other and together faults in parallel, with status checks of /live and /ready", () => {
    const wf = docsOf(path.join(out, "data-down.workflow.yaml"))[0]!;
    const templates = new Map<string, Obj>(wf.spec.templates.map((t: Obj) => [t.name, t]));
    const entry = templates.get(wf.spec.entry)!;
    expect(entry.templateType).toBe("Serial");
    const exp = parseYamlText(DATA_DOWN) as Obj;
    // steady state, then per fault: the fault phase and the recovery check
    expect(entry.children).toHaveLength(1 + 2 * exp.faults.length);
    const checks = wf.spec.templates.filter((t: Obj) => t.templateType === "StatusCheck");
    const urls = new Set(checks.map((t: Obj) => t.statusCheck.http.url));
    const services = ["api", "data", "execution", "web", "pricing"];
    for (const s of services) for (const ep of ["live", "ready"]) expect([...urls].some((u) => new RegExp(`^http://[^/]*${s}[^/]*\\.svc\\.cluster\\.local(:\\d+)?/${ep}$`).test(u as string)), `${s} /${ep}`).toBe(true);
    expect([...urls]).toContain("http://data.market.svc.cluster.local:8002/live");
    for (const t of checks) expect(t.statusCheck).toMatchObject({ type: "HTTP", http: { method: "GET", criteria: { statusCode: "200" } } });
    // While data is stopped, api (critical edge) may be unready, web (not critical) may not.
    const phase1 = templates.get(entry.children[1])!;
    expect(phase1.templateType).toBe("Parallel");
    const phaseUrls = phase1.children.map((c: string) => templates.get(c)!).filter((t: Obj) => t.templateType === "StatusCheck").map((t: Obj) => t.statusCheck.http.url as string);
    expect(phaseUrls.some((u: string) => /api.*\/ready$/.test(u))).toBe(false);
    expect(phaseUrls.some((u: string) => /web.*\/ready$/.test(u))).toBe(true);
    expect(phaseUrls.some((u: string) => /data/.test(u))).toBe(false);
    const chaos = phase1.children.map((c: string) => templates.get(c)!).find((t: Obj) => t.templateType === "PodChaos")!;
    expect(chaos.deadline).toBe(exp.faults[0].duration);
    expect(chaos.podChaos.duration).toBeUndefined();
    // recovery: probed until pass within chaos.recovery (12 s), once a second
    const recovery = templates.get(entry.children[2])!.children.map((c: string) => templates.get(c)!);
    expect(recovery[0].statusCheck).toMatchObject({ mode: "Synchronous", intervalSeconds: 1, failureThreshold: 12 });
    const together = docsOf(path.join(out, "network-all.workflow.yaml"))[0]!;
    const tEntry = together.spec.templates.find((t: Obj) => t.name === together.spec.entry);
    expect(tEntry.children).toHaveLength(3);
    expect(together.spec.templates.find((t: Obj) => t.name === tEntry.children[1]).templateType).toBe("Parallel");
  });

  it("exports the matrix: every service × stop, latency, blackhole", () => {
    const faults = docsOf(path.join(out, "matrix.faults.yaml"));
    const want = manifestSelectors();
    for (const s of ["api", "data", "execution", "pricing", "web"]) {
      const labels = want.get(s)?.labels ?? { "app.kubernetes.io/name": s };
      const on = faults.filter((d) => JSON.stringify(d.spec.selector.labelSelectors) === JSON.stringify(labels));
      expect(on.filter((d) => d.kind === "PodChaos" && d.spec.action === "pod-kill"), s).toHaveLength(1);
      expect(on.some((d) => d.kind === "NetworkChaos" && d.spec.action === "delay" && d.spec.delay.latency === "2s"), s).toBe(true);
      expect(on.some((d) => d.kind === "NetworkChaos" && d.spec.action === "loss" && d.spec.loss.loss === "100"), s).toBe(true);
      for (const d of on) expect(d.spec.duration).toBe("5s");
    }
  });

  it("the validator rejects a broken object: unknown action, negative duration, unknown field, missing container name", () => {
    const text = readFileSync(path.join(out, "data-down.faults.yaml"), "utf8");
    const cases: Array<[string, (d: Obj) => void, RegExp]> = [
      ["action", (d) => (d[0].spec.action = "pod-explode"), /document 1 PodChaos\/.*spec\.action: Unsupported value: "pod-explode"/],
      ["negative", (d) => (d[1].spec.duration = "-5s"), /document 2 NetworkChaos\/.*spec\.duration: .*"-5s".*negative/],
      ["field", (d) => (d[1].spec.delay.latncy = "1s"), /document 2 NetworkChaos\/.*unknown field "latncy"/],
      ["container", (d) => delete d[2].spec.containerNames, /document 3 PodChaos\/.*container is required on container-kill/],
    ];
    for (const [name, mutate, want] of cases) {
      const docs = parseAllDocuments(text).map((d) => d.toJS() as Obj);
      mutate(docs);
      const file = path.join(dir, `broken-${name}.yaml`);
      writeFileSync(file, docs.map((d) => JSON.stringify(d)).join("\n---\n"));
      const v = validate(file);
      expect(v.status, `${name}: ${v.stdout}${v.stderr}`).toBe(1);
      expect(v.stdout).toMatch(want);
      expect(v.stdout.trim().split("\n")).toHaveLength(1);
    }
    const wf = docsOf(path.join(out, "data-down.workflow.yaml"))[0]!;
    wf.spec.templates[0].children.push("no-such-step");
    writeFileSync(path.join(dir, "broken-wf.yaml"), JSON.stringify(wf));
    const v = validate(path.join(dir, "broken-wf.yaml"));
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/Workflow\/data-down: .*no-such-step/);
  });

  it("a second run rewrites nothing", () => {
    const files = readdirSync(out);
    const before = files.map((f) => statSync(path.join(out, f)).mtimeMs);
    const again = fks(["chaos", "export", "experiments/data-down.yaml", "experiments/network.yaml", "api-pause", "--matrix", "--to", "chaos-mesh", "-o", "mesh", "--namespace", "chaos"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr.split("\n").filter((l) => /^(wrote|unchanged) /.test(l))).toEqual(files.sort().map(() => expect.stringMatching(/^unchanged /)));
    expect(readdirSync(out).map((f) => statSync(path.join(out, f)).mtimeMs)).toEqual(before);
  });
});

describe("fks chaos export: --dry-run and bad input write nothing", () => {
  it("--dry-run prints the objects and writes nothing", () => {
    const r = fks(["chaos", "export", "experiments/data-down.yaml", "--to", "chaos-mesh", "-o", "dry", "--dry-run"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, "dry"))).toBe(false);
    const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJS() as Obj)?.kind);
    expect(kinds).toEqual(["Workflow", "PodChaos", "NetworkChaos", "PodChaos"]);
    expect(r.stderr).toMatch(/^would write dry\/data-down\.workflow\.yaml$/m);
  });

  it("an unknown service or fault is an error at file:line, exit 2, nothing written", () => {
    for (const to of ["chaos-mesh", "chaostoolkit"]) {
      const r = fks(["chaos", "export", "experiments/data-down.yaml", "experiments/bad.yaml", "--to", to, "-o", "bad-out"], { cwd: dir });
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toContain('error: experiments/bad.yaml:6 faults.1.service: unknown service "pricingg" — use one of: api, data, execution, pricing, web');
      expect(lines.some((l) => /^error: experiments\/bad\.yaml:10 faults\.2\.toxic: must be one of .*\(got "latnecy"\)/.test(l)), r.stderr).toBe(true);
      expect(existsSync(path.join(dir, "bad-out"))).toBe(false);
    }
  });

  it("an unknown engine, or a network fault Chaos Toolkit has no proxy for, is exit 2", () => {
    const r = fks(["chaos", "export", "experiments/data-down.yaml", "--to", "litmus"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--to: unknown engine "litmus" — use one of: chaos-mesh, chaostoolkit/);
    const noEdge = tempTree({ "fks.yaml": "version: 1\nservices:\n  a: { baseUrl: 'http://127.0.0.1:9' }\n  b: { baseUrl: 'http://127.0.0.1:9' }\n", "x.yaml": "faults:\n  - service: a\n    action: stop\n    duration: 1s\n  - service: b\n    toxic: latency\n    latency: 1s\n    duration: 1s\n" });
    try {
      const n = fks(["chaos", "export", "x.yaml", "--to", "chaostoolkit"], { cwd: noEdge });
      expect(n.code).toBe(2);
      expect(n.stderr).toMatch(/^error: x\.yaml:5: fault latency-b: no Toxiproxy proxy into b/m);
      expect(existsSync(path.join(noEdge, "chaostoolkit"))).toBe(false);
    } finally {
      removeTree(noEdge);
    }
  });
});

describe.skipIf(!!ctk.reason)("fks chaos export --to chaostoolkit (validated by chaos validate)", () => {
  let out: string;
  let run: ReturnType<typeof fks>;
  beforeAll(() => {
    run = fks(["chaos", "export", "experiments/data-down.yaml", "experiments/network.yaml", "--matrix", "--to", "chaostoolkit"], { cwd: dir });
    out = path.join(dir, "chaostoolkit");
  });
  const chaos = (file: string) => spawnSync(ctk.bin!, ["--no-log-file", "validate", file], { encoding: "utf8", timeout: 60_000, cwd: dir });

  it("writes experiments chaos validate accepts", () => {
    expect(run.code, run.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(["data-down.json", "matrix.json", "network-all.json"]);
    for (const f of files) {
      const v = chaos(path.join(out, f));
      expect(v.status, `${f}: ${v.stdout}${v.stderr}`).toBe(0);
    }
  });

  it("probes every service's /live and /ready, runs docker and Toxiproxy actions with pauses, and rolls back", () => {
    const e = JSON.parse(readFileSync(path.join(out, "data-down.json"), "utf8")) as Obj;
    const probes = e["steady-state-hypothesis"].probes as Obj[];
    const services = ["api", "data", "execution", "pricing", "web"];
    expect(probes.map((p) => p.name).sort()).toEqual(services.flatMap((s) => [`${s}-live`, `${s}-ready`]).sort());
    for (const p of probes) expect(p).toMatchObject({ tolerance: 200, provider: { type: "http" } });
    expect(e.configuration.pricing_url.default).toBe("http://127.0.0.1:8099");
    const method = e.method as Obj[];
    const stop = method.find((a) => a.provider.path === "docker" && a.provider.arguments[0] === "stop")!;
    expect(stop.provider.arguments).toEqual(["stop", "trading-data"]);
    expect(stop.pauses.after).toBe(10);
    const toxic = method.find((a) => a.provider.path === "curl" && a.provider.arguments.includes("POST"))!;
    const body = JSON.parse(toxic.provider.arguments[toxic.provider.arguments.indexOf("-d") + 1]);
    expect(body).toMatchObject({ type: "latency", attributes: { latency: 1500, jitter: 100 } });
    expect(toxic.provider.arguments).toContain("http://127.0.0.1:8474/proxies/api-data/toxics");
    // execution has no pinned container: found by its compose label when the action runs
    const kill = method.find((a) => a.provider.path === "sh" && /docker kill --signal SIGKILL/.test(a.provider.arguments[1]))!;
    expect(kill.provider.arguments[1]).toMatch(/label=com\.docker\.compose\.service=execution/);
    const rollbacks = (e.rollbacks as Obj[]).map((r) => r.provider.arguments.join(" "));
    expect(rollbacks.some((r) => r === "start trading-data")).toBe(true);
    expect(rollbacks.some((r) => /-X DELETE http:\/\/127\.0\.0\.1:8474\/proxies\/api-data\/toxics\/fks-latency-api-data/.test(r))).toBe(true);
  });

  it("chaos validate rejects a broken experiment (so the check above can fail)", () => {
    const e = JSON.parse(readFileSync(path.join(out, "data-down.json"), "utf8")) as Obj;
    delete e.method;
    const file = path.join(dir, "broken-ctk.json");
    writeFileSync(file, JSON.stringify(e));
    expect(chaos(file).status).not.toBe(0);
  });
});
