//! The widget's Wasm comes when a visitor shows they will use the form, not
//! with the page, in real Chromium, in both modes: until then the served
//! form is the widget and nothing of the Wasm, its glue or its texts is
//! fetched, even with a pointer passing over it; a click in it brings it
//! (as focus, a key or input would); a draft kept in the browser
//! for the site brings it at once after a reload (and restores the draft),
//! one for another site does not; `enhance="eager"` brings it at once; a
//! setting the page changes before the Wasm shows the served form anew.
//! The page hears `gdc:start` once, at the visitor's first use, and not
//! when the Wasm comes without one (a kept draft, `enhance="eager"`).
//!
//! Partner pages are on `http://localhost:PORT`, the companion on
//! `http://127.0.0.1:PORT`: two origins, as on a real partner site.

use std::time::Duration;

use anyhow::Result;
use fantoccini::Client;
use gdc_e2e::form::WAIT;
use gdc_e2e::widget::{Mode, begin_using, events, in_widget, wait_for_event, wait_in_widget};
use gdc_e2e::{Browser, Partner, cdp};
use serde_json::{Value, json};

/// Records the widget's events on the partner page.
const RECORD: &str = "window.__events = [];
for (const t of ['gdc:ready', 'gdc:error', 'gdc:start'])
  document.addEventListener(t, e => window.__events.push({ type: t, detail: e.detail }));";

/// How long a page is left alone to show that nothing more comes.
const IDLE: Duration = Duration::from_millis(1500);

/// What the widget's document has fetched of the Wasm, its glue and the
/// texts (`.wasm`, `gdc_widget-….js`, `i18n-…/<lang>.json`).
const FETCHED: &str = "return performance.getEntriesByType('resource').map(e => e.name)
    .filter(n => /\\.wasm$|\\/gdc_widget-[0-9a-f]+\\.js$|\\/i18n-[0-9a-f]+\\/[a-z]+\\.json$/.test(n));";

/// The served form is in the widget (the frame has loaded it, in iframe mode).
const SERVED: &str = "return !!root.querySelector('.gdc[data-served] form');";
const TAKEN_OVER: &str = "return !!root.querySelector('.gdc:not([data-served]) #gdc-topic-ai');";

fn page(partner: &Partner, name: &str, mode: Mode, extra: &str) -> Result<String> {
    partner.page(
        name,
        "",
        &format!(
            "<p id=\"far\">Elsewhere on the page</p>\
             <gdc-consultation site=\"demo\" lang=\"en\" loading=\"eager\" mode=\"{}\"{extra}></gdc-consultation>\
             <script src=\"{}/widget/v1/loader.js\" async></script>",
            mode.name(),
            partner.server.url
        ),
    )
}

/// The pointer leaves the widget (over the page's heading).
async fn point_away(c: &Client) -> Result<()> {
    cdp(c, "Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": 1, "y": 1 })).await?;
    Ok(())
}

/// Leaves the page alone a moment, then checks the widget still shows the
/// served form and fetched nothing of the Wasm.
async fn assert_still_served(c: &Client, mode: Mode, when: &str) -> Result<()> {
    tokio::time::sleep(IDLE).await;
    let fetched = in_widget(c, mode, FETCHED, vec![]).await?;
    assert_eq!(fetched, json!([]), "{} mode, {when}: nothing of the Wasm fetched", mode.name());
    assert_eq!(in_widget(c, mode, SERVED, vec![]).await?, json!(true), "{} mode, {when}: served", mode.name());
    let ready: Vec<Value> = events(c).await?.into_iter().filter(|e| e["type"] != "gdc:error").collect();
    assert!(ready.is_empty(), "{} mode, {when}: no gdc:ready or gdc:start yet: {ready:?}", mode.name());
    Ok(())
}

/// How many `gdc:start` the page has heard.
async fn starts(c: &Client) -> Result<usize> {
    Ok(events(c).await?.iter().filter(|e| e["type"] == "gdc:start").count())
}

