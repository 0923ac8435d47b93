//! The organisers' page in real Chromium: signing in with the admin token,
//! the charts' numbers against `GET /v1/stats`, and moderation reaching the
//! widget's "what others said": approved, shown; hidden, gone.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fantoccini::{Client, Locator};
use gdc_e2e::form::WAIT;
use gdc_e2e::{Browser, ServerProcess};
use serde_json::{Value, json};

const ADMIN: &str = "Qm7Xv2Lp9Rt4Wz8Nc3Hb6Jd1";

/// `gdc-server demo` with a known admin token.
fn demo(dir: &std::path::Path) -> Result<ServerProcess> {
    let args: Vec<std::ffi::OsString> = vec![
        "demo".into(),
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--data-dir".into(),
        dir.join("data").into(),
        "--assets-dir".into(),
        gdc_e2e::dist().into(),
        "--site-root".into(),
        gdc_e2e::repo_root().into(),
        "--admin-token".into(),
        ADMIN.into(),
    ];
    ServerProcess::spawn(&gdc_e2e::server_bin(), &args, dir.join("data"))
}

fn curl(args: &[&str]) -> Result<String> {
    let out = Command::new("curl").arg("-sS").args(args).output()?;
    if !out.status.success() {
        bail!("curl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// Sends contributions as the widget would: a form token, a person's pause,
/// then the posts.
fn contribute(url: &str, bodies: &[Value]) -> Result<()> {
    let origin = "origin: http://localhost:8080";
    let token: Value = serde_json::from_str(&curl(&["-H", origin, &format!("{url}/v1/token?site=demo")])?)?;
    std::thread::sleep(gdc_e2e::form::MIN_SUBMIT_TIME + Duration::from_millis(300));
    for body in bodies {
        let status = curl(&[
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            origin,
            "-H",
            "content-type: application/json",
            "-H",
            &format!("gdc-token: {}", token["token"].as_str().unwrap_or_default()),
            "-d",
            &body.to_string(),
            &format!("{url}/v1/submissions"),
        ])?;
        assert_eq!(status, "202", "{body}");
    }
    Ok(())
}

fn contribution(topic: &str, lang: &str, text: &str, publish: bool) -> Value {
    json!({
        "id": uuid_v7(),
        "consultation": "gdc-2023", "site": "demo", "lang": lang,
        "submitter": { "kind": "individual", "stakeholder": "youth", "country": "KE" },
        "answers": [ { "topic": topic, "principles": text, "commitments": "", "comments": "" } ],
        "consent": { "publish": publish, "attribution": "anonymous", "contact": false }
    })
}

/// A UUIDv7 from the clock and a counter: unique within the test.
fn uuid_v7() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let n = N.fetch_add(1, Ordering::Relaxed);
    let hex = format!("{ms:012x}7{:03x}8{:015x}", n & 0xfff, n);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn stats(url: &str) -> Result<Value> {
    Ok(serde_json::from_str(&curl(&["-H", &format!("authorization: Bearer {ADMIN}"), &format!("{url}/v1/stats")])?)?)
}

/// The bars of chart `id` as (key, count) pairs.
async fn bars(c: &Client, id: &str) -> Result<Vec<(String, u64)>> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('#chart-' + arguments[0] + ' g.bar')]
               .map(g => [g.dataset.key, Number(g.dataset.count), g.lastElementChild.textContent]);",
            vec![json!(id)],
        )
        .await?;
    let rows: Vec<(String, u64, String)> = serde_json::from_value(v)?;
    for (key, n, label) in &rows {
        assert_eq!(label, &n.to_string(), "{id}/{key}: the number drawn is the count");
    }
    Ok(rows.into_iter().map(|(k, n, _)| (k, n)).collect())
}

