//! Execution service: accepts orders from the api service and tracks positions.

use std::net::SocketAddr;

use axum::{routing::get, Json, Router};
use serde_json::{json, Value};

mod market;
mod orders;
mod positions;

pub fn app() -> Router {
    Router::new()
        .route("/", get(index))
        .nest("/api/orders", orders::router())
        .merge(positions::router())
}

async fn index() -> Json<Value> {
    Json(json!({ "service": "execution", "version": env!("CARGO_PKG_VERSION") }))
}

#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8003);
    let bind = std::env::var("BIND_ADDR").unwrap_or_else(|_| "0.0.0.0".to_string());
    let addr: SocketAddr = format!("{bind}:{port}")
        .parse()
        .expect("BIND_ADDR and PORT must form a socket address");

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("cannot bind listener");
    println!("execution listening on {}", listener.local_addr().unwrap());

    axum::serve(listener, app())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .expect("server error");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
