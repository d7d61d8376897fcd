//! Order routes, nested under /api/orders by main.rs.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Mutex,
};

use axum::{
    extract::Path,
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static ORDERS: Mutex<Vec<Order>> = Mutex::new(Vec::new());

#[derive(Clone, Serialize)]
pub struct Order {
    pub id: u64,
    pub symbol: String,
    pub side: String,
    pub quantity: f64,
    pub status: String,
    /// Mid price from the data service when the order was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
}

#[derive(Deserialize)]
pub struct NewOrder {
    pub symbol: String,
    pub side: String,
    pub quantity: f64,
}

pub fn router() -> Router {
    Router::new()
        .route("/", get(list_orders).post(submit_order))
        .route("/{id}", get(get_order).delete(cancel_order))
        .route("/{id}/fills", get(list_fills))
        // planted: a verb in the path
        .route("/{id}/cancelOrder", post(cancel_order))
}

async fn list_orders() -> Json<Vec<Order>> {
    Json(ORDERS.lock().unwrap().clone())
}

async fn submit_order(Json(new): Json<NewOrder>) -> (StatusCode, Json<Order>) {
    let price = crate::market::mid_price(&new.symbol).await;
    let order = Order {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        symbol: new.symbol,
        side: new.side,
        quantity: new.quantity,
        status: "accepted".into(),
        price,
    };
    ORDERS.lock().unwrap().push(order.clone());
    (StatusCode::CREATED, Json(order))
}

async fn get_order(Path(id): Path<u64>) -> Result<Json<Order>, StatusCode> {
    ORDERS
        .lock()
        .unwrap()
        .iter()
        .find(|o| o.id == id)
        .cloned()
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

async fn cancel_order(Path(id): Path<u64>) -> Result<Json<Order>, StatusCode> {
    let mut orders = ORDERS.lock().unwrap();
    let order = orders.iter_mut().find(|o| o.id == id).ok_or(StatusCode::NOT_FOUND)?;
    order.status = "cancelled".into();
    Ok(Json(order.clone()))
}

async fn list_fills(Path(id): Path<u64>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "order_id": id, "fills": [] }))
}
