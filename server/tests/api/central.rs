//! The central store's side: `POST /v1/batches` and export.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, COMPANION_TOKEN, spawn_app_with, submission};

async fn app_without_companion() -> crate::helpers::TestApp {
    // Central role only, so nothing but the test posts batches.
    spawn_app_with(|c| c.companion.enabled = false).await
}

async fn post_batch(app: &crate::helpers::TestApp, token: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app.client.post(format!("{}/v1/batches", app.url)).json(body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn batches_need_a_companion_token() {
    let app = app_without_companion().await;
    let batch = json!({ "submissions": [submission()] });
    assert_eq!(post_batch(&app, None, &batch).await.status(), 401);
    assert_eq!(post_batch(&app, Some("wrong"), &batch).await.status(), 401);
    assert!(app.central_rows().is_empty());
}

#[tokio::test]
async fn each_item_of_a_batch_gets_its_own_result_and_ids_are_kept_once() {
    let app = app_without_companion().await;
    let (a, b) = (submission(), submission());
    let mut bad = submission();
    bad["submitter"]["country"] = json!("XX");
    let response = post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": [a, b, bad, a] })).await;
    assert_eq!(response.status(), 200);
    let results: Value = response.json().await.unwrap();
    let statuses: Vec<&str> =
        results["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["accepted", "accepted", "rejected", "duplicate"]);
    assert_eq!(results["results"][2]["errors"][0]["field"], "submitter.country");

    let again = post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": [b] })).await;
    assert_eq!(again.json::<Value>().await.unwrap()["results"][0]["status"], "duplicate");
    assert_eq!(app.central_rows().len(), 2);
}

#[tokio::test]
async fn export_gives_json_lines_and_csv_to_the_admin_only() {
    let app = app_without_companion().await;
    let mut s = submission();
    s["answers"][0]["comments"] = json!("=HYPERLINK(\"http://evil.example\")");
    post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": [s] })).await;

    let url = format!("{}/v1/export?format=jsonl", app.url);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(app.client.get(&url).bearer_auth(COMPANION_TOKEN).send().await.unwrap().status(), 401);

    let jsonl = app.client.get(&url).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(jsonl.status(), 200);
    let text = jsonl.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["submission"], s);

    let csv =
        app.client.get(format!("{}/v1/export?format=csv", app.url)).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("id,received_at,companion,consultation,site,lang,kind"));
    let row = lines.next().unwrap();
    assert!(row.contains("Transparence 🌍 الشفافية 透明"), "{row}");
    assert!(row.contains("'=HYPERLINK"), "formulas are defused: {row}");

    let unknown =
        app.client.get(format!("{}/v1/export?format=xml", app.url)).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(unknown.status(), 400);
}

#[tokio::test]
async fn only_contributions_whose_authors_agreed_are_published_with_the_credit_they_chose() {
    let app = app_without_companion().await;
    let mut public = submission();
    public["submitter"]["name"] = json!("Amina <b>Uwase</b>");
    public["submitter"]["email"] = json!("amina@example.org");
    public["consent"] = json!({ "publish": true, "attribution": "name", "contact": false });
    let private = submission();
    post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": [public, private] })).await;

    let empty: Value = app.get("/v1/contributions?topic=ai").await.json().await.unwrap();
    assert_eq!(empty["items"], json!([]), "nothing is published until the organisers publish");

    let store = gdc_server::central::SqliteStore::open(&app.dir.path().join("data/central.sqlite")).unwrap();
    let ids = [public["id"].as_str().unwrap().to_owned(), private["id"].as_str().unwrap().to_owned()];
    let refused = store.set_published(&ids, true).unwrap();
    assert_eq!(refused.len(), 1, "the private one is refused: {refused:?}");
    assert!(refused[0].contains("did not agree"));

    let page: Value = app.get("/v1/contributions?topic=ai").await.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["credit"], "Amina <b>Uwase</b>", "as typed; the widget shows it as text");
    assert_eq!(items[0]["texts"]["principles"], "Transparence 🌍 الشفافية 透明");
    assert!(items[0]["texts"].get("comments").is_none(), "empty answers are left out");
    assert!(!page.to_string().contains("amina@example.org"), "never an email");
    let other: Value = app.get("/v1/contributions?topic=data").await.json().await.unwrap();
    assert_eq!(other["items"], json!([]));
    assert_eq!(app.get("/v1/contributions?topic=space").await.status(), 400);
}
