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
    let refused = store.moderate(&ids, gdc_server::central::Action::Approve).unwrap();
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

/// Texts that break naive CSV and spreadsheet handling, each in an answer
/// and in a name.
const AWKWARD: &[&str] = &[
    "commas, in, text",
    "\"quoted\" and \"\"doubled\"\"",
    "line one\nline two\r\nline three",
    "مرحبا بالعالم",
    "数据保护与隐私",
    "emoji 🌍🔐👩🏽‍💻",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "'=already quoted",
    "+1 and -1",
    "@SUM(A1:A2)",
    "\ttab first",
    "plain",
];

/// Posts one submission per awkward text (half with consent to contact) in
/// batches, and returns them as sent.
async fn store_awkward(app: &crate::helpers::TestApp) -> Vec<Value> {
    let mut sent = Vec::new();
    for (i, text) in AWKWARD.iter().enumerate() {
        let mut s = submission();
        s["answers"][0]["principles"] = json!(text);
        s["answers"][0]["comments"] = json!(format!("{i}: {text}"));
        s["submitter"]["name"] = json!(text);
        s["submitter"]["email"] = json!(format!("person{i}@example.org"));
        s["consent"]["contact"] = json!(i % 2 == 0);
        sent.push(s);
    }
    let r = post_batch(app, Some(COMPANION_TOKEN), &json!({ "submissions": sent })).await;
    assert_eq!(r.status(), 200);
    sent
}

/// What an organiser may see of a submission: its email only with consent.
fn as_exported(mut s: Value) -> Value {
    if s["consent"]["contact"] != true {
        s["submitter"].as_object_mut().unwrap().remove("email");
    }
    s
}

async fn export(app: &crate::helpers::TestApp, query: &str) -> reqwest::Response {
    let url = format!("{}/v1/export?{query}", app.url);
    app.client.get(url).bearer_auth(ADMIN_TOKEN).send().await.unwrap()
}

#[tokio::test]
async fn the_export_round_trips_every_awkward_text_and_gives_an_email_only_with_consent() {
    let app = app_without_companion().await;
    let sent = store_awkward(&app).await;

    // JSON Lines: each line parses back to what was sent.
    let text = export(&app, "format=jsonl").await.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), sent.len());
    for (line, s) in lines.iter().zip(&sent) {
        assert_eq!(line["submission"], as_exported(s.clone()));
    }
    assert!(!text.contains("person1@example.org"), "no email without consent");
    assert!(text.contains("person0@example.org"));

    // CSV, with the byte-order mark spreadsheets need: parsed back, the
    // defused cells restored, every field equals what was sent.
    let response = export(&app, "format=csv&bom=true").await;
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM first");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, gdc_server::central::csv_header(), "the documented columns, in order");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), sent.len());
    for (record, s) in records.iter().zip(&sent) {
        let cell = |name: &str| gdc_server::central::restore_formula(&record[col(name)]).to_owned();
        let raw = |name: &str| record[col(name)].to_owned();
        assert!(!raw("principles").starts_with(['=', '+', '-', '@', '\t']), "defused: {:?}", raw("principles"));
        assert_eq!(cell("id"), s["id"].as_str().unwrap());
        assert_eq!(cell("principles"), s["answers"][0]["principles"].as_str().unwrap());
        assert_eq!(cell("comments"), s["answers"][0]["comments"].as_str().unwrap());
        assert_eq!(cell("name"), s["submitter"]["name"].as_str().unwrap());
        let email = as_exported(s.clone())["submitter"]["email"].as_str().unwrap_or_default().to_owned();
        assert_eq!(cell("email"), email);
        assert_eq!(cell("contact"), s["consent"]["contact"].to_string());
    }
    // Without `bom`, none.
    let plain = export(&app, "format=csv").await.bytes().await.unwrap();
    assert!(plain.starts_with(b"id,"));
}

