import { createRequire } from "node:module";
import type { EndpointResult, PingResult, ServiceResult, Target } from "../features/ping/types.js";
import { colorsFor, json, renderTable, type Style } from "./table.js";

const require = createRequire(import.meta.url);

export const PING_FORMATS = ["table", "json", "junit", "github"] as const;
export type PingFormat = (typeof PING_FORMATS)[number];

type Colors = ReturnType<typeof colorsFor>;

/** What the table knows about a service while its probes are still running. */
export interface LiveRow {
  target: Target;
  endpoints: EndpointResult[];
  done?: ServiceResult;
}

export function pingTable(result: PingResult, style: Style): string {
  const rows = result.services.map((s) => ({ target: { service: s.service, endpoints: s.endpoints.map((e) => ({ key: e.endpoint, path: e.url })) }, endpoints: s.endpoints, done: s }));
  return table(rows, style) + footer(result, style);
}

/** The table as it fills in: finished cells show their status, the others an ellipsis. */
export function pingLiveTable(rows: LiveRow[], style: Style): string {
  return table(rows.map((r) => ({ target: r.target, endpoints: r.endpoints, done: r.done })), style);
}

function table(rows: Array<{ target: Pick<Target, "service" | "endpoints">; endpoints: EndpointResult[]; done?: ServiceResult }>, style: Style): string {
  const c = colorsFor(style);
  const keys = ["live", "ready", "health", "url"].filter((k) => rows.some((r) => r.target.endpoints.some((e) => e.key === k)));
  const hasDocker = rows.some((r) => r.done?.docker);
  const head = ["service", ...keys, "latency p50/max", "status", "breaker", ...(hasDocker ? ["docker"] : [])];
  const body = rows.map((r) => {
    const cells = keys.map((k) => {
      if (!r.target.endpoints.some((e) => e.key === k)) return c.dim("—");
      const es = r.endpoints.filter((x) => x.endpoint === k);
      const pending = r.target.endpoints.filter((e) => e.key === k).length - es.length;
      return [...es.map((e) => endpointCell(e, c)), ...Array<string>(pending).fill(c.dim("…"))].join(" ");
    });
    const d = r.done;
    const lat = d?.latency.p50 !== undefined ? `${ms(d.latency.p50)}/${ms(d.latency.max!)}` : d ? c.dim("—") : c.dim("…");
    const status = d ? statusCell(d.status, c) : c.dim("probing");
    const breaker = d ? (d.breaker === "open" ? c.red("open") : c.dim("closed")) : c.dim("…");
    const docker = d?.docker ? dockerCell(d, c) : c.dim("—");
    return [r.target.service, ...cells, lat, status, breaker, ...(hasDocker ? [docker] : [])];
  });
  return renderTable(head, body, style);
}

function endpointCell(e: EndpointResult, c: Colors): string {
  const code = e.httpStatus && e.httpStatus >= 300 && e.status !== "missing" ? ` ${e.httpStatus}` : "";
  const text = e.status + code;
  if (e.status === "missing" && e.level === "pass") return c.dim(text);
  return e.level === "pass" ? c.green(text) : e.level === "warn" ? c.yellow(text) : c.red(text);
}

function statusCell(s: ServiceResult["status"], c: Colors): string {
  return s === "healthy" ? c.green(s) : s === "degraded" ? c.yellow(s) : c.red(s);
}

function dockerCell(s: ServiceResult, c: Colors): string {
  const d = s.docker!;
  const text = d.health !== "none" ? `${d.state} (${d.health})` : d.state;
  return d.state === "running" && d.health !== "unhealthy" ? text : c.red(text);
}

function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)}ms` : `${Math.round(n)}ms`;
}

function footer(result: PingResult, style: Style): string {
  const c = colorsFor(style);
  let out = "";
  for (const s of result.services) {
    for (const e of s.endpoints) {
      if (e.level === "pass") continue;
      const line = `${s.service} ${e.endpoint}: ${e.message}${e.attempts > 1 ? ` (${e.attempts} attempts)` : ""}`;
      out += `${e.level === "warn" ? c.yellow("warn") : c.red("fail")}  ${line}\n`;
    }
    if (s.docker && s.docker.state !== "running") out += `${c.red("docker")}  ${s.service}: container ${s.docker.container} is ${s.docker.status}\n`;
  }
  for (const n of result.notes) out += `${c.dim("note")}  ${n}\n`;
  out += summary(result) + "\n";
  return out;
}

export function summary(result: PingResult): string {
  const n = (st: ServiceResult["status"]) => result.services.filter((s) => s.status === st).length;
  const waited = result.rounds > 1 ? ` after ${result.rounds} rounds` : "";
  return `${n("healthy")} healthy, ${n("degraded")} degraded, ${n("unhealthy")} unhealthy in ${(result.elapsedMs / 1000).toFixed(2)}s${waited}`;
}

export function pingJson(result: PingResult): string {
  return json(result);
}

/** One suite per service, one testcase per endpoint; failures name the status and why. */
export function pingJunit(result: PingResult): string {
  const junit = require("junit-report-builder") as { default?: JunitBuilder } & JunitBuilder;
  const builder = (junit.default ?? junit).newBuilder();
  for (const s of result.services) {
    const suite = builder.testSuite().name(`fks ping ${s.service}`);
    for (const e of s.endpoints) {
      const tc = suite.testCase().className(`fks.ping.${s.service}`).name(`${s.service} ${e.endpoint} ${e.url}`).time((e.elapsedMs ?? 0) / 1000);
      const docker = s.docker ? ` [docker: ${s.docker.state}${s.docker.health !== "none" ? ` ${s.docker.health}` : ""}]` : "";
      const text = `${e.status}: ${e.message}${docker}`;
      if (e.level === "fail") tc.failure(text, e.status);
      else if (e.level === "warn" && result.failOn === "warn") tc.failure(text, e.status);
      else tc.standardOutput(text);
    }
    if (s.docker && s.docker.state !== "running") {
      suite.testCase().className(`fks.ping.${s.service}`).name(`${s.service} docker ${s.docker.container}`).failure(`container ${s.docker.status}`, "docker");
    }
  }
  return builder.build() + "\n";
}

interface JunitBuilder {
  newBuilder(): { testSuite(): { name(n: string): { testCase(): JunitCase } }; build(): string };
}
interface JunitCase {
  className(n: string): JunitCase;
  name(n: string): JunitCase;
  time(s: number): JunitCase;
  failure(msg: string, type?: string): JunitCase;
  standardOutput(s: string): JunitCase;
}

/** GitHub Actions annotations: an error per failing endpoint, a warning per degraded one. */
export function pingGithub(result: PingResult): string {
  const esc = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const prop = (s: string) => esc(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  let out = "";
  for (const s of result.services) {
    for (const e of s.endpoints) {
      if (e.level === "pass") continue;
      const kind = e.level === "fail" ? "error" : "warning";
      out += `::${kind} title=${prop(`fks ping ${s.service} ${e.endpoint}`)}::${esc(`${e.url} ${e.status}: ${e.message}`)}\n`;
    }
  }
  out += `::notice title=fks ping::${esc(summary(result))}\n`;
  return out;
}

export function renderPing(result: PingResult, format: PingFormat, style: Style): string {
  switch (format) {
    case "json":
      return pingJson(result);
    case "junit":
      return pingJunit(result);
    case "github":
      return pingGithub(result);
    default:
      return pingTable(result, style);
  }
}
