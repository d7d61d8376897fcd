//! Quotes from the data service, used to price accepted orders.

use serde_json::Value;

/// Base URL of the data service (docker-compose sets DATA_URL).
fn data_url() -> String {
    std::env::var("DATA_URL").unwrap_or_else(|_| "http://localhost:8002".to_string())
}

/// Mid price of a symbol, or None when the data service does not answer.
pub async fn mid_price(symbol: &str) -> Option<f64> {
    // planted: reqwest::get has no timeout, no breaker and drops the trace context
    let url = format!("{}/quotes/{symbol}", data_url());
    let quote: Value = reqwest::get(url).await.ok()?.json().await.ok()?;
    Some((quote["bid"].as_f64()? + quote["ask"].as_f64()?) / 2.0)
}