async fn wasm_waits_for_the_visitor(mode: Mode) -> Result<()> {
    let partner = Partner::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD).await?;
    let c = &browser.client;
    let m = mode.name();

    // The page alone: the served form, and nothing of the Wasm.
    c.goto(&page(&partner, &format!("{m}.html"), mode, "")?).await?;
    wait_in_widget(c, mode, SERVED, "the served form").await?;
    assert_still_served(c, mode, "the page alone").await?;

    // A setting the page changes before the Wasm: the served form anew.
    c.execute("document.querySelector('gdc-consultation').setAttribute('lang', 'fr');", vec![]).await?;
    wait_in_widget(
        c,
        mode,
        "return !!root.querySelector('.gdc[data-served][lang=fr] form');",
        "the served form in French",
    )
    .await?;
    assert_still_served(c, mode, "after a setting changed").await?;

    // A pointer passing over it is not a use.
    let over = "const b = document.querySelector('gdc-consultation').getBoundingClientRect();
                return [b.left + b.width / 2, b.top + 40];";
    let over = c.execute(over, vec![]).await?;
    cdp(c, "Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": over[0], "y": over[1] })).await?;
    assert_still_served(c, mode, "a pointer over it").await?;

    // A click in it: the Wasm, which takes the form over.
    begin_using(c, "gdc-consultation").await?;
    wait_for_event(c, "gdc:ready", WAIT).await?;
    wait_in_widget(c, mode, TAKEN_OVER, "taken over").await?;
    // Said once: a second click, in the Wasm's form, is not a new start.
    in_widget(c, mode, "root.querySelector('#gdc-topic-ai').focus();", vec![]).await?;
    tokio::time::sleep(IDLE).await;
    assert_eq!(starts(c).await?, 1, "{m} mode: one gdc:start");
    let fetched = in_widget(c, mode, FETCHED, vec![]).await?;
    let fetched: Vec<String> = serde_json::from_value(fetched)?;
    assert_eq!(fetched.len(), 3, "{m} mode: the Wasm, its glue and the French texts, once each: {fetched:?}");
    assert!(fetched.iter().any(|n| n.ends_with("/fr.json")), "{m} mode: {fetched:?}");

    // A topic chosen: the Wasm keeps a draft for the site in this browser.
    in_widget(c, mode, "root.querySelector('#gdc-topic-ai').click();", vec![]).await?;
    // The draft with the topic: the one the Wasm saves when it mounts has none.
    let draft = "return Object.entries(localStorage).some(([k, v]) =>
        k.startsWith('gdc-draft:demo:') && new URLSearchParams(v).getAll('topics').includes('ai'));";
    wait_in_widget(c, mode, draft, "a draft kept with the topic").await?;

    // A reload with the pointer elsewhere: the draft brings the Wasm at
    // once, and it is restored.
    point_away(c).await?;
    c.refresh().await?;
    wait_for_event(c, "gdc:ready", WAIT).await?;
    wait_in_widget(c, mode, TAKEN_OVER, "taken over after the reload").await?;
    let chosen = in_widget(c, mode, "return root.querySelector('#gdc-topic-ai').checked;", vec![]).await?;
    assert_eq!(chosen, json!(true), "{m} mode: the draft restored");
    assert_eq!(starts(c).await?, 0, "{m} mode: the draft brought the Wasm, not a visitor");

    // A draft for another site does not bring it. The widget on the page
    // saves its draft again 400 ms after it mounts: cleared until it stays so.
    let clear = "localStorage.clear(); localStorage.setItem('gdc-draft:demo-other:gdc-2023', 'topics=ai');
         localStorage.setItem('gdc-draftdemo:x', 'y'); localStorage.setItem('gdc-queue', 'demo');";
    let ours = "return Object.keys(localStorage).some(k => k.startsWith('gdc-draft:demo:'));";
    let start = std::time::Instant::now();
    loop {
        in_widget(c, mode, clear, vec![]).await?;
        tokio::time::sleep(Duration::from_millis(600)).await;
        if in_widget(c, mode, ours, vec![]).await? == json!(false) {
            break;
        }
        anyhow::ensure!(start.elapsed() < WAIT, "{m} mode: the widget kept saving its draft");
    }
    point_away(c).await?;
    c.refresh().await?;
    wait_in_widget(c, mode, SERVED, "the served form after the drafts went").await?;
    assert_still_served(c, mode, "with another site's draft").await?;

    // A page asking for it: at once.
    c.goto(&page(&partner, &format!("{m}-eager.html"), mode, " enhance=\"eager\"")?).await?;
    wait_for_event(c, "gdc:ready", WAIT).await?;
    wait_in_widget(c, mode, TAKEN_OVER, "taken over, eagerly").await?;
    tokio::time::sleep(IDLE).await;
    assert_eq!(starts(c).await?, 0, "{m} mode: eager is not a visitor's start");
    // The visitor's first use of the eager widget: said then.
    begin_using(c, "gdc-consultation").await?;
    assert_eq!(starts(c).await?, 1, "{m} mode: the eager widget's start");
    browser.close().await
}

/// Proves, in iframe mode: see the module's comment.
#[tokio::test(flavor = "multi_thread")]
async fn browser_the_wasm_comes_when_the_visitor_shows_they_will_use_the_form_in_iframe_mode() -> Result<()> {
    wasm_waits_for_the_visitor(Mode::Iframe).await
}

/// Proves, in inline mode: see the module's comment.
#[tokio::test(flavor = "multi_thread")]
async fn browser_the_wasm_comes_when_the_visitor_shows_they_will_use_the_form_in_inline_mode() -> Result<()> {
    wasm_waits_for_the_visitor(Mode::Inline).await
}
