//! Regression tests for issue 10 ("Trust in the data path"): each defect
//! found by trying the companion as a hostile or merely unusual client, with
//! the test that failed before its fix.
//!
//! It is long because it holds one regression test per data-path defect,
//! each with the fake peers it needs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::post;
use gdc_server::outbox::admin;
use serde_json::{Value, json};

use crate::helpers::{TestApp, field_errors, spawn_app, spawn_app_with, submission};

/// Polls `done` every 20 ms until it holds, failing after `timeout`.
async fn wait_until(timeout: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A companion whose central store never answers (a reserved port nothing
/// listens on, kept reserved while the returned socket lives).
async fn companion_with_the_central_store_away(
    change: impl FnOnce(&mut gdc_server::config::Config) + Send + 'static,
) -> (TestApp, tokio::net::TcpSocket) {
    let reserved = crate::helpers::reserve_port();
    let port = crate::helpers::port_of(&reserved);
    let app = spawn_app_with(move |c| {
        c.central.enabled = false;
        c.companion.central_url = Some(format!("http://127.0.0.1:{port}"));
        change(c);
    })
    .await;
    (app, reserved)
}

/// A metric's value from `/metrics`, by its exact series name.
async fn metric(app: &TestApp, series: &str) -> Option<f64> {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// A fake central store on a random port: `answer` turns each batch into a
/// response. Returns its URL and the number of batches it received.
async fn fake_central(
    answer: impl Fn(&Value) -> Result<Json<Value>, axum::http::StatusCode> + Clone + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let batches = Arc::new(AtomicUsize::new(0));
    let count = batches.clone();
    let router = axum::Router::new().route(
        "/v1/batches",
        post(move |Json(batch): Json<Value>| {
            let answer = answer.clone();
            let count = count.clone();
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                answer(&batch)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, batches)
}

fn ids_of(batch: &Value) -> Vec<String> {
    batch["submissions"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

// Defect 1: an id spelled differently got 202, never drained, and made the
// forwarder spin.

#[tokio::test]
async fn an_id_spelled_in_upper_case_braced_or_without_hyphens_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let canonical = uuid::Uuid::now_v7().to_string();
    for spelling in [
        canonical.to_uppercase(),
        format!("{{{canonical}}}"),
        format!("urn:uuid:{canonical}"),
        canonical.replace('-', ""),
    ] {
        let mut body = submission();
        body["id"] = json!(spelling);
        let response = app.submit(&body).await;
        assert_eq!(response.status(), 422, "{spelling}");
        assert_eq!(field_errors(response).await, vec![("id".to_owned(), "invalid_format".to_owned())]);
    }
    assert!(app.outbox_ids().is_empty());
    let mut body = submission();
    body["id"] = json!(canonical);
    assert_eq!(app.submit(&body).await.status(), 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_names_no_row_is_a_failure_with_backoff_not_a_tight_loop() {
    // A central store that answers for ids in another spelling: the
    // companion cannot match them to its rows.
    let (url, batches) = fake_central(|batch| {
        let results: Vec<Value> =
            ids_of(batch).iter().map(|id| json!({"id": id.to_uppercase(), "status": "accepted"})).collect();
        Ok(Json(json!({ "results": results })))
    })
    .await;
    let app = spawn_app_with(move |c| {
        c.central.enabled = false;
        c.companion.central_url = Some(url);
        c.companion.max_backoff = Duration::from_secs(2);
    })
    .await;
    assert_eq!(app.submit(&submission()).await.status(), 202);
    wait_until(Duration::from_secs(5), "a first batch", || batches.load(Ordering::SeqCst) > 0).await;
    let first = batches.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = batches.load(Ordering::SeqCst) - first;
    // Before the fix: hundreds of batches a second.
    assert!(sent <= 10, "{sent} batches in 2 s: the forwarder does not back off");
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["central"]["reachable"], false, "{ready}");
    assert!(ready["central"]["last_error"].as_str().unwrap().contains("named 0 of 1"), "{ready}");
    assert_eq!(ready["outbox"]["pending"], 1, "the row is kept until the central store names it");
}

// Defect 2: bytes were added as UTF-8 and subtracted as characters.

const SCRIPTS: [&str; 4] = ["الشفافية والمساءلة", "透明度与问责制", "Прозрачность и подотчётность", "🌍🌏🌎 é"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spool_byte_count_returns_to_zero_after_forwarding_text_in_every_script() {
    let app = spawn_app().await;
    for (i, text) in SCRIPTS.iter().cycle().take(40).enumerate() {
        let mut body = submission();
        body["answers"][0]["principles"] = json!(format!("{text} {i}"));
        assert_eq!(app.submit(&body).await.status(), 202);
    }
    app.wait_for_central(40).await;
    let start = Instant::now();
    loop {
        let (rows, bytes) = (
            metric(&app, "gdc_outbox_pending_rows").await.unwrap(),
            metric(&app, "gdc_outbox_pending_bytes").await.unwrap(),
        );
        if rows == 0.0 {
            assert_eq!(bytes, 0.0, "every byte counted in is counted out");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "outbox never drained");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_spool_byte_count_after_a_restart_is_the_bytes_on_disk() {
    // Nothing listens there: rows stay pending.
    let (app, _away) = companion_with_the_central_store_away(|_| {}).await;
    let mut expected = 0u64;
    for text in SCRIPTS {
        let mut body = submission();
        body["answers"][0]["principles"] = json!(text);
        expected += serde_json::to_vec(&body).unwrap().len() as u64;
        assert_eq!(app.submit(&body).await.status(), 202);
    }
    assert_eq!(metric(&app, "gdc_outbox_pending_bytes").await, Some(expected as f64));
    let limit = gdc_server::outbox::SpoolLimit { max_rows: 10, max_bytes: 1 << 20 };
    let reopened = gdc_server::outbox::Outbox::open(&app.dir.path().join("data/outbox.sqlite"), limit).unwrap();
    assert_eq!(reopened.usage.bytes.load(Ordering::Relaxed), expected, "counted at start as the writer counts");
}

// Defect 6: a 413 from the central store was retried for ever from the
// same oldest row.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_refused_as_too_large_is_split_and_a_single_oversized_row_becomes_a_dead_letter() {
    let poisoned = Arc::new(std::sync::Mutex::new(String::new()));
    let arrived = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (p, a) = (poisoned.clone(), arrived.clone());
    let (url, _) = fake_central(move |batch| {
        let ids = ids_of(batch);
        // A proxy that takes at most two rows, and never the poisoned one.
        if ids.len() > 2 || ids.contains(&p.lock().unwrap()) {
            return Err(axum::http::StatusCode::PAYLOAD_TOO_LARGE);
        }
        a.lock().unwrap().extend(ids.iter().cloned());
        let results: Vec<Value> = ids.iter().map(|id| json!({"id": id, "status": "accepted"})).collect();
        Ok(Json(json!({ "results": results })))
    })
    .await;
    let app = spawn_app_with(move |c| {
        c.central.enabled = false;
        c.companion.central_url = Some(url);
        c.companion.batch_delay = Duration::from_millis(200);
        c.companion.max_backoff = Duration::from_millis(200);
    })
    .await;
    let bodies: Vec<Value> = (0..9).map(|_| submission()).collect();
    *poisoned.lock().unwrap() = bodies[4]["id"].as_str().unwrap().to_owned();
    futures::future::join_all(bodies.iter().map(|b| app.submit(b))).await;
    let outbox = app.dir.path().join("data/outbox.sqlite");
    wait_until(Duration::from_secs(10), "eight rows forwarded and one parked", || {
        let rows = admin::list(&outbox, false, 100).unwrap();
        rows.iter().filter(|r| r.forwarded_at.is_some()).count() == 8
            && rows.iter().filter(|r| r.dead_reason.is_some()).count() == 1
    })
    .await;
    let dead = admin::list(&outbox, true, 10).unwrap();
    assert_eq!(dead[0].id, *poisoned.lock().unwrap());
    assert!(dead[0].dead_reason.as_deref().unwrap().contains("too large"), "{dead:?}");
    let mut got = arrived.lock().unwrap().clone();
    got.sort();
    got.dedup();
    assert_eq!(got.len(), 8);
}

// Defect 3: `/v1/batches` read up to 64 MiB before checking the token, on
// every role.

/// Sends a request head over raw TCP with no body and returns the status
/// line of the answer, or `None` if none came within `wait`.
async fn head_only(url: &str, head: &str, wait: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(wait, stream.read(&mut buf)).await.ok()?.ok()?;
    String::from_utf8_lossy(&buf[..n]).lines().next().map(str::to_owned)
}

#[tokio::test]
async fn a_batch_without_a_valid_token_is_refused_before_its_body_is_read() {
    let app = spawn_app().await;
    for auth in ["", "Authorization: Bearer wrong\r\n"] {
        let head = format!(
            "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{auth}Content-Length: 20000000\r\n\r\n"
        );
        // The body never comes: an answer now proves it was not waited for.
        let status = head_only(&app.url, &head, Duration::from_secs(2)).await;
        assert_eq!(status.as_deref(), Some("HTTP/1.1 401 Unauthorized"), "{auth:?}");
    }
}

#[tokio::test]
async fn a_companion_without_the_central_role_serves_no_batch_or_export_route() {
    let (app, _away) = companion_with_the_central_store_away(|_| {}).await;
    let head = "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n";
    assert_eq!(head_only(&app.url, head, Duration::from_secs(2)).await.as_deref(), Some("HTTP/1.1 404 Not Found"));
    assert_eq!(app.get("/v1/export").await.status(), 404);
}

// Defect 11: a huge `page` overflowed the offset arithmetic under the
// central store's lock (a panic in debug builds poisoned it for good).

#[tokio::test]
async fn a_huge_or_odd_page_number_gets_400_and_the_store_keeps_working() {
    let app = spawn_app().await;
    for page in ["18446744073709551615", "100001", "0", "-1", "1e9", "x"] {
        let response = app.get(&format!("/v1/contributions?topic=ai&page={page}")).await;
        assert_eq!(response.status(), 400, "page={page}");
        assert_eq!(response.headers()["content-type"], "application/json", "page={page}");
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "bad_request");
    }
    let last = app.get("/v1/contributions?topic=ai&page=100000").await;
    assert_eq!(last.status(), 200);
    assert_eq!(last.json::<Value>().await.unwrap()["items"], json!([]));
    assert_eq!(app.submit(&submission()).await.status(), 202);
    assert_eq!(app.wait_for_central(1).await.len(), 1, "batches still go through");
}

// Defect 8: resources without bounds.

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|c| c.limits.header_timeout = Duration::from_millis(300)).await;
    let mut stream = tokio::net::TcpStream::connect(app.url.trim_start_matches("http://")).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    // The server answers 408 or closes; either way the read ends.
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was held open");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let app = spawn_app_with(|c| c.limits.max_connections = 2).await;
    let addr = app.url.trim_start_matches("http://").to_owned();
    let idle =
        [tokio::net::TcpStream::connect(&addr).await.unwrap(), tokio::net::TcpStream::connect(&addr).await.unwrap()];
    // Both slots are taken by connections that send nothing.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let third = head_only(&app.url, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", Duration::from_millis(500)).await;
    assert_eq!(third, None, "served beyond the cap");
    drop(idle);
    let fourth = head_only(&app.url, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", Duration::from_secs(3)).await;
    assert_eq!(fourth.as_deref(), Some("HTTP/1.1 200 OK"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_does_not_hold_up_a_graceful_stop() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(dir.path());
    config.limits.header_timeout = Duration::from_secs(60);
    let app = gdc_server::Application::build(config).await.unwrap();
    let addr = app.address();
    let stop = app.stop_token();
    let running = tokio::spawn(app.run_until_stopped());
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST /v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(20), running).await.expect("stopped").unwrap().unwrap();
    // The body timeout (10 s by default) or the shutdown grace ends it.
    assert!(started.elapsed() < Duration::from_secs(12), "{:?}", started.elapsed());
    drop(slow);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_rows_are_deleted_after_the_retention_and_pending_ones_are_kept() {
    let app = spawn_app_with(|c| c.companion.retention = Duration::from_millis(100)).await;
    for _ in 0..3 {
        assert_eq!(app.submit(&submission()).await.status(), 202);
    }
    app.wait_for_central(3).await;
    wait_until(Duration::from_secs(5), "the outbox to be pruned", || app.outbox_ids().is_empty()).await;
    assert_eq!(app.central_rows().len(), 3, "the central store keeps them");

    // Rows not yet forwarded are never pruned, however old.
    let (down, _away) = companion_with_the_central_store_away(|c| c.companion.retention = Duration::ZERO).await;
    assert_eq!(down.submit(&submission()).await.status(), 202);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(down.outbox_ids().len(), 1);
}

#[tokio::test]
async fn published_contributions_readiness_and_metrics_are_throttled_per_client() {
    let app = spawn_app_with(|c| {
        c.limits.reads_per_ip_per_minute = 1;
        c.limits.reads_per_ip_burst = 3;
    })
    .await;
    for path in ["/v1/contributions?topic=ai", "/readyz", "/metrics"] {
        let _ = app.get(path).await;
    }
    for path in ["/v1/contributions?topic=ai", "/readyz", "/metrics"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 429, "{path}");
        assert!(response.headers().contains_key("retry-after"), "{path}");
    }
    // Intake has budgets of its own.
    assert_eq!(app.submit(&submission()).await.status(), 202);
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn behind_a_proxy_that_rewrites_host_the_public_url_is_our_own_origin() {
    let app = spawn_app_with(|c| c.companion.public_url = Some("https://consult.example.org/".into())).await;
    let post = |origin: &'static str| {
        app.client
            .post(format!("{}/v1/submissions", app.url))
            .header("gdc-token", crate::helpers::form_token("ngo", 60_000))
            .header("origin", origin)
            .json(&{
                let mut b = submission();
                b["site"] = json!("ngo");
                b
            })
            .send()
    };
    // Host is 127.0.0.1:port here, as a proxy would leave it.
    assert_eq!(post("https://consult.example.org").await.unwrap().status(), 202);
    assert_eq!(post("https://elsewhere.example").await.unwrap().status(), 403);
}

// The suite itself: a row count cannot see a second delivery (the central
// store's UNIQUE id hides it), so these count deliveries, and lose an
// acknowledgement on purpose on each hop.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_whose_acknowledgement_was_lost_resends_and_gets_duplicate_with_one_row() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let body = submission();
    let id = body["id"].as_str().unwrap().to_owned();
    let text = serde_json::to_string(&body).unwrap();
    // Sent in full, then the connection goes before the answer is read.
    let mut stream = tokio::net::TcpStream::connect(app.url.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\ngdc-token: {}\r\n\
         Content-Length: {}\r\n\r\n",
        crate::helpers::form_token("demo", 60_000),
        text.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(text.as_bytes()).await.unwrap();
    wait_until(Duration::from_secs(5), "the submission to be stored", || app.outbox_ids() == [id.clone()]).await;
    drop(stream);
    // The visitor's widget sends the same contribution again.
    let again = app.submit(&body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["status"], "duplicate");
    assert_eq!(app.wait_for_central(1).await.len(), 1);
    assert_eq!(app.outbox_ids().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_stored_but_whose_answer_was_lost_is_resent_and_counted_as_a_duplicate_delivery() {
    // The real central store behind a proxy that loses its first answer.
    let central_dir = tempfile::tempdir().unwrap();
    let socket = crate::helpers::reserve_port();
    let mut config = crate::helpers::test_config(central_dir.path());
    config.companion.enabled = false;
    let listener = socket.listen(64).unwrap();
    let central_url = format!("http://{}", listener.local_addr().unwrap());
    let central = gdc_server::Application::build_on(config, listener).await.unwrap();
    let stop = central.stop_token();
    tokio::spawn(central.run_until_stopped());

    let lost = Arc::new(AtomicUsize::new(0));
    let (upstream, lost_count) = (central_url.clone(), lost.clone());
    let router = axum::Router::new().route(
        "/v1/batches",
        post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let (upstream, lost) = (upstream.clone(), lost_count.clone());
            async move {
                let answer = reqwest::Client::new()
                    .post(format!("{upstream}/v1/batches"))
                    .header("authorization", headers["authorization"].clone())
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let text = answer.text().await.unwrap();
                // Stored upstream; the first answer never reaches the companion.
                if lost.fetch_add(1, Ordering::SeqCst) == 0 {
                    return Err(axum::http::StatusCode::BAD_GATEWAY);
                }
                Ok(([("content-type", "application/json")], text))
            }
        }),
    );
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(proxy, router).await });

    let app = spawn_app_with(move |c| {
        c.central.enabled = false;
        c.companion.central_url = Some(proxy_url);
        c.companion.max_backoff = Duration::from_millis(200);
    })
    .await;
    let body = submission();
    assert_eq!(app.submit(&body).await.status(), 202);
    let outbox = app.dir.path().join("data/outbox.sqlite");
    wait_until(Duration::from_secs(10), "the row to be confirmed", || {
        admin::list(&outbox, false, 10).unwrap().iter().all(|r| r.forwarded_at.is_some())
    })
    .await;
    let store = gdc_server::central::SqliteStore::open(&central_dir.path().join("data/central.sqlite")).unwrap();
    assert_eq!(store.rows().unwrap().len(), 1, "one row");
    let text = reqwest::get(format!("{central_url}/metrics")).await.unwrap().text().await.unwrap();
    // Two deliveries: the first stored it, the second was recognised.
    assert!(text.contains("gdc_central_batch_items_total{result=\"accepted\"} 1"), "{text}");
    assert!(text.contains("gdc_central_batch_items_total{result=\"duplicate\"} 1"), "{text}");
    stop.cancel();
}
