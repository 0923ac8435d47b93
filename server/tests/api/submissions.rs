//! `POST /v1/submissions`: what each kind of request gets, and what is stored.

use serde_json::{Value, json};

use crate::helpers::{field_errors, form_token, spawn_app, submission};

#[tokio::test]
async fn a_valid_submission_gets_202_and_is_in_the_outbox_when_acknowledged() {
    let app = spawn_app().await;
    let body = submission();
    let response = app.submit(&body).await;
    assert_eq!(response.status(), 202);
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(receipt, json!({ "id": body["id"], "status": "accepted" }));
    // Acknowledged means committed: the row is there the moment we look.
    assert_eq!(app.outbox_ids(), [body["id"].as_str().unwrap()]);
}

#[tokio::test]
async fn duplicate_id_is_acknowledged_without_a_second_row() {
    let app = spawn_app().await;
    let body = submission();
    assert_eq!(app.submit(&body).await.status(), 202);
    let mut changed = body.clone();
    changed["answers"][0]["principles"] = json!("a different text under the same id");
    let again = app.submit(&changed).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap(), json!({ "id": body["id"], "status": "duplicate" }));
    assert_eq!(app.outbox_ids().len(), 1);
    let rows = app.wait_for_central(1).await;
    assert_eq!(rows.len(), 1);
    // The first version is the one kept: the repeat changed nothing.
    assert_eq!(rows[0].submission.answers[0].texts["principles"], body["answers"][0]["principles"]);
}

#[tokio::test]
async fn an_accepted_submission_reaches_the_central_store_exactly_as_sent() {
    let app = spawn_app().await;
    let body = submission();
    assert_eq!(app.submit(&body).await.status(), 202);
    let rows = app.wait_for_central(1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].companion, "test");
    assert_eq!(serde_json::to_value(&rows[0].submission).unwrap(), body);
}

#[tokio::test]
async fn many_concurrent_submissions_are_each_stored_and_forwarded_once() {
    let app = spawn_app().await;
    let bodies: Vec<Value> = (0..200).map(|_| submission()).collect();
    let responses = futures::future::join_all(bodies.iter().map(|b| app.submit(b))).await;
    assert!(responses.iter().all(|r| r.status() == 202));
    let rows = app.wait_for_central(200).await;
    assert_eq!(rows.len(), 200);
    let mut ids: Vec<_> = rows.iter().map(|r| r.submission.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200);
}

#[tokio::test]
async fn an_invalid_submission_gets_422_naming_each_field_and_stores_nothing() {
    let app = spawn_app().await;
    let mut body = submission();
    body["submitter"]["country"] = json!("XX");
    body["answers"][0]["principles"] = json!("");
    body["answers"][0]["topic"] = json!("space");
    let response = app.submit(&body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        field_errors(response).await,
        [
            ("submitter.country".to_owned(), "unknown_value".to_owned()),
            ("answers[0].topic".to_owned(), "unknown_value".to_owned()),
            ("answers[0].principles".to_owned(), "required".to_owned()),
        ]
    );
    assert!(app.outbox_ids().is_empty());
}

#[tokio::test]
async fn json_of_the_wrong_shape_gets_422_naming_where_it_went_wrong() {
    let app = spawn_app().await;
    let mut body = submission();
    body["submitter"]["kind"] = json!(42);
    let response = app.submit(&body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(field_errors(response).await, [("submitter.kind".to_owned(), "invalid_format".to_owned())]);

    let mut body = submission();
    body["submitter"]["nickname"] = json!("x");
    let response = app.submit(&body).await;
    assert_eq!(response.status(), 422, "unknown fields are refused, not silently dropped");
    assert_eq!(field_errors(response).await[0].0, "submitter.nickname");

    let response = app
        .client
        .post(format!("{}/v1/submissions", app.url))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert_eq!(field_errors(response).await[0].0, "body");
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_415() {
    let app = spawn_app().await;
    for content_type in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let mut request = app.client.post(format!("{}/v1/submissions", app.url)).body(submission().to_string());
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 415, "{content_type:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unsupported_media_type");
    }
    let ok = app
        .client
        .post(format!("{}/v1/submissions", app.url))
        .header("content-type", "application/json; charset=utf-8")
        .header("gdc-token", form_token("demo", 60_000))
        .body(submission().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 202, "a charset parameter is fine");
}

