//! Delivery of a contribution from a real Chromium to the real companion,
//! under the faults visitors meet: no network at the moment they send, a
//! reload or a second tab while it waits, a form token the companion no
//! longer accepts, and a refusal for good. Whatever happens, the central
//! store holds the contribution exactly once, or the visitor is told in
//! plain words and keeps their text.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use gdc_e2e::form::{MIN_SUBMIT_TIME, TAKEN_OVER, WAIT, click, next, open_widget, set_text, step_title};
use gdc_e2e::{Browser, DemoServer, widget_frame};
use serde_json::{Value, json};

/// Where the demo widget keeps its queued contribution and its draft.
const QUEUE_KEY: &str = "gdc-queue:demo:gdc-2023";
const DRAFT_KEY: &str = "gdc-draft:demo:gdc-2023";

/// Wraps `fetch` in every document (the demo page and the widget's frame,
/// which share an origin and so a `localStorage`): each `POST
/// /v1/submissions` is counted in `localStorage['gdc-test-posts']`, across
/// reloads and tabs, and answered by the fault named in
/// `localStorage['gdc-test-fault']` instead of the companion, if any: `network`
/// (the promise rejects, as fetch does offline) or an HTTP status, with the
/// JSON error body the companion would send and the `Retry-After` in
/// `localStorage['gdc-test-retry-after']`, if any. Also records the host
/// page's `gdc:error` events in `window.__gdc`.
const FAULTS: &str = r#"
window.__gdc = [];
document.addEventListener('gdc:error', e => window.__gdc.push(e.detail));
(() => {
  const real = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    const method = ((init && init.method) || (typeof input === 'string' ? 'GET' : input.method)).toUpperCase();
    if (method === 'POST' && url.includes('/v1/submissions')) {
      localStorage.setItem('gdc-test-posts', String(+(localStorage.getItem('gdc-test-posts') || 0) + 1));
      const fault = localStorage.getItem('gdc-test-fault');
      if (fault === 'network') return Promise.reject(new TypeError('Failed to fetch'));
      if (fault) {
        const error = { '403': 'forbidden', '413': 'payload_too_large' }[fault] || 'error';
        const headers = { 'content-type': 'application/json' };
        const retryAfter = localStorage.getItem('gdc-test-retry-after');
        if (retryAfter) headers['retry-after'] = retryAfter;
        return Promise.resolve(new Response(JSON.stringify({ error, message: 'injected by the test' }),
          { status: +fault, headers }));
      }
    }
    return real.apply(this, arguments);
  };
})();
"#;

/// Fills the shortest complete contribution with `text` and stops on the
/// review step once a person could have sent it.
async fn fill_to_review(c: &Client, text: &str) -> anyhow::Result<()> {
    click(c, "#gdc-topic-other").await?;
    next(c).await?;
    set_text(c, "#gdc-a-other-principles", text).await?;
    next(c).await?;
    c.find(Locator::Id("gdc-stakeholder")).await?.select_by_value("youth").await?;
    set_text(c, "#gdc-country", "Rwanda").await?;
    next(c).await?;
    next(c).await?;
    assert_eq!(step_title(c).await?, "Review and send");
    // A person takes longer than the companion's minimum time to submit.
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    Ok(())
}

