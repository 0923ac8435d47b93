//! Metrics, readiness, CORS and the OpenAPI document.

use gdc_server::assets::DOCUMENTED_PATHS;
use serde_json::Value;

use crate::helpers::{spawn_app, submission};

#[tokio::test]
async fn metrics_are_prometheus_text_with_intake_outbox_and_forwarding_figures() {
    let app = spawn_app().await;
    assert_eq!(app.submit(&submission()).await.status(), 202);
    app.wait_for_central(1).await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    for line in [
        "gdc_intake_requests_total{status=\"202\"} 1",
        "gdc_forwarded_submissions_total 1",
        "gdc_outbox_pending_rows 0",
        "gdc_outbox_dead_letters 0",
        "# TYPE gdc_forward_latency_seconds histogram",
        "# TYPE gdc_outbox_oldest_pending_age_seconds gauge",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(text.trim_end().ends_with("# EOF"));
}

#[tokio::test]
async fn cors_preflights_are_answered_for_registered_origins_only() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/v1/submissions", app.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, gdc-token")
            .send()
    };
    let ok = preflight("https://ngo.example").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://ngo.example");
    let allowed = ok.headers()["access-control-allow-headers"].to_str().unwrap().to_owned();
    assert!(allowed.contains("gdc-token") && allowed.contains("content-type"), "{allowed}");
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    // A disabled site's origin is not allowed either.
    let closed = preflight("https://closed.example").await.unwrap();
    assert!(closed.headers().get("access-control-allow-origin").is_none());
}

/// The OpenAPI document and the router describe the same API: every
/// documented operation answers (not 404 or 405), every route is
/// documented, and undocumented methods are refused.
#[tokio::test]
async fn the_openapi_document_matches_the_router() {
    let doc: Value = serde_json::from_str(gdc_server::openapi::document()).unwrap();
    let paths = doc["paths"].as_object().unwrap();

    let mut routed: Vec<&str> = gdc_server::api_paths();
    routed.extend(DOCUMENTED_PATHS);
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    routed.sort_unstable();
    documented.sort_unstable();
    assert_eq!(routed, documented, "router paths and documented paths differ");

    let served = spawn_app().await;
    for (path, ops) in paths {
        let concrete = path.replace("{file}", "gdc_widget-0000.wasm").replace("{key}", "demo");
        for method in ["get", "post", "put", "delete", "patch"] {
            let url = format!("{}{}", served.url, concrete);
            let response = served.client.request(method.to_uppercase().parse().unwrap(), &url).send().await.unwrap();
            let status = response.status().as_u16();
            if ops.get(method).is_some() {
                assert_ne!(status, 405, "{method} {path} is documented but not routed");
                // Asset files exist only once the widget is built.
                if !path.starts_with("/widget/") {
                    assert_ne!(status, 404, "{method} {path} is documented but not routed");
                }
            } else if !path.starts_with("/widget/") {
                assert!(status == 405 || status == 404, "{method} {path} answers {status} but is not documented");
            }
        }
    }
}

#[tokio::test]
async fn the_openapi_document_is_served() {
    let app = spawn_app().await;
    let response = app.get("/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    // Derived from the parser's own constants: the enums are the rules.
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["WireSubmission"]["properties"]["lang"]["enum"],
        serde_json::json!(gdc_core::submission::LANGUAGES)
    );
    assert_eq!(schemas["WireSubmission"]["properties"]["id"]["pattern"], gdc_core::openapi::ID_PATTERN);
    assert!(
        schemas["WireSubmitter"]["required"].as_array().unwrap().iter().all(|f| f != "stakeholder" && f != "country")
    );
}