#[tokio::test]
async fn since_gives_only_what_was_stored_after_a_row_and_large_exports_stream_whole() {
    let app = app_without_companion().await;
    let first: Vec<Value> = (0..1_500).map(|_| submission()).collect();
    for chunk in first.chunks(500) {
        assert_eq!(post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": chunk })).await.status(), 200);
    }
    // More than one slice of the store, whole and in order.
    let text = export(&app, "format=jsonl").await.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1_500);
    assert!(lines.iter().zip(&first).all(|(l, s)| l["submission"]["id"] == s["id"]));
    let csv_lines = export(&app, "format=csv").await.text().await.unwrap();
    assert_eq!(csv::Reader::from_reader(csv_lines.as_bytes()).records().count(), 1_500, "one header only");

    // An incremental pull: from the last row seen.
    let last_seq = lines.last().unwrap()["seq"].as_i64().unwrap();
    assert!(export(&app, &format!("since={last_seq}")).await.text().await.unwrap().is_empty());
    let more: Vec<Value> = (0..3).map(|_| submission()).collect();
    post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": more })).await;
    let text = export(&app, &format!("format=jsonl&since={last_seq}")).await.text().await.unwrap();
    let ids: Vec<Value> =
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["submission"]["id"].clone()).collect();
    assert_eq!(ids, more.iter().map(|s| s["id"].clone()).collect::<Vec<_>>());
    let csv_since = export(&app, &format!("format=csv&since={last_seq}")).await.text().await.unwrap();
    assert_eq!(csv_since.lines().count(), 4, "the header, then the three new rows");

    for bad in ["since=-1", "since=abc", "since=99999999999999999999"] {
        assert_eq!(export(&app, bad).await.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn stats_are_for_the_admin_and_the_feed_takes_a_language() {
    let app = app_without_companion().await;
    let mut s = submission();
    s["lang"] = json!("ar");
    s["consent"] = json!({ "publish": true, "attribution": "anonymous", "contact": false });
    post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": [s.clone(), submission()] })).await;
    let url = format!("{}/v1/stats", app.url);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(app.client.get(&url).bearer_auth(COMPANION_TOKEN).send().await.unwrap().status(), 401);
    let stats: Value = app.client.get(&url).bearer_auth(ADMIN_TOKEN).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["total"], 2);
    assert_eq!(stats["lang"], json!({ "ar": 1, "fr": 1 }));
    assert_eq!(stats["topic"]["ai"], 2);

    let id = s["id"].as_str().unwrap().to_owned();
    let store = gdc_server::central::SqliteStore::open(&app.dir.path().join("data/central.sqlite")).unwrap();
    assert!(store.moderate(std::slice::from_ref(&id), gdc_server::central::Action::Approve).unwrap().is_empty());
    let page: Value = app.get("/v1/contributions?topic=ai&lang=ar").await.json().await.unwrap();
    assert_eq!(page["items"][0]["id"], id);
    let page: Value = app.get("/v1/contributions?topic=ai&lang=fr").await.json().await.unwrap();
    assert_eq!(page["items"], json!([]));
    for bad in ["lang=de", "lang=AR", "lang=", "lang=ar&lang=fr"] {
        assert_eq!(app.get(&format!("/v1/contributions?topic=ai&{bad}")).await.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn a_token_made_by_the_organiser_lets_a_companion_in_under_its_name_until_revoked() {
    let app = app_without_companion().await;
    let store = gdc_server::central::storage::open(
        &gdc_server::central::StoreLocation::Sqlite(app.dir.path().join("data/central.sqlite")),
        gdc_server::central::Access::Existing,
    )
    .await
    .unwrap();
    let token = gdc_server::central::new_token();
    assert!(store.add_token("edge-7", &gdc_server::central::token_hash(&token)).await.unwrap());
    let s = submission();
    let r = post_batch(&app, Some(&token), &json!({ "submissions": [s] })).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.central_rows()[0].companion, "edge-7", "the row names the companion");
    assert!(store.revoke_token("edge-7").await.unwrap());
    let r = post_batch(&app, Some(&token), &json!({ "submissions": [submission()] })).await;
    assert_eq!(r.status(), 401, "revoked");
    // The configured companions still work beside the stored tokens.
    assert_eq!(post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": [] })).await.status(), 200);
}

#[tokio::test]
async fn the_organisers_page_signs_in_with_the_admin_token_and_refuses_other_origins() {
    let app = app_without_companion().await;
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = |p: &str| format!("{}{p}", app.url);
    let host = app.url.trim_start_matches("http://").to_owned();
    // Signed out: the sign-in form, with a strict policy and no script.
    let page = no_redirect.get(url("/organiser")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    let text = page.text().await.unwrap();
    assert!(text.contains("name=\"token\"") && !text.contains("<script"), "{text}");
    // The bearer header opens it too.
    let page = no_redirect.get(url("/organiser")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("id=\"chart-topic\""));

    let login = |origin: &str, token: &str, proto: &str| {
        no_redirect
            .post(url("/organiser/login"))
            .header("origin", origin)
            .header("x-forwarded-proto", proto)
            .form(&[("token", token)])
            .send()
    };
    let ok = login(&format!("http://{host}"), ADMIN_TOKEN, "https").await.unwrap();
    assert_eq!(ok.status(), 303);
    let cookie = ok.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    assert_eq!(login(&format!("http://{host}"), "wrong", "http").await.unwrap().status(), 401);
    assert_eq!(login("https://evil.example", ADMIN_TOKEN, "http").await.unwrap().status(), 403, "another origin");
    assert_eq!(login("null", ADMIN_TOKEN, "http").await.unwrap().status(), 403);

    // The session opens the page, the stats and the export; not batches.
    let with = |p: &str| no_redirect.get(url(p)).header("cookie", &session).send();
    assert!(with("/organiser").await.unwrap().text().await.unwrap().contains("chart-topic"));
    assert_eq!(with("/v1/stats").await.unwrap().status(), 200);
    assert_eq!(with("/v1/export").await.unwrap().status(), 200);
    let forged = session.replace(|c: char| c.is_ascii_digit(), "1");
    let refused = no_redirect.get(url("/v1/stats")).header("cookie", forged).send().await.unwrap();
    assert_eq!(refused.status(), 401);

    // Moderation needs the session and this origin.
    let s = submission();
    post_batch(&app, Some(COMPANION_TOKEN), &json!({ "submissions": [s.clone()] })).await;
    let id = s["id"].as_str().unwrap();
    let moderate = |origin: &str, cookie: &str, action: &str| {
        no_redirect
            .post(url("/organiser/moderate"))
            .header("origin", origin)
            .header("cookie", cookie)
            .form(&[("id", id), ("action", action)])
            .send()
    };
    assert_eq!(moderate(&format!("http://{host}"), "", "hide").await.unwrap().status(), 401);
    assert_eq!(moderate("https://evil.example", &session, "hide").await.unwrap().status(), 403);
    assert_eq!(moderate(&format!("http://{host}"), &session, "explode").await.unwrap().status(), 400);
    let refused = moderate(&format!("http://{host}"), &session, "approve").await.unwrap();
    assert_eq!(refused.status(), 422, "the author did not agree to publication");
    assert_eq!(moderate(&format!("http://{host}"), &session, "hide").await.unwrap().status(), 303);
    // Other methods: the API's JSON 405.
    let wrong = no_redirect.get(url("/organiser/login")).send().await.unwrap();
    assert_eq!(wrong.status(), 405);
    assert_eq!(wrong.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn guessing_the_admin_token_is_throttled_per_client() {
    let app = spawn_app_with(|c| {
        c.companion.enabled = false;
        c.limits.reads_per_ip_per_minute = 6;
        c.limits.reads_per_ip_burst = 3;
    })
    .await;
    for path in ["/organiser/login", "/v1/stats"] {
        let mut statuses = Vec::new();
        for i in 0..8 {
            let request = if path == "/v1/stats" {
                app.client.get(format!("{}{path}", app.url)).bearer_auth(format!("guess-{i}"))
            } else {
                app.client.post(format!("{}{path}", app.url)).form(&[("token", format!("guess-{i}"))])
            };
            statuses.push(request.send().await.unwrap().status().as_u16());
        }
        assert!(statuses.contains(&429), "{path}: {statuses:?}");
        assert!(statuses.iter().all(|s| [401, 429].contains(s)), "{path}: {statuses:?}");
    }
}
