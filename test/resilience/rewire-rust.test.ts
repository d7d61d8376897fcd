/**
 * Rewiring an axum service's reqwest calls: reqwest::get and Client::new().get(…).send() whose result
 * is only asked whether it worked become calls through the generated `Downstreams`; a call whose
 * reqwest::Error travels on with `?`, a builder call the generated client cannot take (one with `?`,
 * one reqwest-middleware lacks), or a client value with its own builder settings is listed with
 * file:line and why, and left as it was; builder calls such as .header() move into request_with.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fks, removeTree, tempTree } from "../helpers.js";

const MAIN = `use axum::{routing::get, Router};

mod prices;

pub fn app() -> Router {
    Router::new().route("/p", get(|| async { "ok" }))
}

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8003").await.unwrap();
    axum::serve(listener, app()).await.expect("server error");
}
`;

const PRICES = `fn base() -> String {
    std::env::var("QUOTES_URL").unwrap_or_else(|_| "http://localhost:9000".to_string())
}

pub async fn one(sym: &str) -> bool {
    reqwest::get(format!("{}/q/{sym}", base())).await.is_ok()
}

pub async fn two() -> Option<String> {
    reqwest::Client::new().post(format!("{}/orders", base())).send().await.ok()?.text().await.ok()
}

pub async fn three(sym: &str) -> Result<String, reqwest::Error> {
    reqwest::get(format!("{}/q/{sym}", base())).await?.text().await
}

pub async fn four() -> bool {
    reqwest::Client::new().get(format!("{}/q", base())).header("x-a", "1").send().await.is_ok()
}

pub async fn five() -> Option<bool> {
    Some(reqwest::Client::new().get(format!("{}/q", base())).header("x-t", std::env::var("T").ok()?).send().await.is_ok())
}

pub async fn six() -> bool {
    reqwest::Client::new().get(format!("{}/q", base())).fetch_mode_no_cors().send().await.is_ok()
}
`;

const QUOTES = `from fastapi import FastAPI

app = FastAPI()


@app.get("/q/{sym}")
def q(sym: str):
    return {"sym": sym}


@app.post("/orders")
def orders():
    return {}
`;

let dir = "";
afterAll(() => dir && removeTree(dir));

describe("scaffold resilience rewires reqwest calls (axum)", () => {
  it("rewrites the exact forms and lists the rest", () => {
    dir = tempTree({
      "docker-compose.yml": "services:\n  prices:\n    build: ./prices\n    environment:\n      QUOTES_URL: http://quotes:9000\n  quotes:\n    build: ./quotes\n    ports: [\"9000:9000\"]\n",
      "prices/Cargo.toml": '[package]\nname = "prices"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.8"\ntokio = { version = "1", features = ["macros", "rt-multi-thread", "net"] }\nreqwest = { version = "0.12", default-features = false }\n',
      "prices/src/main.rs": MAIN,
      "prices/src/prices.rs": PRICES,
      "quotes/requirements.txt": "fastapi\n",
      "quotes/app/__init__.py": "",
      "quotes/app/main.py": QUOTES,
    });
    const r = fks(["scaffold", "resilience", "prices", dir, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { findings: Array<{ rule: string; line?: number; message: string }> };
    const text = readFileSync(path.join(dir, "prices/src/prices.rs"), "utf8");
    expect(text).toContain('crate::resilience::Downstreams::shared().get("quotes", &format!("/q/{sym}")).await.is_ok()');
    expect(text).toContain('crate::resilience::Downstreams::shared().post("quotes", &format!("/orders")).await.ok()?');
    const lineOf = (needle: string) => PRICES.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const left = res.findings.filter((f) => f.rule === "resilience/not-rewired");
    expect(left.find((f) => f.line === lineOf("await?"))?.message).toMatch(/reqwest::Error/);
    // Builder calls move into request_with's closure; one with `?` or one the middleware's builder lacks cannot.
    expect(text).toContain('crate::resilience::Downstreams::shared().request_with("quotes", reqwest::Method::GET, &format!("/q"), |r| r.header("x-a", "1")).await.is_ok()');
    expect(left.find((f) => f.line === lineOf('"x-t"'))?.message).toMatch(/uses \?, \.await or return/);
    expect(left.find((f) => f.line === lineOf("fetch_mode_no_cors"))?.message).toMatch(/\.fetch_mode_no_cors\(\.\.\), which the generated client does not pass on/);
    expect(left).toHaveLength(3);
    expect(text).toContain('reqwest::get(format!("{}/q/{sym}", base())).await?');
    expect(text).toContain('.header("x-t", std::env::var("T").ok()?)');
    // base() still feeds the calls left alone: it stays.
    expect(text).toMatch(/^fn base\(\) -> String \{/m);
    expect(readFileSync(path.join(dir, "prices/src/main.rs"), "utf8")).toMatch(/^mod resilience;/m);
    const again = fks(["scaffold", "resilience", "prices", dir, "--format", "json"]);
    expect((JSON.parse(again.stdout) as { edits: unknown[] }).edits).toEqual([]);
  });
});