/// What the widget's "what others said" shows on `topic`, from a fresh
/// load with the browser's cache off.
async fn others_said(c: &Client, url: &str, topic: &str) -> Result<String> {
    c.goto(&format!("{url}/examples/article.html")).await?;
    c.execute(
        "document.body.innerHTML = '<gdc-consultation id=w site=demo mode=inline loading=eager lang=en topics=' + arguments[1] + '></gdc-consultation>';
         const s = document.createElement('script'); s.src = arguments[0] + '/widget/v1/loader.js'; document.body.append(s);",
        vec![json!(url), json!(topic)],
    )
    .await?;
    // "What others said" is the Wasm's, which comes at the visitor's first use.
    gdc_e2e::widget::begin_using(c, "#w").await?;
    let start = Instant::now();
    loop {
        let text = c
            .execute(
                "const r = document.getElementById('w').shadowRoot; const d = r && r.querySelector('details.gdc-others');
                 if (!d) return null; if (!d.open) { d.open = true; return null; }
                 const l = r.querySelector('.gdc-others-list'); const t = l.innerText;
                 return (l.querySelector('article') || l.querySelector('.gdc-others-empty')) ? t : null;",
                vec![],
            )
            .await?;
        if let Some(t) = text.as_str() {
            return Ok(t.to_owned());
        }
        if start.elapsed() > WAIT {
            bail!("'what others said' never loaded");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks `action` on the row of `id` and waits for the page to come back
/// with the row in the state that action leads to.
async fn decide(c: &Client, url: &str, id: &str, action: &str, state: &str) -> Result<()> {
    c.goto(&format!("{url}/organiser")).await?;
    let form = format!("tr[data-id='{id}'] form:has(input[value='{action}']) button");
    c.wait().at_most(WAIT).for_element(Locator::Css(&form)).await?.click().await?;
    let start = Instant::now();
    loop {
        let shown = c
            .execute(
                "const td = document.querySelector(`tr[data-id='${arguments[0]}'] .state`); return td && td.textContent;",
                vec![json!(id)],
            )
            .await?;
        if shown == json!(state) {
            return Ok(());
        }
        if start.elapsed() > WAIT {
            bail!("{id} never became {state} after {action}: {shown}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn browser_the_organisers_page_counts_as_the_api_does_and_moderation_reaches_the_widget() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = demo(dir.path())?;
    let url = server.url.clone();
    let public = contribution("commons", "fr", "Des logiciels libres pour tous", true);
    let others = [
        public.clone(),
        contribution("commons", "ar", "البيانات المفتوحة", false),
        contribution("ai", "zh", "算法透明", true),
    ];
    contribute(&url, &others)?;
    let start = Instant::now();
    while stats(&url)?["total"] != 3 {
        assert!(start.elapsed() < WAIT, "never arrived: {}", stats(&url)?);
        std::thread::sleep(Duration::from_millis(100));
    }

    let browser = Browser::start().await?;
    // A fresh feed on every load: the browser may keep a page a minute.
    browser.cdp("Network.enable", json!({})).await?;
    browser.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true })).await?;
    let c = &browser.client;
    // Signed out: the sign-in form, and the API refuses the page's data.
    c.goto(&format!("{url}/organiser")).await?;
    let field = c.wait().at_most(WAIT).for_element(Locator::Id("token")).await?;
    field.send_keys("not the token").await?;
    c.find(Locator::Css("form button")).await?.click().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css("[role=alert]")).await?;
    let field = c.find(Locator::Id("token")).await?;
    field.send_keys(ADMIN).await?;
    c.find(Locator::Css("form button")).await?.click().await?;
    if c.wait().at_most(WAIT).for_element(Locator::Id("chart-topic")).await.is_err() {
        bail!("not signed in: {}", c.source().await?);
    }
    let cookie = c.get_named_cookie("gdc_organiser").await?;
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site().map(|s| format!("{s:?}")).as_deref(), Some("Strict"));

    // Every chart says what /v1/stats says.
    let api = stats(&url)?;
    for dimension in ["topic", "stakeholder", "country", "lang", "site", "day"] {
        let mut drawn = bars(c, dimension).await?;
        drawn.sort();
        let mut want: Vec<(String, u64)> =
            api[dimension].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect();
        want.sort();
        assert_eq!(drawn, want, "{dimension}");
    }
    let total = c.find(Locator::Css("#total strong")).await?.attr("data-count").await?;
    assert_eq!(total.as_deref(), Some("3"));

    // Pre-moderation: nothing shown until approved.
    assert!(others_said(c, &url, "commons").await?.contains("No contribution"), "nothing before approval");
    let id = public["id"].as_str().unwrap();
    decide(c, &url, id, "approve", "shown").await?;
    let shown = others_said(c, &url, "commons").await?;
    assert!(shown.contains("Des logiciels libres pour tous"), "approved: shown: {shown}");
    assert!(!shown.contains("البيانات المفتوحة"), "never one whose author did not agree");
    decide(c, &url, id, "hide", "hidden").await?;
    assert!(!others_said(c, &url, "commons").await?.contains("Des logiciels libres"), "hidden: gone");
    // The one without consent is not even in the queue.
    c.goto(&format!("{url}/organiser")).await?;
    let rows = c.execute("return document.querySelectorAll('tbody tr[data-id]').length;", vec![]).await?;
    assert_eq!(rows, json!(2));

    // Signing out ends the session.
    c.find(Locator::Css("form[action='/organiser/logout'] button")).await?.click().await?;
    c.wait().at_most(WAIT).for_element(Locator::Id("token")).await?;
    browser.close().await
}
