//! What the configurator asks the companion while a webmaster types:
//! `GET /v1/sites/{key}?origin=…` for every shape of key and address.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_site_key_and_a_pages_address_are_checked_with_the_reason_when_they_do_not_fit() {
    let app = spawn_app().await;
    let info = |path: &'static str| {
        let app = &app;
        async move {
            let r = app.get(path).await;
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, ngo) = info("/v1/sites/ngo").await;
    assert_eq!(status, 200);
    assert_eq!(ngo["topics"], json!(["data", "ai"]));
    assert_eq!(ngo["origins"], json!(["https://ngo.example"]));
    assert!(ngo.get("origin_allowed").is_none() && ngo.get("problem").is_none(), "{ngo}");

    for (path, allowed, problem) in [
        ("/v1/sites/ngo?origin=https://ngo.example/news/2026/consultation?x=1#top", true, Value::Null),
        ("/v1/sites/ngo?origin=HTTPS://NGO.EXAMPLE", true, Value::Null),
        ("/v1/sites/ngo?origin=https://evil.example", false, json!("origin-not-registered")),
        ("/v1/sites/ngo?origin=http://ngo.example", false, json!("origin-not-registered")),
        ("/v1/sites/ngo?origin=ngo.example", false, json!("not-an-address")),
        ("/v1/sites/ngo?origin=javascript:alert(1)", false, json!("not-an-address")),
        ("/v1/sites/demo?origin=http://localhost:4321/page", true, Value::Null),
        ("/v1/sites/closed?origin=https://closed.example", false, json!("disabled")),
    ] {
        let (status, body) = info(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body["origin_allowed"], json!(allowed), "{path}: {body}");
        assert_eq!(body["problem"], problem, "{path}: {body}");
    }
    // A blank origin is no question; a disabled site says so anyway.
    assert!(info("/v1/sites/ngo?origin=%20").await.1.get("origin_allowed").is_none());
    assert_eq!(info("/v1/sites/closed").await.1["problem"], "disabled");
    // Unknown, odd and huge keys: 404, never a 5xx.
    for path in ["/v1/sites/nobody", "/v1/sites/NGO", "/v1/sites/%3Cscript%3E", "/v1/sites/%F0%9F%8C%8D"] {
        assert_eq!(info(path).await.0, 404, "{path}");
    }
    let long = format!("/v1/sites/{}", "k".repeat(10_000));
    assert_eq!(app.get(&long).await.status(), 404);
}