#[tokio::test]
async fn a_body_over_1_mib_gets_413_and_nothing_is_stored() {
    let app = spawn_app().await;
    let mut body = submission();
    body["answers"][0]["comments"] = json!("x".repeat(1024 * 1024));
    let response = app.submit(&body).await;
    assert_eq!(response.status(), 413);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "payload_too_large");
    assert!(app.outbox_ids().is_empty());
}

#[tokio::test]
async fn the_largest_valid_submission_in_chinese_is_accepted() {
    // Issue 10, defect 10: eight topics, three answers of 4,000 characters
    // each, three bytes a character: 288 KB, refused as too large at 64 KiB.
    let app = spawn_app().await;
    let mut body = submission();
    let text: String = "数字契约".chars().cycle().take(4_000).collect();
    let topics = ["connectivity", "fragmentation", "data", "human-rights", "accountability", "ai", "commons", "other"];
    body["answers"] = json!(
        topics
            .iter()
            .map(|t| json!({"topic": t, "principles": text, "commitments": text, "comments": text}))
            .collect::<Vec<_>>()
    );
    body["submitter"]["name"] = json!("名".repeat(200));
    assert!(serde_json::to_vec(&body).unwrap().len() > 280_000);
    let response = app.submit(&body).await;
    assert_eq!(response.status(), 202);
    assert_eq!(app.wait_for_central(1).await[0].submission.answers.len(), 8);
}

#[tokio::test]
async fn unknown_and_disabled_sites_get_403() {
    let app = spawn_app().await;
    for site in ["nobody", "closed"] {
        let mut body = submission();
        body["site"] = json!(site);
        let response = app.submit(&body).await;
        assert_eq!(response.status(), 403, "{site}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "forbidden");
        assert!(error["message"].as_str().unwrap().contains(site), "the message names the site: {error}");
    }
    assert!(app.outbox_ids().is_empty());
}

#[tokio::test]
async fn only_the_sites_origins_or_the_companion_itself_may_post() {
    let app = spawn_app().await;
    let post = |origin: &'static str, site: &'static str| {
        let mut body = submission();
        body["site"] = json!(site);
        if site == "ngo" {
            body["answers"][0]["topic"] = json!("data");
        }
        app.client
            .post(format!("{}/v1/submissions", app.url))
            .header("origin", origin)
            .header("gdc-token", form_token(site, 60_000))
            .json(&body)
            .send()
    };
    assert_eq!(post("https://evil.example", "ngo").await.unwrap().status(), 403);
    assert_eq!(post("https://ngo.example.evil", "ngo").await.unwrap().status(), 403);
    assert_eq!(post("https://ngo.example", "ngo").await.unwrap().status(), 202);
    // Iframe mode: the widget runs on the companion's own origin.
    let own: &'static str = Box::leak(app.url.clone().into_boxed_str());
    assert_eq!(post(own, "ngo").await.unwrap().status(), 202);
}

#[tokio::test]
async fn a_topic_the_site_does_not_collect_gets_422() {
    let app = spawn_app().await;
    let mut body = submission();
    body["site"] = json!("ngo");
    body["answers"][0]["topic"] = json!("commons");
    let response = app.submit(&body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(field_errors(response).await, [("answers[0].topic".to_owned(), "not_allowed".to_owned())]);
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["outbox"]["ok"], true);
}

#[tokio::test]
async fn responses_carry_the_security_headers_and_never_a_cookie() {
    let app = spawn_app().await;
    let response = app.submit(&submission()).await;
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.headers().contains_key("referrer-policy"));
    assert!(!response.headers().contains_key("set-cookie"));
}