/// Runs `script` (a function body) until it returns something truthy.
async fn poll(c: &Client, script: &str) -> anyhow::Result<Value> {
    let start = Instant::now();
    loop {
        let value = c.execute(script, vec![]).await?;
        if !matches!(value, Value::Null | Value::Bool(false)) && value != json!("") && value != json!(0) {
            return Ok(value);
        }
        anyhow::ensure!(start.elapsed() < WAIT, "never true: {script}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn set_fault(c: &Client, fault: Option<&str>) -> anyhow::Result<()> {
    c.execute(
        "if (arguments[0]) localStorage.setItem('gdc-test-fault', arguments[0]);
         else localStorage.removeItem('gdc-test-fault');",
        vec![json!(fault)],
    )
    .await?;
    Ok(())
}

async fn posts(c: &Client) -> anyhow::Result<u64> {
    let n = c.execute("return +(localStorage.getItem('gdc-test-posts') || 0);", vec![]).await?;
    Ok(n.as_u64().unwrap_or_default())
}

/// The text of the element matching `css` once it shows some.
async fn text_of(c: &Client, css: &str) -> anyhow::Result<String> {
    let xpath =
        format!("//*[contains(concat(' ', @class, ' '), ' {} ')][normalize-space()]", css.trim_start_matches('.'));
    Ok(c.wait().at_most(WAIT).for_element(Locator::XPath(&xpath)).await?.text().await?)
}

/// How many times the companion answered `POST /v1/submissions` with `status`.
fn intake_answers(server: &DemoServer, status: u16) -> anyhow::Result<u64> {
    let metrics = gdc_e2e::http_get(&format!("{}/metrics", server.url))?;
    let prefix = format!("gdc_intake_requests_total{{status=\"{status}\"}} ");
    Ok(metrics.lines().find_map(|l| l.strip_prefix(&prefix)).map_or(0, |n| n.trim().parse().unwrap_or(0)))
}

/// Waits for the one row of the central store, then gives a duplicate
/// forward the time to show up before checking it is still the only one.
async fn exactly_one_row(server: &DemoServer, id: &str, text: &str) -> anyhow::Result<()> {
    server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    assert_eq!(server.settled_deliveries(WAIT).await?, (1, 0), "delivered once");
    let rows = server.export()?;
    assert_eq!(rows.len(), 1, "exactly one row: {rows:?}");
    // A person, even one whose token was renewed, is not taken for a bot.
    assert!(rows[0].get("flag").is_none(), "{rows:?}");
    assert_eq!(rows[0]["submission"]["id"], id);
    assert_eq!(rows[0]["submission"]["answers"][0]["principles"], text);
    Ok(())
}

fn offline(off: bool) -> Value {
    json!({ "offline": off, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 })
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_refusal_for_good_stops_the_retries_keeps_the_text_to_copy_and_try_again_sends_it_once()
-> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(FAULTS).await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    let text = "Trop long pour ce serveur, dit-il 📏 — طويل جدا";
    fill_to_review(c, text).await?;
    set_fault(c, Some("413")).await?;
    next(c).await?;

    // Told in plain words, with the reason in lay terms.
    let title = text_of(c, ".gdc-refused-title").await?;
    assert_eq!(title, "Your contribution could not be sent.");
    let reason = text_of(c, ".gdc-refused-reason").await?;
    assert!(reason.contains("longer than the consultation's server accepts"), "{reason}");
    // The text is kept, read-only but selectable, to copy.
    let field = c
        .execute(
            "const el = document.getElementById('gdc-refused-text'); el.focus(); el.select();
             return { readOnly: el.readOnly, disabled: el.disabled, value: el.value,
                      selected: el.selectionEnd - el.selectionStart };",
            vec![],
        )
        .await?;
    assert_eq!(field["readOnly"], true, "{field}");
    assert_eq!(field["disabled"], false, "{field}");
    assert!(field["value"].as_str().unwrap_or_default().contains(text), "{field}");
    assert!(field["selected"].as_u64().unwrap_or_default() >= text.chars().count() as u64, "{field}");
    // The retries stopped: no second attempt, even past the first backoff (2 s).
    assert_eq!(posts(c).await?, 1);
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(posts(c).await?, 1, "a refusal for good is not retried");
    // The draft and the contribution stay on this device.
    let stored = c
        .execute(
            "return [localStorage.getItem(arguments[0]), localStorage.getItem(arguments[1])];",
            vec![json!(QUEUE_KEY), json!(DRAFT_KEY)],
        )
        .await?;
    assert!(stored[0].as_str().is_some_and(|q| q.contains("refused=refused-too-large")), "{stored}");
    assert!(stored[1].is_string(), "the draft is kept: {stored}");
    // The host page heard of it once, as a refusal (not as "queued").
    c.enter_parent_frame().await?;
    assert_eq!(c.execute("return window.__gdc;", vec![]).await?, json!([{ "code": "refused" }]));

    // A reload shows it again, and still sends nothing by itself.
    open_widget(c, &server).await?;
    assert_eq!(text_of(c, ".gdc-refused-title").await?, "Your contribution could not be sent.");
    let again = c.execute("return document.getElementById('gdc-refused-text').value;", vec![]).await?;
    assert!(again.as_str().unwrap_or_default().contains(text), "{again}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(posts(c).await?, 1, "a refused contribution is not sent on reload");
    assert!(server.export()?.is_empty());

    // Once the fault is gone, "Try again" sends it, once.
    set_fault(c, None).await?;
    click(c, ".gdc-try-again").await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    assert_eq!(posts(c).await?, 2);
    exactly_one_row(&server, &reference, text).await?;
    assert_eq!(intake_answers(&server, 202)?, 1);
    assert_eq!(intake_answers(&server, 200)?, 0);
    let queue = c.execute("return localStorage.getItem(arguments[0]);", vec![json!(QUEUE_KEY)]).await?;
    assert_eq!(queue, Value::Null, "forgotten once it arrived");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_forbidden_site_is_a_refusal_for_good_told_in_plain_words() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(FAULTS).await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    fill_to_review(c, "Pas sur ce site 🚫").await?;
    set_fault(c, Some("403")).await?;
    next(c).await?;
    let reason = text_of(c, ".gdc-refused-reason").await?;
    assert!(reason.contains("not, or no longer, allowed"), "{reason}");
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(posts(c).await?, 1, "403 forbidden is not retried, nor a token renewed for it");
    assert!(server.export()?.is_empty());

    // Starting over forgets the refused contribution: a reload does not
    // bring its panel back.
    click(c, ".gdc-start-over").await?;
    open_widget(c, &server).await?;
    c.wait().at_most(WAIT).for_element(Locator::Css(TAKEN_OVER)).await?;
    assert_eq!(c.execute("return document.querySelectorAll('.gdc-refused-reason').length;", vec![]).await?, 0);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_busy_companion_is_asked_again_after_its_retry_after_and_then_stores_one_row() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(FAULTS).await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    let text = "Le serveur est occupé, on patiente ⏳";
    fill_to_review(c, text).await?;
    c.execute("localStorage.setItem('gdc-test-retry-after', '1');", vec![]).await?;
    set_fault(c, Some("503")).await?;
    let sent = Instant::now();
    next(c).await?;
    // Kept and retried, not refused.
    assert!(text_of(c, ".gdc-queued").await?.contains("saved on this device"));
    // Every second, as asked: the widget's own backoff (2 s, then 4 s)
    // would have made two attempts in these five seconds, not four.
    poll(c, "return +(localStorage.getItem('gdc-test-posts') || 0) >= 4;").await?;
    assert!(sent.elapsed() < Duration::from_secs(5), "four attempts took {:?}", sent.elapsed());
    assert!(c.find_all(Locator::Css(".gdc-refused")).await?.is_empty(), "a 503 is not a refusal");
    c.enter_parent_frame().await?;
    assert_eq!(c.execute("return window.__gdc;", vec![]).await?, json!([{ "code": "queued" }]));
    widget_frame(c, WAIT).await?.enter_frame().await?;

    set_fault(c, None).await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    exactly_one_row(&server, &reference, text).await?;
    assert_eq!(intake_answers(&server, 202)?, 1);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_form_token_the_companion_no_longer_accepts_is_renewed_and_the_contribution_arrives_once()
-> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    let text = "Un jeton périmé ne perd rien 🔑";
    fill_to_review(c, text).await?;
    // The draft keeps the form token it was started with: replace it by one
    // this companion never signed (as after a key rotation), then reload.
    poll(c, &format!("return (localStorage.getItem('{DRAFT_KEY}') || '').includes('_token=v1.');")).await?;
    c.execute(
        "const p = new URLSearchParams(localStorage.getItem(arguments[0]));
         p.set('_token', 'v1.1.AAAA'); localStorage.setItem(arguments[0], p.toString());",
        vec![json!(DRAFT_KEY)],
    )
    .await?;
    c.enter_parent_frame().await?;
    open_widget(c, &server).await?;
    for _ in 0..4 {
        next(c).await?;
    }
    assert_eq!(step_title(c).await?, "Review and send");
    next(c).await?;

    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    exactly_one_row(&server, &reference, text).await?;
    // Refused once for its token, then stored with the fresh one.
    assert_eq!(intake_answers(&server, 403)?, 1);
    assert_eq!(intake_answers(&server, 202)?, 1);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_offline_at_submit_then_online_stores_exactly_one_row() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    let text = "Hors ligne au moment d'envoyer 📶";
    fill_to_review(c, text).await?;
    browser.cdp("Network.enable", json!({})).await?;
    browser.cdp("Network.emulateNetworkConditions", offline(true)).await?;
    next(c).await?;
    assert!(text_of(c, ".gdc-queued").await?.contains("saved on this device"));
    let queued = poll(c, &format!("return localStorage.getItem('{QUEUE_KEY}');")).await?;
    browser.cdp("Network.emulateNetworkConditions", offline(false)).await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    assert!(queued.as_str().unwrap_or_default().contains(&reference), "queued before the first attempt: {queued}");
    exactly_one_row(&server, &reference, text).await?;
    assert_eq!(intake_answers(&server, 202)?, 1);
    assert_eq!(intake_answers(&server, 200)?, 0);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_reload_while_queued_stores_exactly_one_row() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(FAULTS).await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    let text = "Rechargé pendant l'attente 🔄";
    fill_to_review(c, text).await?;
    set_fault(c, Some("network")).await?;
    next(c).await?;
    assert!(text_of(c, ".gdc-queued").await?.contains("saved on this device"));

    c.enter_parent_frame().await?;
    let before = posts(c).await?;
    open_widget(c, &server).await?;
    // The reloaded widget found it queued and tries again by itself.
    assert!(text_of(c, ".gdc-queued").await?.contains("saved on this device"));
    poll(c, &format!("return +(localStorage.getItem('gdc-test-posts') || 0) > {before};")).await?;
    set_fault(c, None).await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    exactly_one_row(&server, &reference, text).await?;
    assert_eq!(intake_answers(&server, 202)?, 1);
    assert_eq!(intake_answers(&server, 200)?, 0);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_two_tabs_with_the_same_queued_contribution_store_exactly_one_row() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(FAULTS).await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    let text = "Deux onglets, une contribution 🗂️";
    fill_to_review(c, text).await?;
    set_fault(c, Some("network")).await?;
    next(c).await?;
    assert!(text_of(c, ".gdc-queued").await?.contains("saved on this device"));
    let first = c.window().await?;

    // A second tab of the same page finds the same contribution queued.
    let second = c.new_window(true).await?.handle;
    c.switch_to_window(second.clone()).await?;
    browser.on_new_document(FAULTS).await?;
    open_widget(c, &server).await?;
    assert!(text_of(c, ".gdc-queued").await?.contains("saved on this device"));

    // Both send it once the network is back.
    set_fault(c, None).await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    c.switch_to_window(first).await?;
    widget_frame(c, WAIT).await?.enter_frame().await?;
    let other = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    assert_eq!(other, reference, "one contribution, one id");
    exactly_one_row(&server, &reference, text).await?;
    assert_eq!(intake_answers(&server, 202)?, 1, "stored once");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_token_that_expired_while_offline_is_renewed_and_stores_exactly_one_row() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    // Offline through the page's own fetch, not Chromium's emulation: a
    // page being navigated away from is let online by the emulation for a
    // moment, long enough for the old page to deliver what it holds.
    browser.on_new_document(FAULTS).await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    let text = "Le jeton a expiré pendant la coupure ⌛";
    fill_to_review(c, text).await?;
    set_fault(c, Some("network")).await?;
    next(c).await?;
    assert!(text_of(c, ".gdc-queued").await?.contains("saved on this device"));
    // While offline the companion stops accepting the token (a key rotation,
    // a lost key file): the queued contribution now holds a stale one.
    c.execute(
        "const p = new URLSearchParams(localStorage.getItem(arguments[0]));
         p.set('token', 'v1.1.AAAA'); localStorage.setItem(arguments[0], p.toString());",
        vec![json!(QUEUE_KEY)],
    )
    .await?;
    // The visitor closes the page, and comes back once online.
    c.enter_parent_frame().await?;
    c.goto("about:blank").await?;
    assert_eq!(intake_answers(&server, 202)?, 0, "nothing was sent while offline");
    open_widget(c, &server).await?;
    set_fault(c, None).await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    exactly_one_row(&server, &reference, text).await?;
    assert_eq!(intake_answers(&server, 403)?, 1, "refused once for its token");
    assert_eq!(intake_answers(&server, 202)?, 1);
    assert_eq!(intake_answers(&server, 200)?, 0);
    browser.close().await
}

/// A change made in the moment before the page is hidden or left (a closed
/// tab, a reload, a phone putting the browser away), before the draft's
/// pause has passed, is in the draft all the same, and a reload restores it.
#[tokio::test(flavor = "multi_thread")]
async fn browser_what_was_typed_just_before_the_page_was_hidden_or_left_is_in_the_draft() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    click(c, "#gdc-topic-other").await?;
    next(c).await?;
    let field = "#gdc-a-other-principles";
    c.wait().at_most(WAIT).for_element(Locator::Css(field)).await?;
    // Typed, then within the same moment the page goes: the draft does not
    // hold it yet (or the pause had passed, and this is tried again), then
    // it does.
    let typed = "const el = document.querySelector(arguments[0]); el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));";
    let gone = "const held = () => new URLSearchParams(localStorage.getItem(arguments[0]) || '')
                   .getAll('a.other.principles').includes(arguments[1]);
                 const before = held();
                 (arguments[2] === 'pagehide' ? window : document)
                   .dispatchEvent(new Event(arguments[2], { bubbles: true }));
                 return [before, held()];";
    for event in ["visibilitychange", "pagehide"] {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let text = format!("typed-before-{event}-{attempt}");
            c.execute(typed, vec![json!(field), json!(text)]).await?;
            let got = c.execute(gone, vec![json!(DRAFT_KEY), json!(text), json!(event)]).await?;
            if got == json!([false, true]) {
                break;
            }
            assert_eq!(got[1], json!(true), "{event}: the draft holds what was typed ({text})");
            anyhow::ensure!(attempt < 5, "{event}: the draft's pause always passed first");
        }
    }
    let keys = c
        .execute("return [...new URLSearchParams(localStorage.getItem(arguments[0])).keys()];", vec![json!(DRAFT_KEY)]);
    assert!(keys.await?.as_array().is_some_and(|k| k.contains(&json!("a.other.principles"))));

    c.enter_parent_frame().await?;
    c.refresh().await?;
    widget_frame(c, WAIT).await?.enter_frame().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css(TAKEN_OVER)).await?;
    let restored = "const el = document.querySelector(arguments[0]); return el && el.value;";
    if c.execute(restored, vec![json!(field)]).await? == Value::Null {
        next(c).await?;
    }
    let value = c.wait().at_most(WAIT).for_element(Locator::Css(field)).await?.prop("value").await?;
    assert!(value.is_some_and(|v| v.starts_with("typed-before-pagehide-")), "the draft restored");
    browser.close().await
}
