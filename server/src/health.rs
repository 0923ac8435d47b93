//! Liveness and readiness for orchestrators and for the demo's start-up.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::AppState;

/// `GET /healthz`: the process serves HTTP.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: storage answers; 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let mut ready = true;
    let mut report = serde_json::Map::new();
    if let Some(outbox) = &state.outbox {
        match outbox.depth().await {
            Ok(depth) => {
                report.insert("outbox".into(), json!({ "ok": true, "pending": depth }));
            }
            Err(e) => {
                ready = false;
                report.insert("outbox".into(), json!({ "ok": false, "error": e.to_string() }));
            }
        }
    }
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Value::Object(report)))
}
