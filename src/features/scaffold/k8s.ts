import { isMap, isSeq, type Document, type YAMLMap } from "yaml";
import { editYaml } from "../../lang/yaml/edit.js";
import { FksError } from "../../errors.js";
import { RULES } from "./rules.js";
import type { PlanFinding, PlanParts, ScaffoldSettings, ServicePlanInput } from "./types.js";
import { ensure, getMap, lineOf } from "./yaml-util.js";

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HEALTHISH = /^\/(health|healthz|healthcheck|live|livez|liveness|ready|readyz|readiness|ping|status)\/?$/i;
type Obj = Record<string, unknown>;

/** Startup, liveness and readiness probes plus a preStop sleep for the workloads of one manifest file. */
export async function planK8s(abs: string, text: string, display: string, inputs: ServicePlanInput[], s: ScaffoldSettings, parsed?: Document.Parsed[]): Promise<PlanParts> {
  const findings: PlanFinding[] = [];
  const touched: Array<{ before: Obj; doc: Document }> = [];
  const after = editYaml(text, (docs) => {
    let changed = false;
    for (const doc of docs) {
      const root = doc.contents;
      if (!isMap(root)) continue;
      const meta = getMap(root, "metadata");
      const name = String(meta?.get("name") ?? "");
      const input = inputs.find((i) => i.record.k8s?.name === name && i.record.k8s.kind === String(root.get("kind")));
      // A worker serves no HTTP: no probe to add or check.
      if (!input || input.noProbe) continue;
      const before = doc.toJS() as Obj;
      const svc = input.record.name;
      if (!DNS1123.test(name) || name.length > 253) {
        findings.push({ rule: RULES.name.id, severity: RULES.name.severity, file: display, line: lineOf(text, meta?.get("name", true)), service: svc, fixed: false, message: `"${name}" is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')`, hint: `rename it to "${name.toLowerCase().replace(/[^a-z0-9.-]+/g, "-")}" yourself; fks does not rename resources because Services, HPAs and scripts refer to the name` });
      }
      const containers = (root.getIn(["spec", "template", "spec", "containers"], true) ?? undefined) as unknown;
      if (!isSeq(containers)) continue;
      for (const c of containers.items) {
        if (!isMap(c) || String(c.get("name")) !== input.record.k8s!.container) continue;
        if (!LABEL.test(String(c.get("name")))) {
          findings.push({ rule: RULES.name.id, severity: RULES.name.severity, file: display, line: lineOf(text, c), service: svc, fixed: false, message: `container name "${String(c.get("name"))}" is not a valid DNS-1123 label`, hint: "rename it yourself" });
        }
        changed = planContainer(doc, c, text, display, input, s, findings) || changed;
      }
      touched.push({ before, doc });
    }
    return changed;
  }, parsed);
  if (after !== text) await validate(touched, display);
  return { edits: after === text ? [] : [{ file: abs, before: text, after, reason: "add startup, liveness and readiness probes and a preStop sleep" }], findings };
}

