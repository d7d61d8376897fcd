import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { editYaml } from "../../lang/yaml/edit.js";
import { brokenBecause } from "./image.js";
import type { DockerfilePlan } from "./dockerfile.js";
import { RULES } from "./rules.js";
import { brokenNote, MISSING_NOTE, withoutLines } from "./stale-comments.js";
import { programOf } from "./image.js";
import type { PlanFinding, PlanParts, ScaffoldSettings, ServicePlanInput } from "./types.js";
import { ensure, getMap, lineOf } from "./yaml-util.js";

export interface ComposeEntry {
  input: ServicePlanInput;
  docker?: DockerfilePlan;
  /** The service's healthcheck lives in another compose file (its base); here only its depends_on is upgraded. */
  alsoIn?: true;
}

/** Healthcheck blocks and `condition: service_healthy` for the app services of one compose file. */
export function planCompose(abs: string, text: string, display: string, entries: Map<string, ComposeEntry>, s: ScaffoldSettings, parsed?: Document.Parsed[]): PlanParts {
  const findings: PlanFinding[] = [];
  const t = s.timing;
  const after = editYaml(text, (docs) => {
    const doc = docs[0];
    const services = doc ? getMap(doc.contents, "services") : undefined;
    if (!doc || !services) return false;
    let changed = false;
    const willBeHealthy = new Set<string>();
    for (const pair of services.items) {
      const name = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const svc = isMap(pair.value) ? (pair.value as YAMLMap) : undefined;
      if (!svc) continue;
      const entry = entries.get(name);
      const hc = resolved(doc, svc.get("healthcheck", true) ?? merged(doc, svc, "healthcheck"));
      const line = lineOf(text, pair.key) ?? 1;
      if (!entry || entry.alsoIn) {
        // Extended from another file: healthy here only through the image's HEALTHCHECK, when its base
        // file sets no compose healthcheck of its own (one that never passes would override it).
        if (isMap(hc) || (entry?.docker?.healthy && !entry.input.record.compose?.healthcheck)) willBeHealthy.add(name);
        continue;
      }
      const svcName = entry.input.record.name;
      const command = entry.docker?.command;
      // A worker or an nginx in front: no HTTP healthcheck to add (its own depends_on is still upgraded below).
      if (entry.input.noProbe && !isMap(hc)) {
        const api = entry.input.inheritsHealthcheck?.from;
        if (api) {
          // Only a HEALTHCHECK the image has today is a finding; the one this plan adds comes with its switch-off.
          if (entry.input.inheritsHealthcheck!.already) findings.push({ rule: RULES.workerInherits.id, severity: RULES.workerInherits.severity, file: display, line, service: svcName, fixed: true, message: `runs ${api}'s image, whose HEALTHCHECK asks for ${entry.input.paths.ready}: nothing in this container serves it, so it is never healthy`, hint: "switch the inherited check off for this service (healthcheck: disable: true)" });
          const block = doc.createNode({ disable: true }) as YAMLMap;
          block.commentBefore = ` fks: the image's HEALTHCHECK probes ${api}, which does not run in this container`;
          svc.set("healthcheck", block);
          changed = true;
        }
        continue;
      }
      if (isMap(hc)) {
        const testNode = hc.get("test", true) as { toJSON?: () => unknown } | undefined;
        const test = testNode?.toJSON ? testNode.toJSON() : (hc.get("test") as unknown);
        const arr = Array.isArray(test) ? test.map(String) : typeof test === "string" ? ["CMD-SHELL", test] : [];
        if (arr[0] === "NONE" || hc.get("disable") === true) continue;
        const why = entry.docker?.facts ? brokenBecause(JSON.stringify(arr), entry.docker.facts) : undefined;
        const hcLine = lineOf(text, hc) ?? line;
        if (why) {
          const fix = s.force && !!command;
          findings.push({ rule: RULES.composeBroken.id, severity: RULES.composeBroken.severity, file: display, line: hcLine, service: svcName, fixed: fix, needsForce: !s.force && !!command, message: `compose healthcheck can never pass: ${why}`, hint: command ? undefined : noCommandHint(entry, "replace it by hand") });
          if (fix) {
            const own = unaliased(doc, svc, "healthcheck") as YAMLMap;
            const testPair = own.items.find((p) => keyOf(p) === "test");
            if (testPair && isScalar(testPair.key)) {
              // The comment about the old command ("the image has no curl, so this never passes") is false now;
              // above the first key yaml keeps it on the map.
              const stale = brokenNote(programOf(JSON.stringify(arr)).program);
              const onMap = own.items[0] === testPair && !testPair.key.commentBefore;
              const kept = withoutLines(onMap ? own.commentBefore : testPair.key.commentBefore, stale);
              if (onMap) own.commentBefore = null;
              testPair.key.commentBefore = [kept?.trimEnd(), ` fks scaffold health --force replaced a check that could never pass: ${why}`].filter(Boolean).join("\n");
            }
            own.set("test", execList(doc, command!));
            changed = true;
            changed = ensure(doc, own, "retries", t.retries) || changed;
            willBeHealthy.add(name);
          }
        } else {
          willBeHealthy.add(name);
          const interval = seconds(String(hc.get("interval") ?? "30s"));
          const retries = Number(hc.get("retries") ?? 3);
          if (interval < 10 || interval > 30 || retries !== t.retries) {
            findings.push({ rule: RULES.timing.id, severity: RULES.timing.severity, file: display, line: hcLine, service: svcName, fixed: false, message: `compose healthcheck interval ${interval}s, retries ${retries}`, hint: `use an interval of 10–30 s and retries: ${t.retries}` });
          }
        }
        continue;
      }
      if (!entry.docker?.healthyBefore) {
        findings.push({ rule: RULES.composeMissing.id, severity: RULES.composeMissing.severity, file: display, line, service: svcName, fixed: !!command, message: "no healthcheck, and the image has none", hint: command ? undefined : noCommandHint(entry, "add a healthcheck by hand") });
      }
      if (command) {
        const block = doc.createNode({ test: execList(doc, command), interval: `${t.interval}s`, timeout: `${t.timeout}s`, start_period: `${t.startPeriod}s`, retries: t.retries }) as YAMLMap;
        dropMissingNotes(svc);
        svc.set("healthcheck", block);
        changed = true;
        willBeHealthy.add(name);
      } else if (entry.docker?.healthy) willBeHealthy.add(name);
    }
    // depends_on: wait for dependencies that can report health.
    for (const [name, entry] of entries) {
      const svc = getMap(services, name);
      const fromMerge = !!svc && !svc.has("depends_on");
      const raw = svc?.get("depends_on", true) ?? (svc ? merged(doc, svc, "depends_on") : undefined);
      const dep = resolved(doc, raw);
      if (!svc || !dep) continue;
      const line = lineOf(text, dep) ?? 1;
      if (isSeq(dep)) {
        const names = dep.items.map((i) => String((i as { value?: unknown }).value ?? i));
        // A merged list with nothing to wait for stays the shared one.
        if (fromMerge && !names.some((n) => willBeHealthy.has(n))) continue;
        const map = doc.createNode(Object.fromEntries(names.map((n) => [n, { condition: willBeHealthy.has(n) ? "service_healthy" : "service_started" }]))) as YAMLMap;
        // An alias's comments are its own; the anchored list's stay with the anchor.
        const said = isAlias(raw) ? raw : dep;
        map.comment = said.comment;
        // Other services may alias this list (`depends_on: *deps`): the anchor moves to the map that replaces it.
        if (!isAlias(raw) && dep.anchor && !fromMerge) map.anchor = dep.anchor;
        // Given by a merge key: the service's own map overrides it; the shared block stays a list.
        if (fromMerge) svc.set("depends_on", map);
        const pair = svc.items.find((p) => keyOf(p) === "depends_on")!;
        // `depends_on:   # note` parses as a comment before the list; on the key it stays on its line.
        const note = withoutLines(said.commentBefore, NOT_WAITING_NOTE);
        if (isScalar(pair.key) && note && !pair.key.comment) pair.key.comment = note;
        else map.commentBefore = note;
        pair.value = map;
        changed = true;
        if (names.some((n) => willBeHealthy.has(n))) findings.push(dependsFinding(display, line, entry, names.filter((n) => willBeHealthy.has(n))));
      } else if (isMap(dep)) {
        const waiting: string[] = [];
        const upgrade = (p: Pair) => {
          const target = String((p.key as { value?: unknown })?.value ?? p.key);
          const cond = isMap(p.value) ? String(p.value.get("condition") ?? "service_started") : "service_started";
          return cond === "service_started" && willBeHealthy.has(target);
        };
        const own = dep.items.some(upgrade) ? (unaliased(doc, svc, "depends_on") as YAMLMap) : dep;
        for (const p of own.items) {
          if (upgrade(p)) {
            const target = String((p.key as { value?: unknown })?.value ?? p.key);
            if (isMap(p.value)) ensure(doc, p.value, "condition", "service_healthy");
            else p.value = doc.createNode({ condition: "service_healthy" });
            waiting.push(target);
            changed = true;
          }
        }
        if (waiting.length) findings.push(dependsFinding(display, line, entry, waiting));
      }
    }
    return changed;
  }, parsed);
  return { edits: after === text ? [] : [{ file: abs, before: text, after, reason: "add healthchecks and wait for healthy dependencies" }], findings };
}

