//! The quiet bot defences: what a bot sees, what is stored, what is counted.

use serde_json::Value;

use crate::helpers::{TestApp, form_token, spawn_app, submission};

async fn post(app: &TestApp, body: &Value, token: Option<String>, honeypot: Option<&str>) -> reqwest::Response {
    let mut request = app.client.post(format!("{}/v1/submissions", app.url)).json(body);
    if let Some(t) = token {
        request = request.header("gdc-token", t);
    }
    if let Some(h) = honeypot {
        request = request.header("gdc-hp", h);
    }
    request.send().await.unwrap()
}

async fn metrics(app: &TestApp) -> String {
    app.get("/metrics").await.text().await.unwrap()
}

#[tokio::test]
async fn a_submission_without_a_valid_form_token_gets_403_saying_to_reload() {
    let app = spawn_app().await;
    for token in [None, Some("v1.123.forged".to_owned()), Some(form_token("ngo", 60_000))] {
        let response = post(&app, &submission(), token.clone(), None).await;
        assert_eq!(response.status(), 403, "{token:?}");
        let body: Value = response.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("reload the page"), "{body}");
    }
    assert!(app.outbox_ids().is_empty());
}

#[tokio::test]
async fn a_form_sent_seconds_after_loading_looks_accepted_but_is_not_stored() {
    let app = spawn_app().await;
    let body = submission();
    let response = post(&app, &body, Some(form_token("demo", 500)), None).await;
    assert_eq!(response.status(), 202, "the bot sees what a person sees");
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "accepted");
    assert!(app.outbox_ids().is_empty(), "but nothing is stored");
    assert!(metrics(&app).await.contains("gdc_bot_submissions_total{reason=\"too_fast\"} 1"));
}

#[tokio::test]
async fn a_filled_honeypot_looks_accepted_but_is_not_stored() {
    let app = spawn_app().await;
    let response = post(&app, &submission(), Some(form_token("demo", 60_000)), Some("https://spam.example")).await;
    assert_eq!(response.status(), 202);
    assert!(app.outbox_ids().is_empty());
    assert!(metrics(&app).await.contains("gdc_bot_submissions_total{reason=\"honeypot\"} 1"));

    // An empty honeypot is what people send.
    let response = post(&app, &submission(), Some(form_token("demo", 60_000)), Some("")).await;
    assert_eq!(response.status(), 202);
    assert_eq!(app.outbox_ids().len(), 1);
}

#[tokio::test]
async fn the_token_endpoint_issues_tokens_for_registered_sites_only() {
    let app = spawn_app().await;
    let response = app.get("/v1/token?site=demo").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body = response.json::<Value>().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("v1."));
    // With the site's topics (none listed: all), for an inline widget to
    // offer only those.
    assert_eq!(body["topics"], serde_json::json!([]));
    let ngo = app.get("/v1/token?site=ngo").await.json::<Value>().await.unwrap();
    assert_eq!(ngo["topics"], serde_json::json!(["data", "ai"]));
    // Fresh: a submission with it right away is taken for a bot.
    post(&app, &submission(), Some(token), None).await;
    assert!(app.outbox_ids().is_empty());
    assert_eq!(app.get("/v1/token?site=closed").await.status(), 403);
    assert_eq!(app.get("/v1/token?site=nobody").await.status(), 403);
}
