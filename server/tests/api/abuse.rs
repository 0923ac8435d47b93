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
async fn a_submission_without_a_valid_form_token_gets_403_token_invalid_so_the_widget_renews_it() {
    let app = spawn_app().await;
    for token in [None, Some("v1.123.forged".to_owned()), Some(form_token("ngo", 60_000))] {
        let response = post(&app, &submission(), token.clone(), None).await;
        assert_eq!(response.status(), 403, "{token:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "token_invalid", "{body}");
    }
    assert!(app.outbox_ids().is_empty());
}

/// The central store's rows with their flags, once forwarded.
async fn flags(app: &TestApp, n: usize) -> Vec<(String, Option<String>)> {
    app.wait_for_central(n).await.into_iter().map(|r| (r.submission.id, r.flag)).collect()
}

#[tokio::test]
async fn a_form_sent_seconds_after_loading_is_stored_and_flagged_never_dropped() {
    // Issue 10, defect 4: it was answered 202 and thrown away, and the
    // widget then deleted its copy.
    let app = spawn_app().await;
    let body = submission();
    let response = post(&app, &body, Some(form_token("demo", 500)), None).await;
    assert_eq!(response.status(), 202);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "accepted");
    assert_eq!(app.outbox_ids(), vec![body["id"].as_str().unwrap().to_owned()], "stored");
    assert_eq!(flags(&app, 1).await, vec![(body["id"].as_str().unwrap().to_owned(), Some("too_fast".to_owned()))]);
    assert!(metrics(&app).await.contains("gdc_bot_submissions_total{reason=\"too_fast\"} 1"));
}

#[tokio::test]
async fn a_token_from_the_future_is_stored_and_flagged_never_dropped() {
    // Clock skew between companions sharing a key.
    let app = spawn_app().await;
    let body = submission();
    let response = post(&app, &body, Some(form_token("demo", -120_000)), None).await;
    assert_eq!(response.status(), 202);
    assert_eq!(flags(&app, 1).await[0].1.as_deref(), Some("too_fast"));
}

#[tokio::test]
async fn a_filled_honeypot_is_stored_and_flagged_and_an_empty_one_is_not() {
    let app = spawn_app().await;
    let response = post(&app, &submission(), Some(form_token("demo", 60_000)), Some("https://spam.example")).await;
    assert_eq!(response.status(), 202);
    assert_eq!(app.outbox_ids().len(), 1);
    assert!(metrics(&app).await.contains("gdc_bot_submissions_total{reason=\"honeypot\"} 1"));

    // An empty honeypot is what people send.
    let response = post(&app, &submission(), Some(form_token("demo", 60_000)), Some("")).await;
    assert_eq!(response.status(), 202);
    let flags = flags(&app, 2).await;
    assert_eq!(flags.iter().map(|(_, f)| f.as_deref()).collect::<Vec<_>>(), vec![Some("honeypot"), None]);
}

#[tokio::test]
async fn a_flagged_contribution_stays_out_of_the_published_feed_until_an_organiser_publishes_it() {
    let app = spawn_app().await;
    let mut body = submission();
    body["consent"]["publish"] = serde_json::json!(true);
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(post(&app, &body, Some(form_token("demo", 500)), None).await.status(), 202);
    app.wait_for_central(1).await;
    let store = gdc_server::central::SqliteStore::open(&app.dir.path().join("data/central.sqlite")).unwrap();
    // Publishing is the review: afterwards it is shown, and no longer flagged.
    let feed = gdc_server::central::FeedQuery { topic: "ai".into(), lang: None, page: 1 };
    let shown = || store.published(&feed, gdc_server::central::Moderation::Pre).unwrap().items;
    assert!(shown().is_empty());
    assert!(store.moderate(std::slice::from_ref(&id), gdc_server::central::Action::Approve).unwrap().is_empty());
    assert_eq!(shown()[0].id, id);
    assert_eq!(store.rows().unwrap()[0].flag, None);
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
    // Fresh: a submission with it right away is doubted (stored, flagged).
    post(&app, &submission(), Some(token), None).await;
    assert_eq!(flags(&app, 1).await[0].1.as_deref(), Some("too_fast"));
    assert_eq!(app.get("/v1/token?site=closed").await.status(), 403);
    assert_eq!(app.get("/v1/token?site=nobody").await.status(), 403);
}
