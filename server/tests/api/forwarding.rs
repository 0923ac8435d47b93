//! Forwarding to the central store: exactly once, through outages, with a
//! bounded spool and dead letters that can be replayed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Json;
use axum::routing::post;
use gdc_server::Application;
use gdc_server::outbox::admin;
use serde_json::{Value, json};

use crate::helpers::{TestApp, port_of, reserve_port, spawn_app_with, submission, test_config};

/// A companion whose central store is at `central_url` (maybe not up yet).
async fn companion(central_url: String) -> TestApp {
    spawn_app_with(move |c| {
        c.central.enabled = false;
        c.companion.central_url = Some(central_url);
        c.companion.max_backoff = Duration::from_millis(300);
    })
    .await
}

/// A central-only server on a reserved port, sharing the companion's token.
async fn central_on(
    socket: tokio::net::TcpSocket,
    dir: &std::path::Path,
) -> (String, tokio_util::sync::CancellationToken) {
    let mut config = test_config(dir);
    config.companion.enabled = false;
    let listener = socket.listen(1024).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Application::build_on(config, listener).await.unwrap();
    let stop = app.stop_token();
    tokio::spawn(app.run_until_stopped());
    (url, stop)
}

fn central_ids(dir: &std::path::Path) -> Vec<String> {
    let store = gdc_server::central::SqliteStore::open(&dir.join("data/central.sqlite")).unwrap();
    store.rows().unwrap().into_iter().map(|r| r.submission.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_concurrent_submissions_all_get_202_and_arrive_exactly_once() {
    let app = spawn_app_with(|_| {}).await;
    let bodies: Vec<Value> = (0..500).map(|_| submission()).collect();
    let responses = futures::future::join_all(bodies.iter().map(|b| app.submit(b))).await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    let rows = app.wait_for_central(500).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rows_after = app.central_rows();
    assert_eq!(rows.len(), 500);
    assert_eq!(rows_after.len(), 500, "no row arrived twice");
    let mut sent: Vec<&str> = bodies.iter().map(|b| b["id"].as_str().unwrap()).collect();
    let mut got: Vec<&str> = rows_after.iter().map(|r| r.submission.id.as_str()).collect();
    sent.sort_unstable();
    got.sort_unstable();
    assert_eq!(sent, got);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_central_store_is_down_intake_goes_on_and_everything_arrives_once_when_it_returns() {
    let reserved = reserve_port();
    let app = companion(format!("http://127.0.0.1:{}", port_of(&reserved))).await;
    let central_dir = tempfile::tempdir().unwrap();

    // Load while the central store is down: every submission is acknowledged.
    let first: Vec<Value> = (0..300).map(|_| submission()).collect();
    let responses = futures::future::join_all(first.iter().map(|b| app.submit(b))).await;
    assert!(responses.iter().all(|r| r.status() == 202));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["central"]["reachable"], false, "{ready}");
    assert_eq!(ready["outbox"]["pending"], 300, "{ready}");

    // It comes back while more arrive.
    let (_, stop) = central_on(reserved, central_dir.path()).await;
    let second: Vec<Value> = (0..200).map(|_| submission()).collect();
    let responses = futures::future::join_all(second.iter().map(|b| app.submit(b))).await;
    assert!(responses.iter().all(|r| r.status() == 202));

    for _ in 0..200 {
        if central_ids(central_dir.path()).len() >= 500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Give a second delivery the chance to show before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut ids = central_ids(central_dir.path());
    assert_eq!(ids.len(), 500, "every submission arrived");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 500, "and none twice");
    // Readiness is computed at most once a second: poll it.
    let mut ready = Value::Null;
    for _ in 0..100 {
        ready = app.get("/readyz").await.json().await.unwrap();
        if ready["central"]["reachable"] == true && ready["outbox"]["pending"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(ready["central"]["reachable"], true, "{ready}");
    assert_eq!(ready["outbox"]["pending"], 0, "{ready}");
    stop.cancel();
}

#[tokio::test]
async fn a_full_spool_answers_503_and_keeps_everything_it_acknowledged() {
    let reserved = reserve_port();
    let port = port_of(&reserved);
    let app = spawn_app_with(move |c| {
        c.central.enabled = false;
        c.companion.central_url = Some(format!("http://127.0.0.1:{port}"));
        c.limits.spool_max_rows = 3;
    })
    .await;
    let accepted: Vec<Value> = (0..3).map(|_| submission()).collect();
    for body in &accepted {
        assert_eq!(app.submit(body).await.status(), 202);
    }
    let refused = app.submit(&submission()).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(refused.json::<Value>().await.unwrap()["error"], "unavailable");
    // A repeat of an acknowledged id is still answered as a duplicate.
    assert_eq!(app.submit(&accepted[0]).await.status(), 200);
    assert_eq!(app.outbox_ids().len(), 3);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("gdc_outbox_pending_rows 3"), "{metrics}");
}

#[tokio::test]
async fn a_submission_the_central_store_rejects_becomes_a_dead_letter_that_can_be_replayed() {
    // A central store that refuses everything until told otherwise.
    let accept = Arc::new(AtomicBool::new(false));
    let flag = accept.clone();
    let fake = axum::Router::new().route(
        "/v1/batches",
        post(move |Json(batch): Json<Value>| {
            let accept = flag.load(Ordering::SeqCst);
            async move {
                let results: Vec<Value> = batch["submissions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        if accept {
                            json!({ "id": s["id"], "status": "accepted" })
                        } else {
                            json!({ "id": s["id"], "status": "rejected",
                                    "errors": [{ "field": "site", "code": "not_allowed", "message": "no" }] })
                        }
                    })
                    .collect();
                Json(json!({ "results": results }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fake_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await });

    let app = companion(fake_url).await;
    let body = submission();
    assert_eq!(app.submit(&body).await.status(), 202);
    let outbox = app.dir.path().join("data/outbox.sqlite");
    let mut dead = Vec::new();
    for _ in 0..100 {
        dead = admin::list(&outbox, true, 10).unwrap();
        if !dead.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(dead.len(), 1, "kept, not dropped");
    assert_eq!(dead[0].id, body["id"].as_str().unwrap());
    assert!(dead[0].dead_reason.as_deref().unwrap().contains("site"), "{:?}", dead[0]);
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["outbox"]["dead_letters"], 1);

    accept.store(true, Ordering::SeqCst);
    assert_eq!(admin::replay(&outbox, Some(body["id"].as_str().unwrap())).unwrap(), 1);
    app.submit(&submission()).await; // wakes the forwarder
    let mut forwarded = false;
    for _ in 0..100 {
        let rows = admin::list(&outbox, false, 10).unwrap();
        if rows.iter().all(|r| r.forwarded_at.is_some()) {
            forwarded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(forwarded, "the replayed row was forwarded");
    assert!(admin::list(&outbox, true, 10).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_acknowledged_before_a_shutdown_is_forwarded_after_the_restart() {
    let reserved = reserve_port();
    let port = port_of(&reserved);
    let central_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_owned();
    let companion_config = move |c: &mut gdc_server::config::Config| {
        c.central.enabled = false;
        c.companion.central_url = Some(format!("http://127.0.0.1:{port}"));
        c.companion.max_backoff = Duration::from_millis(300);
        c.data_dir = data_dir.clone();
    };

    // The central store is away; the companion acknowledges, then stops.
    let first = spawn_app_with(companion_config.clone()).await;
    let bodies: Vec<Value> = (0..50).map(|_| submission()).collect();
    let responses = futures::future::join_all(bodies.iter().map(|b| first.submit(b))).await;
    assert!(responses.iter().all(|r| r.status() == 202));
    drop(first); // cancels its stop token: the same path as SIGTERM
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A new process on the same data, with the central store back.
    let (_, stop) = central_on(reserved, central_dir.path()).await;
    let second = spawn_app_with(companion_config).await;
    let mut ids = Vec::new();
    for _ in 0..200 {
        ids = central_ids(central_dir.path());
        if ids.len() >= 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ids.sort();
    let mut sent: Vec<String> = bodies.iter().map(|b| b["id"].as_str().unwrap().to_owned()).collect();
    sent.sort();
    assert_eq!(ids, sent, "every acknowledged submission arrived, once");
    drop(second);
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_batches_through_failures_and_partial_answers_confirm_every_row_once() {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    // A slow central store that fails the third batch with 503, leaves one id
    // out of every fourth answer (those rows are sent again only once the
    // pipeline runs empty), and answers `duplicate` for ids it has.
    #[derive(Default)]
    struct Fake {
        batches: AtomicUsize,
        in_flight: AtomicUsize,
        most_in_flight: AtomicUsize,
        stored: Mutex<HashMap<String, u32>>,
    }
    let fake = Arc::new(Fake::default());
    let state = fake.clone();
    let router = axum::Router::new().route(
        "/v1/batches",
        post(move |Json(batch): Json<Value>| {
            let fake = state.clone();
            async move {
                let n = fake.batches.fetch_add(1, Ordering::SeqCst) + 1;
                let now = fake.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                fake.most_in_flight.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                fake.in_flight.fetch_sub(1, Ordering::SeqCst);
                if n == 3 {
                    return Err(axum::http::StatusCode::SERVICE_UNAVAILABLE);
                }
                let mut stored = fake.stored.lock().unwrap();
                let items = batch["submissions"].as_array().unwrap();
                let answered = if n % 4 == 0 { &items[1..] } else { &items[..] };
                let results: Vec<Value> = answered
                    .iter()
                    .map(|s| {
                        let seen = stored.entry(s["id"].as_str().unwrap().to_owned()).or_insert(0);
                        *seen += 1;
                        json!({ "id": s["id"], "status": if *seen == 1 { "accepted" } else { "duplicate" } })
                    })
                    .collect();
                Ok(Json(json!({ "results": results })))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fake_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let app = spawn_app_with(move |c| {
        c.central.enabled = false;
        c.companion.central_url = Some(fake_url);
        c.companion.batch_size = 7;
        c.companion.max_backoff = Duration::from_millis(100);
    })
    .await;
    let bodies: Vec<Value> = (0..200).map(|_| submission()).collect();
    let responses = futures::future::join_all(bodies.iter().map(|b| app.submit(b))).await;
    assert!(responses.iter().all(|r| r.status() == 202));

    let outbox = app.dir.path().join("data/outbox.sqlite");
    let mut done = false;
    for _ in 0..400 {
        let rows = admin::list(&outbox, false, 1_000).unwrap();
        if rows.len() == 200 && rows.iter().all(|r| r.forwarded_at.is_some()) {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(done, "every row confirmed");
    let stored = fake.stored.lock().unwrap();
    let mut ids: Vec<&str> = stored.keys().map(String::as_str).collect();
    ids.sort_unstable();
    let mut sent: Vec<&str> = bodies.iter().map(|b| b["id"].as_str().unwrap()).collect();
    sent.sort_unstable();
    assert_eq!(ids, sent, "the central store holds exactly what was acknowledged");
    assert!(fake.most_in_flight.load(Ordering::SeqCst) >= 2, "batches overlap");
    assert!(admin::list(&outbox, true, 10).unwrap().is_empty(), "no dead letter");
}
