//! Position routes, merged at the root by main.rs.

use axum::{extract::Path, routing::get, Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router {
    Router::new()
        .route("/api/positions", get(list_positions))
        .route("/api/positions/{symbol}", get(get_position))
}

async fn list_positions() -> Json<Value> {
    Json(json!([
        { "symbol": "AAPL", "quantity": 100.0 },
        { "symbol": "MSFT", "quantity": -20.0 }
    ]))
}

async fn get_position(Path(symbol): Path<String>) -> Json<Value> {
    Json(json!({ "symbol": symbol.to_uppercase(), "quantity": 0.0 }))
}
