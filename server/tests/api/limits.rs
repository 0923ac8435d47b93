//! Rate limits, client addresses behind proxies, and timeouts.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, form_token, spawn_app_with, submission};

async fn post_from(app: &TestApp, forwarded_for: Option<&str>, body: &Value) -> reqwest::Response {
    let site = body["site"].as_str().unwrap();
    let mut request =
        app.client.post(format!("{}/v1/submissions", app.url)).header("gdc-token", form_token(site, 60_000)).json(body);
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn one_client_over_its_rate_gets_429_with_retry_after_and_nothing_is_stored() {
    let app = spawn_app_with(|c| {
        c.limits.per_ip_per_minute = 6;
        c.limits.per_ip_burst = 3;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(post_from(&app, None, &submission()).await.status(), 202);
    }
    let refused = post_from(&app, None, &submission()).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry_after), "one token every 10 s: {retry_after}");
    assert_eq!(refused.json::<Value>().await.unwrap()["error"], "too_many_requests");
    assert_eq!(app.outbox_ids().len(), 3);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("gdc_rate_limited_requests_total{scope=\"ip\"} 1"), "{metrics}");
    assert!(metrics.contains("gdc_intake_requests_total{status=\"429\"} 1"), "{metrics}");
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_cannot_dodge_the_limit() {
    let app = spawn_app_with(|c| {
        c.limits.per_ip_per_minute = 1;
        c.limits.per_ip_burst = 2;
    })
    .await;
    assert_eq!(post_from(&app, Some("198.51.100.1"), &submission()).await.status(), 202);
    assert_eq!(post_from(&app, Some("198.51.100.2"), &submission()).await.status(), 202);
    assert_eq!(post_from(&app, Some("198.51.100.3"), &submission()).await.status(), 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let app = spawn_app_with(|c| {
        c.limits.per_ip_per_minute = 1;
        c.limits.per_ip_burst = 1;
        c.limits.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(post_from(&app, Some("198.51.100.1"), &submission()).await.status(), 202);
    assert_eq!(post_from(&app, Some("198.51.100.2"), &submission()).await.status(), 202);
    assert_eq!(post_from(&app, Some("198.51.100.1"), &submission()).await.status(), 429);
    // A client's own claim to the left of the real address changes nothing.
    assert_eq!(post_from(&app, Some("203.0.113.5, 198.51.100.2"), &submission()).await.status(), 429);
}

#[tokio::test]
async fn one_site_over_its_rate_gets_429_while_others_pass() {
    let app = spawn_app_with(|c| {
        c.limits.per_site_per_second = 1;
        c.limits.per_site_burst = 2;
    })
    .await;
    assert_eq!(post_from(&app, None, &submission()).await.status(), 202);
    assert_eq!(post_from(&app, None, &submission()).await.status(), 202);
    assert_eq!(post_from(&app, None, &submission()).await.status(), 429);
    let mut other = submission();
    other["site"] = json!("ngo");
    other["answers"][0]["topic"] = json!("data");
    assert_eq!(post_from(&app, None, &other).await.status(), 202);
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_and_the_connection_is_freed() {
    let app = spawn_app_with(|c| c.limits.body_timeout = Duration::from_millis(300)).await;
    let addr = app.url.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/submissions HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"id\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(app.outbox_ids().is_empty());
}
