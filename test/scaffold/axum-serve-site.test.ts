/**
 * Where the health router goes in an axum crate shaped like launchbadge/realworld-axum-sqlx: main()
 * builds a database pool and calls the library's own `http::serve(config, db)`, which serves the
 * Router. And an axum older than 0.7 is refused before anything is written.
 */
import { describe, expect, it } from "vitest";
import { scaffoldHealth } from "../../src/index.js";
import { removeTree, tempTree } from "../helpers.js";

const crate = (axum: string) => ({
  "Cargo.toml": `[package]\nname = "shop"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "${axum}"\ntokio = { version = "1", features = ["full"] }\n`,
  "src/main.rs": [
    "use shop::http;",
    "",
    "#[tokio::main]",
    "async fn main() {",
    "    let db = Pool::connect(&std::env::var(\"DATABASE_URL\").unwrap())",
    "        .await",
    "        .expect(\"db\");",
    "    http::serve(Config::from_env(), db).await;",
    "}",
    "",
  ].join("\n"),
  "src/lib.rs": "pub mod http;\n",
  "src/http/mod.rs": [
    "use axum::{routing::get, Router};",
    "",
    "pub async fn serve(config: Config, db: Pool) {",
    "    let app = api_router().with_state(db).layer(config.cors());",
    "    let listener = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await.unwrap();",
    "    axum::serve(listener, app).await.unwrap();",
    "}",
    "",
    "fn api_router() -> Router<Pool> {",
    "    Router::new().route(\"/api/users\", get(|| async { \"[]\" }))",
    "}",
    "",
  ].join("\n"),
});

describe("axum: the Router the crate's own serve() serves", () => {
  it("merges the health router there, not into main()'s database pool that it passes along", async () => {
    const dir = tempTree(crate("0.8"));
    try {
      const r = await scaffoldHealth({ cwd: dir, dryRun: true });
      const main = r.edits.find((e) => e.file === "src/main.rs");
      expect(main?.after ?? "").not.toMatch(/\.merge\(/);
      const http = r.edits.find((e) => e.file === "src/http/mod.rs")!;
      expect(http.after).toMatch(/let app = api_router\(\)\.with_state\(db\)\.layer\(config\.cors\(\)\)\.merge\(crate::health::router\(\)\);/);
      expect(r.edits.find((e) => e.file === "src/lib.rs")!.after).toMatch(/^pub mod health;$/m);
    } finally {
      removeTree(dir);
    }
  });

  it("an axum older than 0.7 is refused with its Cargo.toml line, and nothing is planned", async () => {
    const dir = tempTree(crate("0.3.4"));
    try {
      const r = await scaffoldHealth({ cwd: dir, dryRun: true });
      expect(r.edits).toEqual([]);
      const f = r.findings.find((x) => x.rule === "health/endpoints-missing")!;
      expect(`${f.file}:${f.line}`).toBe("Cargo.toml:7");
      expect(f.hint).toMatch(/axum 0\.3\.4 is older than 0\.7/);
    } finally {
      removeTree(dir);
    }
  });
});