function noCommandHint(entry: ComposeEntry, byHand: string): string {
  const ready = entry.input.paths.ready;
  if (entry.input.unservable && !entry.input.served.has(ready)) return `the service does not serve ${ready} (${RULES.endpoints.id}): serve it, then run fks again`;
  return `${entry.docker?.why ?? "fks does not know an HTTP client in this image"}: ${byHand}`;
}

function dependsFinding(file: string, line: number, entry: ComposeEntry, names: string[]): PlanFinding {
  return { rule: RULES.composeDepends.id, severity: RULES.composeDepends.severity, file, line, service: entry.input.record.name, fixed: true, message: `depends_on does not wait for ${names.join(", ")} to be healthy` };
}

function seconds(v: string): number {
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : m[2] === "s" ? n : m[2] === "ms" ? n / 1000 : 0;
  }
  return total;
}

/** A note that the plain list does not wait for readiness: false once fks adds the conditions. */
const NOT_WAITING_NOTE = /\b(starts? before|does ?n[o']?t wait|not wait|without waiting|before (its|the)? ?deps? (are )?ready)\b/i;

/** The node an alias (`healthcheck: *hc`) stands for: read as what it is, not as a missing key. */
function resolved(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The node under `key`, copied in place of an alias first, so an edit changes this service and not every user of the anchor. */
function unaliased(doc: Document, svc: YAMLMap, key: string): unknown {
  const node = svc.get(key, true) ?? merged(doc, svc, key);
  if (!isAlias(node) && svc.has(key)) return node;
  if (!isAlias(node)) {
    // Given by a merge key: the service's own copy overrides it, the shared block stays as it is.
    const copy = (node as YAMLMap | YAMLSeq).clone();
    copy.anchor = undefined;
    svc.set(key, copy);
    return copy;
  }
  const copy = (node.resolve(doc) as YAMLMap | YAMLSeq).clone();
  copy.anchor = undefined;
  svc.set(key, copy);
  return copy;
}

/** What a merge key (`<<: *common`, or a list of them) gives `key` when the service does not set it itself. */
function merged(doc: Document, svc: YAMLMap, key: string): unknown {
  for (const p of svc.items) {
    const k = isScalar(p.key) ? p.key.value : p.key;
    if (k !== "<<" && !(typeof k === "symbol" && k.description === "<<")) continue;
    for (const src of isSeq(p.value) ? p.value.items : [p.value]) {
      const m = resolved(doc, src);
      const v = isMap(m) ? (m as YAMLMap).get(key, true) : undefined;
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

function keyOf(p: Pair): string {
  return String(isScalar(p.key) ? p.key.value : p.key);
}

/** `["CMD", "python", "-c", "…"]` on one line, each item double-quoted, as the compose docs write it. */
function execList(doc: Document, command: string[]): YAMLSeq {
  const seq = doc.createNode(["CMD", ...command]) as YAMLSeq;
  seq.flow = true;
  for (const item of seq.items) if (isScalar(item)) item.type = "QUOTE_DOUBLE";
  return seq;
}

/** Removes comment lines under a service that say its healthcheck is missing. */
function dropMissingNotes(node: unknown): void {
  if (!node || typeof node !== "object") return;
  if (isPair(node)) {
    dropMissingNotes(node.key);
    dropMissingNotes(node.value);
    return;
  }
  const n = node as Node & { items?: unknown[] };
  n.commentBefore = withoutLines(n.commentBefore, MISSING_NOTE) ?? null;
  n.comment = withoutLines(n.comment, MISSING_NOTE) ?? null;
  if (isMap(n) || isSeq(n)) for (const item of n.items) dropMissingNotes(item);
}
