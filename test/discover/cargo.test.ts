import { describe, expect, it } from "vitest";
import { parseCargoManifest } from "../../src/lang/toml/cargo.js";
import { discover } from "../../src/features/discover/index.js";
import { tempTree } from "../helpers.js";

const MANIFEST = [
  "[package]",
  'name = "orders"',
  'version = "0.3.1"',
  "",
  "[dependencies]",
  'axum = { version = "0.8", features = [',
  '  "macros",',
  "] }",
  "sqlx.workspace = true",
  'sqlx.features = ["postgres"]',
  '"tokio-postgres" = { version = "0.7", default-features = false }',
  "",
  "[dependencies.serde]",
  'version = "1"',
  "",
  "[target.'cfg(unix)'.dependencies]",
  'nix = "0.29"',
  "",
  "[dev-dependencies]",
  'proptest = "1"',
  "",
  "[[bin]]",
  'name = "orders-cli"',
  'path = "src/cli.rs"',
  "",
].join("\n");

describe("Cargo.toml", () => {
  it("reads inline tables over several lines, dotted and quoted keys, sub-tables and per-target tables", () => {
    const m = parseCargoManifest(MANIFEST);
    expect(m.name).toBe("orders");
    expect(m.version).toBe("0.3.1");
    expect([...m.dependencies.keys()].sort()).toEqual(["axum", "nix", "serde", "sqlx", "tokio-postgres"]);
    expect(m.dependencies.get("axum")).toMatchObject({ version: "0.8", features: ["macros"], defaultFeatures: true });
    expect(m.dependencies.get("sqlx")).toMatchObject({ workspace: true, features: ["postgres"] });
    expect(m.dependencies.get("tokio-postgres")!.defaultFeatures).toBe(false);
    expect([...m.devDependencies.keys()]).toEqual(["proptest"]);
    expect(m.bins).toEqual([{ name: "orders-cli", path: "src/cli.rs" }]);
    expect(m.workspace).toBeUndefined();
  });

  it("discovery gives each dependency the line that declares it, and survives a manifest that does not parse", async () => {
    const dir = tempTree({
      "orders/Cargo.toml": MANIFEST,
      "orders/src/main.rs": 'fn main() { let _ = "0.0.0.0:8080"; }\n',
      "broken/Cargo.toml": '[package]\nname = "broken"\n[dependencies]\naxum = \n',
      "broken/src/main.rs": "fn main() {}\n",
      "api/requirements.txt": "fastapi\n",
      "api/main.py": "from fastapi import FastAPI\n",
    });
    const r = await discover({ cwd: dir });
    expect(r.services.map((s) => `${s.name}:${s.framework}`)).toEqual(["api:fastapi", "orders:axum"]);
    expect(r.services.find((s) => s.name === "orders")!.sources.framework).toEqual(["orders/Cargo.toml:6"]);
  });
});