function planContainer(doc: Document, c: YAMLMap, text: string, file: string, input: ServicePlanInput, s: ScaffoldSettings, findings: PlanFinding[]): boolean {
  const svc = input.record.name;
  const cLine = lineOf(text, c.get("name", true)) ?? 1;
  const ports = (c.toJSON() as Obj).ports as Array<{ containerPort?: number; name?: string }> | undefined;
  const own = (ports ?? []).find((p) => p.containerPort === input.record.port) ?? ports?.[0];
  const port: number | string = own?.name ?? own?.containerPort ?? input.record.port ?? 8000;
  // A probe's port is a number ("8080" too) or the name of one of the container's ports, as the kubelet resolves it.
  const exposed = (p: unknown) => (ports ?? []).some((x) => x.containerPort === (typeof p === "string" && /^\d+$/.test(p) ? Number(p) : p) || x.name === p);
  const add = (f: Omit<PlanFinding, "file" | "service">) => findings.push({ ...f, file, service: svc });
  const want = {
    startupProbe: { path: input.paths.live, period: 10, failure: 30 },
    livenessProbe: { path: input.paths.live, period: s.timing.interval, failure: s.timing.retries },
    readinessProbe: { path: input.paths.ready, period: 10, failure: s.timing.retries },
  } as const;
  // A path the code will not serve after the plan gets no probe: a liveness probe on a 404 restarts the pod forever.
  const willServe = (p: string) => !input.unservable || input.served.has(p) || input.serves?.(p) === true;
  const cannot = (p: string) => `the service does not serve ${p} (${RULES.endpoints.id}): serve it, then run fks again`;
  const existing = c.toJSON() as Obj;
  const live = existing.livenessProbe as Obj | undefined;
  const ready = existing.readinessProbe as Obj | undefined;
  if (live && ready && JSON.stringify(live.httpGet ?? live.exec ?? live.tcpSocket) === JSON.stringify(ready.httpGet ?? ready.exec ?? ready.tcpSocket)) {
    add({ rule: RULES.identical.id, severity: RULES.identical.severity, line: lineOf(text, c.get("readinessProbe", true)), fixed: !!(live.httpGet && ready.httpGet) && willServe(input.paths.live) && willServe(input.paths.ready), message: "liveness and readiness probes are the same check: a dependency outage restarts the pods instead of draining them", hint: `liveness on ${input.paths.live}, readiness on ${input.paths.ready}` });
  }
  let changed = false;
  for (const [key, w] of Object.entries(want)) {
    const node = c.get(key, true);
    const line = lineOf(text, node) ?? cLine;
    const cur = existing[key] as Obj | undefined;
    const spec = { httpGet: { path: w.path, port }, periodSeconds: w.period, timeoutSeconds: s.timing.timeout, failureThreshold: w.failure };
    if (!cur) {
      const rule = key === "livenessProbe" ? RULES.liveness : key === "readinessProbe" ? RULES.readiness : RULES.startup;
      if (!willServe(w.path)) {
        add({ rule: rule.id, severity: rule.severity, line: cLine, fixed: false, message: `container "${String(c.get("name"))}" has no ${key}`, hint: cannot(w.path) });
        continue;
      }
      add({ rule: rule.id, severity: rule.severity, line: cLine, fixed: true, message: `container "${String(c.get("name"))}" has no ${key}` });
      c.set(key, doc.createNode(spec));
      changed = true;
      continue;
    }
    const http = cur.httpGet as Obj | undefined;
    if (!http) {
      if (s.force) {
        c.set(key, doc.createNode(spec));
        changed = true;
      }
      continue;
    }
    const headers = (http.httpHeaders as Array<{ name?: string }> | undefined) ?? [];
    if (headers.some((h) => /authorization|token|api-key/i.test(h.name ?? ""))) add({ rule: RULES.probeAuth.id, severity: RULES.probeAuth.severity, line, fixed: true, message: `${key} sends credentials: probes must not need authentication` });
    const httpMap = getMap(node as unknown as YAMLMap, "httpGet") as YAMLMap | undefined;
    if (!exposed(http.port)) {
      const portLine = lineOf(text, httpMap?.get("port", true)) ?? line;
      const declared = (ports ?? []).map((x) => (x.name ? `${x.name} (${x.containerPort})` : String(x.containerPort))).join(", ") || "none";
      const message = typeof http.port === "string" && !/^\d+$/.test(http.port)
        ? `${key} names port "${http.port}", which container "${String(c.get("name"))}" does not declare (its ports: ${declared}): the kubelet fails this probe`
        : `${key} port ${String(http.port)} is not a port of the container (its ports: ${declared})`;
      add({ rule: RULES.probePort.id, severity: RULES.probePort.severity, line: portLine, fixed: exposed(port), message });
    }
    const p = String(http.path ?? "/");
    const plain = p.replace(/\/$/, "") || "/";
    const known = input.served.has(plain) || undefined;
    // The route catalog knows every path; without it only health-like paths can be judged.
    const served = known ?? input.serves?.(p) ?? (HEALTHISH.test(p) ? false : undefined);
    const pathLine = lineOf(text, httpMap?.get("path", true)) ?? line;
    const target = willServe(w.path);
    if (served === false) add({ rule: RULES.probePath.id, severity: RULES.probePath.severity, line: pathLine, fixed: target, message: `${key} path ${p} is not served by the service's code`, hint: target ? undefined : cannot(w.path) });
    const period = Number(cur.periodSeconds ?? 10);
    const failure = Number(cur.failureThreshold ?? 3);
    const badTiming = period < 10 || period > 30 || (key !== "startupProbe" && failure !== s.timing.retries);
    if (badTiming) add({ rule: RULES.timing.id, severity: RULES.timing.severity, line, fixed: true, message: `${key} periodSeconds ${period}, failureThreshold ${failure}`, hint: `periodSeconds 10–30 and failureThreshold ${s.timing.retries}` });
    const probe = node as unknown as YAMLMap;
    const httpNode = getMap(probe, "httpGet")!;
    if (target) changed = ensure(doc, httpNode, "path", w.path) || changed;
    changed = ensure(doc, httpNode, "port", port) || changed;
    if (headers.length && headers.some((h) => /authorization|token|api-key/i.test(h.name ?? ""))) {
      httpNode.delete("httpHeaders");
      changed = true;
    }
    if (badTiming) {
      changed = ensure(doc, probe, "periodSeconds", w.period) || changed;
      changed = ensure(doc, probe, "failureThreshold", w.failure) || changed;
    }
    if (cur.timeoutSeconds === undefined) changed = ensure(doc, probe, "timeoutSeconds", s.timing.timeout) || changed;
    // Written out even where it equals the default, so readers see the 3-failure rule.
    if (cur.failureThreshold === undefined) changed = ensure(doc, probe, "failureThreshold", w.failure) || changed;
  }
  const lifecycle = existing.lifecycle as Obj | undefined;
  if (!lifecycle?.preStop) {
    add({ rule: RULES.preStop.id, severity: RULES.preStop.severity, line: cLine, fixed: true, message: "no preStop hook: the pod gets SIGTERM while it is still in the Service's endpoints" });
    if (isMap(c.get("lifecycle", true))) getMap(c, "lifecycle")!.set("preStop", doc.createNode({ sleep: { seconds: 5 } }));
    else c.set("lifecycle", doc.createNode({ preStop: { sleep: { seconds: 5 } } }));
    changed = true;
  }
  return changed;
}

/** Schema validation with kubernetes-models: the edit must not add an error the manifest did not have. */
async function validate(touched: Array<{ before: Obj; doc: Document }>, file: string): Promise<void> {
  const apps = await import("kubernetes-models/apps/v1");
  const errorsOf = (o: Obj): string | undefined => {
    const Kind = (apps as unknown as Record<string, new (o: Obj) => { validate(): void }>)[String(o.kind)];
    if (!Kind) return undefined;
    try {
      new Kind(o).validate();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  for (const t of touched) {
    const after = errorsOf(t.doc.toJS() as Obj);
    if (after && after !== errorsOf(t.before)) throw new FksError(`${file}: the probes fks planned do not validate: ${after.split("\n")[0]}`, { file, hint: "report this to fks with the manifest" });
  }
}
