import { describe, expect, it } from "vitest";
import { containerAddress, loopbackUrl } from "../../src/features/ping/address.js";
import type { ContainerInfo } from "../../src/io/docker.js";

describe("the loopback URL in a health command", () => {
  it.each([
    ["wget -q -O- http://127.0.0.1:8080/health", { origin: "http://127.0.0.1:8080", path: "/health" }],
    ["curl -fsS http://localhost:8000/healthz || exit 1", { origin: "http://127.0.0.1:8000", path: "/healthz" }],
    [`python -c "import urllib.request as u; u.urlopen('http://0.0.0.0:9000/ready?full=1')"`, { origin: "http://127.0.0.1:9000", path: "/ready" }],
    ["curl -k https://[::1]:8443/", { origin: "https://[::1]:8443", path: undefined }],
    // The port is the container's own variable: the path is still a good guess, the origin is not.
    ["curl -f http://localhost:${PORT}/status", { origin: undefined, path: "/status" }],
    ["curl -f http://localhost/health;echo", { origin: "http://127.0.0.1", path: "/health" }],
  ])("%s", (cmd, want) => {
    expect(loopbackUrl(cmd)).toEqual(want);
  });

  it.each(["pg_isready -U app", "redis-cli ping", "curl -f http://api.internal:8000/health"])("none in %s", (cmd) => {
    expect(loopbackUrl(cmd)).toBeUndefined();
  });
});

describe("a container's address", () => {
  const c = (over: Partial<ContainerInfo>): ContainerInfo => ({ id: "abc", name: "svc", image: "acme/svc", state: "running", health: "none", status: "Up", ports: [], labels: {}, ...over });

  it("takes the labels first, then a published port, then the HEALTHCHECK, then a single EXPOSE", () => {
    const hn = { healthcheck: "wget -O- http://127.0.0.1:7000/hc", exposed: [7001] };
    expect(containerAddress(c({ labels: { "fks.url": "http://10.0.0.5:81/" }, ports: [{ container: 80, host: 8080 }], hostNetwork: hn }))?.url).toBe("http://10.0.0.5:81");
    expect(containerAddress(c({ labels: { "fks.port": "9001" }, ports: [{ container: 80, host: 8080 }] }))?.url).toBe("http://127.0.0.1:9001");
    expect(containerAddress(c({ ports: [{ container: 80, host: 8080, ip: "0.0.0.0" }], hostNetwork: hn }))?.url).toBe("http://127.0.0.1:8080");
    expect(containerAddress(c({ hostNetwork: hn }))).toMatchObject({ url: "http://127.0.0.1:7000", healthPath: "/hc" });
    expect(containerAddress(c({ hostNetwork: { healthcheck: "curl http://localhost:$PORT/hc", exposed: [7001] } }))).toMatchObject({ url: "http://127.0.0.1:7001", healthPath: "/hc" });
    expect(containerAddress(c({ hostNetwork: { exposed: [7001, 7002] } }))).toBeUndefined();
    expect(containerAddress(c({ labels: { "fks.port": "http" } }))).toBeUndefined();
  });
});
