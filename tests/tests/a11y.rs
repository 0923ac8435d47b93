//! Accessibility in a real browser: axe-core's WCAG 2.0 and 2.1 A and AA
//! rules on every step of the full form (field errors included), on the
//! compact form and on the receipt, in the six languages, the four themes
//! and both modes; and the whole form completed in Arabic with the keyboard
//! alone.
//!
//! One page load per mode and variant: each state is checked in every
//! language and theme by changing the element's attributes, which the widget
//! applies live (a rebuild keeps the step and what was typed). It is long
//! because it walks every state of both variants in both modes.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use fantoccini::Client;
use fantoccini::key::Key;
use gdc_e2e::axe::{self, Violation};
use gdc_e2e::form::press;
use gdc_e2e::form::{MIN_SUBMIT_TIME, WAIT};
use gdc_e2e::widget::Mode;
use gdc_e2e::{Browser, DemoServer, server_bin, widget_frame};
use serde_json::{Value, json};

const LANGS: [&str; 6] = ["en", "ar", "es", "fr", "ru", "zh"];
const THEMES: [&str; 4] = ["light", "dark", "auto", "high-contrast"];

/// Binds `host` (the element), `frame` (its iframe, in iframe mode), `doc`
/// (the frame's document or the shadow root) and `gdc` (the widget's root).
/// The test's pages and the widget share an origin, so the frame's document
/// is readable from the page.
const PRELUDE: &str = "const host = document.querySelector('gdc-consultation');
const frame = host && host.shadowRoot && host.shadowRoot.querySelector('iframe');
const doc = frame ? frame.contentDocument : host && host.shadowRoot;
const gdc = doc && doc.querySelector('.gdc');
const $ = (s) => doc && doc.querySelector(s);\n";

async fn js(c: &Client, body: &str, args: Vec<Value>) -> Result<Value> {
    Ok(c.execute(&format!("{PRELUDE}{body}"), args).await?)
}

/// Polls `condition` (a JavaScript expression after [`PRELUDE`]) until true.
async fn wait_until(c: &Client, condition: &str, what: &str) -> Result<()> {
    let start = Instant::now();
    while js(c, &format!("return !!({condition});"), vec![]).await? != json!(true) {
        ensure!(start.elapsed() < WAIT, "{what} within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Ok(())
}

async fn click(c: &Client, css: &str) -> Result<()> {
    wait_until(c, &format!("$({css:?})"), &format!("{css} shows")).await?;
    js(c, "$(arguments[0]).click();", vec![json!(css)]).await?;
    Ok(())
}

/// Types into a field as typing would end (an `input`, then a `change`).
async fn set_value(c: &Client, css: &str, value: &str) -> Result<()> {
    wait_until(c, &format!("$({css:?})"), &format!("{css} shows")).await?;
    js(
        c,
        "const el = $(arguments[0]); el.value = arguments[1];
         el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(css), json!(value)],
    )
    .await?;
    Ok(())
}

/// Sets the element's language and theme and waits until the widget shows them.
async fn configure(c: &Client, lang: &str, theme: &str) -> Result<()> {
    js(
        c,
        "host.setAttribute('lang', arguments[0]); host.setAttribute('theme', arguments[1]);",
        vec![json!(lang), json!(theme)],
    )
    .await?;
    wait_until(
        c,
        &format!(
            "gdc && gdc.lang === {lang:?} && gdc.dataset.theme === {theme:?} && (!frame || frame.contentDocument.documentElement.lang === {lang:?})"
        ),
        &format!("the widget in {lang}, {theme}"),
    )
    .await
}

/// A demo server with one partner page holding one widget.
async fn open(mode: Mode, variant: &str, topics: &str, lang: &str) -> Result<(DemoServer, Browser, tempfile::TempDir)> {
    let root = tempfile::tempdir()?;
    let mode_name = mode.name();
    std::fs::create_dir_all(root.path().join("examples"))?;
    std::fs::write(
        root.path().join("examples/a11y.html"),
        format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>A partner page</title></head>\
             <body><main><h1>A partner page</h1>\
             <gdc-consultation site=\"demo\" topics=\"{topics}\" lang=\"{lang}\" theme=\"light\" variant=\"{variant}\" \
             mode=\"{mode_name}\" loading=\"eager\"></gdc-consultation>\
             <script src=\"/widget/v1/loader.js\" async></script></main></body></html>"
        ),
    )?;
    let server = DemoServer::start_with(&server_bin(), root.path())?;
    let browser = Browser::start().await?;
    // The system asks for dark colours, so `auto` shows its dark palette
    // (its light one is `light`'s).
    browser
        .cdp("Emulation.setEmulatedMedia", json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }))
        .await?;
    browser.client.goto(&format!("{}/examples/a11y.html", server.url)).await?;
    gdc_e2e::widget::begin_using(&browser.client, "gdc-consultation").await?;
    // The Wasm's form, not the one the companion served before it: a key
    // pressed on the served form would post it the way it works without
    // script, and the focus checks below are the Wasm's.
    wait_until(
        &browser.client,
        "gdc && !gdc.hasAttribute('data-served') && gdc.querySelector('form')",
        "the form shows, taken over by the Wasm",
    )
    .await?;
    Ok((server, browser, root))
}

/// The violations found so far, by rule and node, with where each was seen.
struct Audit {
    mode: Mode,
    runs: usize,
    found: BTreeMap<(String, String), (Violation, Vec<String>)>,
    /// What axe left for a person to review, by rule: nodes over all runs.
    incomplete: BTreeMap<String, usize>,
}

impl Audit {
    fn new(mode: Mode) -> Self {
        Self { mode, runs: 0, found: BTreeMap::new(), incomplete: BTreeMap::new() }
    }

    /// Runs axe on the widget alone: the frame's document, or the widget's
    /// root in the shadow root.
    async fn run(&mut self, c: &Client, place: &str) -> Result<()> {
        let results = match self.mode {
            Mode::Iframe => {
                widget_frame(c, WAIT).await?.enter_frame().await?;
                let v = axe::run(c, "document").await;
                c.enter_parent_frame().await?;
                v?
            }
            Mode::Inline => axe::run(c, "{ include: [{ fromShadowDom: ['gdc-consultation', '.gdc'] }] }").await?,
        };
        self.runs += 1;
        for v in results.incomplete {
            *self.incomplete.entry(v.id).or_default() += v.nodes.len();
        }
        for v in results.violations {
            for node in &v.nodes {
                let one = Violation { nodes: vec![node.clone()], ..v.clone() };
                self.found.entry((v.id.clone(), node.0.clone())).or_insert((one, Vec::new())).1.push(place.to_owned());
            }
        }
        Ok(())
    }

    /// Checks one state of the widget in every language and theme; `again`
    /// (JavaScript) restores what a rebuild does not keep, such as errors
    /// shown, and `ready` is the condition for the state to be on screen.
    async fn state(&mut self, c: &Client, name: &str, again: Option<&str>, ready: &str) -> Result<()> {
        for lang in LANGS {
            for theme in THEMES {
                configure(c, lang, theme).await?;
                if let Some(again) = again {
                    js(c, again, vec![]).await?;
                }
                wait_until(c, ready, &format!("{name} in {lang}, {theme}")).await?;
                self.run(c, &format!("{name} {lang}/{theme}")).await?;
            }
        }
        configure(c, "en", "light").await
    }

    fn assert_clean(&self, what: &str) {
        eprintln!("{what}: {} axe runs; left for review (rule: nodes): {:?}", self.runs, self.incomplete);
        if self.found.is_empty() {
            return;
        }
        let mut report = String::new();
        for (v, places) in self.found.values() {
            let shown: Vec<&str> = places.iter().take(6).map(String::as_str).collect();
            report += &format!("{v}      in {} of the runs: {}…\n", places.len(), shown.join(", "));
        }
        panic!("{what}: {} WCAG A/AA violations (rule, node):\n{report}", self.found.len());
    }
}

/// Clicks the form's submit button unless an error is already shown.
const SHOW_ERRORS: &str = "if (!doc.querySelector('.gdc-error:not(:empty)')) $('.gdc-submit').click();";

/// Opens "what others said" unless it is open.
const OPEN_OTHERS: &str = "if (!$('.gdc-others').open) $('.gdc-others summary').click();";

async fn next(c: &Client) -> Result<()> {
    click(c, ".gdc-submit").await
}

/// The honeypot is for bots: no screen reader announces it.
async fn assert_honeypot_is_out_of_the_accessibility_tree(browser: &Browser) -> Result<()> {
    let tree = browser.cdp("Accessibility.getFullAXTree", json!({})).await?;
    let nodes = tree["nodes"].as_array().cloned().unwrap_or_default();
    let named = |n: &Value, text: &str| n["name"]["value"].as_str().is_some_and(|v| v.contains(text));
    ensure!(nodes.iter().any(|n| named(n, "Next") && n["ignored"] != true), "the tree holds the widget: {nodes:?}");
    let exposed: Vec<&Value> = nodes.iter().filter(|n| named(n, "leave empty") && n["ignored"] != true).collect();
    ensure!(exposed.is_empty(), "the honeypot is exposed to assistive technology: {exposed:?}");
    Ok(())
}

fn offline(off: bool) -> Value {
    json!({ "offline": off, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 })
}

async fn full_form(mode: Mode) -> Result<()> {
    let started = Instant::now();
    let (server, browser, _root) = open(mode, "full", "ai,data", "en").await?;
    let c = &browser.client;
    let mut audit = Audit::new(mode);
    if mode == Mode::Inline {
        // The shadow root is in the page's own accessibility tree.
        assert_honeypot_is_out_of_the_accessibility_tree(&browser).await?;
    }

    audit.state(c, "topics", None, "$('#gdc-topic-ai')").await?;
    audit.state(c, "topics, errors", Some(SHOW_ERRORS), "$('#gdc-topics-error').textContent.trim()").await?;
    // "What others said", opened: nothing published yet.
    audit.state(c, "what others said, empty", Some(OPEN_OTHERS), "$('.gdc-others-empty')").await?;

    click(c, "#gdc-topic-ai").await?;
    click(c, "#gdc-topic-data").await?;
    next(c).await?;
    audit.state(c, "answers", None, "$('#gdc-a-ai-principles')").await?;
    set_value(c, "#gdc-a-ai-principles", "Transparence des algorithmes").await?;
    set_value(c, "#gdc-a-data-principles", "حماية البيانات").await?;
    next(c).await?;

    click(c, "#gdc-kind-consultation").await?;
    let event_shown = "$('#gdc-event-title') && $('#gdc-event-title').offsetParent";
    audit.state(c, "about (consultation)", None, event_shown).await?;
    audit
        .state(
            c,
            "about, errors",
            Some(SHOW_ERRORS),
            &format!("{event_shown} && $('#gdc-stakeholder-error').textContent.trim()"),
        )
        .await?;
    set_value(c, "#gdc-event-title", "Kigali youth forum").await?;
    set_value(c, "#gdc-event-date", "2023-03-14").await?;
    set_value(c, "#gdc-event-participants", "40").await?;
    set_value(c, "#gdc-stakeholder", "civil-society").await?;
    set_value(c, "#gdc-country", "Rwanda").await?;
    set_value(c, "#gdc-name", "Amina Uwase").await?;
    set_value(c, "#gdc-organization", "Réseau numérique").await?;
    set_value(c, "#gdc-email", "amina@example.org").await?;
    next(c).await?;

    click(c, "#gdc-publish").await?;
    audit
        .state(c, "privacy", None, "$('#gdc-attribution-anonymous') && $('#gdc-attribution-anonymous').offsetParent")
        .await?;
    next(c).await?;

    audit.state(c, "review", None, "$('.gdc-review')").await?;
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    // Sent while offline: kept on this device, the notice shown and the
    // form locked (the "Send" button says so) until the network returns.
    browser.cdp("Network.enable", json!({})).await?;
    browser.cdp("Network.emulateNetworkConditions", offline(true)).await?;
    next(c).await?;
    let queued = "$('.gdc-queued').textContent.trim() && $('.gdc-submit').getAttribute('aria-disabled') === 'true'";
    audit.state(c, "review, queued offline", None, queued).await?;
    browser.cdp("Network.emulateNetworkConditions", offline(false)).await?;
    wait_until(c, "$('.gdc-reference')", "the receipt").await?;
    audit.state(c, "receipt", None, "$('.gdc-reference') && $('.gdc-receipt').offsetParent").await?;
    server.wait_for_export(WAIT, |rows| rows.len() == 1).await?;
    // Published by the organisers, it shows under "what others said".
    let reference = js(c, "return $('.gdc-reference').textContent;", vec![]).await?;
    server.publish(&[reference.as_str().unwrap_or_default()])?;
    // The feed is cacheable for a minute, and was read empty before.
    browser.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true })).await?;
    audit.state(c, "receipt, what others said, published", Some(OPEN_OTHERS), "$('.gdc-other')").await?;

    audit.assert_clean(&format!("{mode:?}, full form"));
    eprintln!("{mode:?}, full form: {:?}", started.elapsed());
    browser.close().await
}

async fn compact_form(mode: Mode) -> Result<()> {
    let started = Instant::now();
    let (server, browser, _root) = open(mode, "compact", "ai", "en").await?;
    let c = &browser.client;
    let mut audit = Audit::new(mode);

    audit.state(c, "compact", None, "$('.gdc-compact')").await?;
    audit.state(c, "compact, errors", Some(SHOW_ERRORS), "$('#gdc-a-ai-principles-error').textContent.trim()").await?;
    ensure!(server.export()?.is_empty(), "an empty compact form sent nothing");
    set_value(c, "#gdc-a-ai-principles", "Human oversight of automated decisions").await?;
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    next(c).await?;
    wait_until(c, "$('.gdc-reference')", "the receipt").await?;
    audit.state(c, "compact receipt", None, "$('.gdc-reference') && $('.gdc-receipt').offsetParent").await?;
    server.wait_for_export(WAIT, |rows| rows.len() == 1).await?;

    audit.assert_clean(&format!("{mode:?}, compact form"));
    eprintln!("{mode:?}, compact form: {:?}", started.elapsed());
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_every_step_of_the_full_form_in_iframe_mode_meets_wcag_a_and_aa_in_every_language_and_theme()
-> Result<()> {
    full_form(Mode::Iframe).await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_every_step_of_the_full_form_in_inline_mode_meets_wcag_a_and_aa_in_every_language_and_theme()
-> Result<()> {
    full_form(Mode::Inline).await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_the_compact_form_and_its_receipt_meet_wcag_a_and_aa_in_both_modes_every_language_and_theme()
-> Result<()> {
    compact_form(Mode::Iframe).await?;
    compact_form(Mode::Inline).await
}

/// What has focus inside the widget: `[id, class, tag]`. Never the
/// honeypot, which is for bots.
async fn focused(c: &Client) -> Result<Value> {
    let f = js(c, "const a = doc.activeElement; return a ? [a.id, a.className, a.localName] : null;", vec![]).await?;
    ensure!(f[0] != "gdc-website", "the keyboard reached the honeypot");
    Ok(f)
}

async fn focused_id(c: &Client) -> Result<String> {
    Ok(focused(c).await?[0].as_str().unwrap_or_default().to_owned())
}

/// Presses Tab until the element with `id` has focus.
async fn tab_to(c: &Client, id: &str) -> Result<()> {
    for _ in 0..60 {
        if focused_id(c).await? == id {
            return Ok(());
        }
        press(c, &[Key::Tab]).await?;
    }
    bail!("Tab never reached #{id}; focus is on {}", focused(c).await?)
}

/// Presses Tab until the form's submit button has focus, then Enter.
async fn tab_to_submit_and_press_enter(c: &Client) -> Result<()> {
    for _ in 0..60 {
        if js(c, "return doc.activeElement === $('.gdc-submit');", vec![]).await? == json!(true) {
            return press(c, &[Key::Enter]).await;
        }
        press(c, &[Key::Tab]).await?;
    }
    bail!("Tab never reached the submit button; focus is on {}", focused(c).await?)
}

/// Types text into what has focus, as a keyboard does.
async fn type_text(c: &Client, text: &str) -> Result<()> {
    c.active_element().await?.send_keys(text).await?;
    Ok(())
}

/// Focus reaches the element with `id`. The widget moves it in the
/// animation frame after the view updated, so it may land a moment after
/// what the view shows (an error's text) is there.
async fn assert_focus_moves_to(c: &Client, id: &str, what: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let f = focused(c).await?;
        if f[0] == id {
            return Ok(());
        }
        ensure!(start.elapsed() < WAIT, "focus on {what} ({id}) within {WAIT:?}; it is on {f}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn assert_heading_focused(c: &Client, step: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let f = focused(c).await?;
        if f[1] == "gdc-step-title" {
            return Ok(());
        }
        ensure!(start.elapsed() < WAIT, "after Next to {step}, focus is on {f}, not the step's heading");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_the_whole_form_in_arabic_with_the_keyboard_alone() -> Result<()> {
    let (server, browser, _root) = open(Mode::Iframe, "full", "ai,data", "ar").await?;
    let c = &browser.client;
    wait_until(c, "gdc.dir === 'rtl' && $('#gdc-topic-ai')", "the Arabic form").await?;
    // Into the frame from the page, as a visitor tabs in.
    js(c, "document.activeElement && document.activeElement.blur();", vec![]).await?;
    browser.client.execute("window.focus();", vec![]).await?;

    // "Next" with no topic: focus goes to the topics, which are in error.
    tab_to_submit_and_press_enter(c).await?;
    wait_until(c, "$('#gdc-topics-error').textContent.trim()", "the topic error").await?;
    assert_focus_moves_to(c, "gdc-topics", "the first invalid field after a failed Next").await?;
    tab_to(c, "gdc-topic-ai").await?;
    press(c, &[Key::Space]).await?;
    ensure!(js(c, "return $('#gdc-topic-ai').checked;", vec![]).await? == json!(true), "Space checks the topic");
    tab_to_submit_and_press_enter(c).await?;

    assert_heading_focused(c, "the answers").await?;
    tab_to(c, "gdc-a-ai-principles").await?;
    let answer = "الشفافية في الخوارزميات ومساءلة الشركات";
    type_text(c, answer).await?;
    // Shift+Tab goes back to the text box after Tab left it.
    press(c, &[Key::Tab]).await?;
    press(c, &[Key::Shift, Key::Tab]).await?;
    assert_eq!(focused_id(c).await?, "gdc-a-ai-principles", "Shift+Tab goes back");
    tab_to_submit_and_press_enter(c).await?;

    assert_heading_focused(c, "about you").await?;
    // The radio group: Tab reaches the chosen kind, arrows change it.
    tab_to(c, "gdc-kind-individual").await?;
    press(c, &[Key::Down]).await?;
    ensure!(focused_id(c).await? != "gdc-kind-individual", "an arrow moves within the group");
    press(c, &[Key::Up]).await?;
    assert_eq!(focused_id(c).await?, "gdc-kind-individual");
    ensure!(js(c, "return $('#gdc-kind-individual').checked;", vec![]).await? == json!(true), "the arrows chose back");
    // "Next" before the required fields: focus goes to the first in error.
    tab_to_submit_and_press_enter(c).await?;
    wait_until(c, "$('#gdc-stakeholder-error').textContent.trim()", "the stakeholder error").await?;
    assert_focus_moves_to(c, "gdc-stakeholder", "the first invalid field after a failed Next").await?;
    // A closed select changes with the arrow keys.
    press(c, &[Key::Down]).await?;
    let stakeholder = js(c, "return $('#gdc-stakeholder').value;", vec![]).await?;
    ensure!(stakeholder.as_str().is_some_and(|s| !s.is_empty()), "ArrowDown chose a stakeholder group");
    tab_to(c, "gdc-country").await?;
    type_text(c, "رواندا").await?;
    tab_to_submit_and_press_enter(c).await?;

    assert_heading_focused(c, "privacy").await?;
    tab_to(c, "gdc-publish").await?;
    press(c, &[Key::Space]).await?;
    tab_to_submit_and_press_enter(c).await?;

    assert_heading_focused(c, "the review").await?;
    wait_until(c, "$('.gdc-review')", "the review").await?;
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    tab_to_submit_and_press_enter(c).await?;
    wait_until(c, "$('.gdc-reference') && $('.gdc-receipt').offsetParent", "the receipt").await?;
    let reference = js(c, "return $('.gdc-reference').textContent;", vec![]).await?;

    let rows = server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let s = &rows[0]["submission"];
    assert_eq!(s["id"], reference);
    assert_eq!(s["lang"], "ar");
    assert_eq!(s["answers"], json!([{ "topic": "ai", "principles": answer, "commitments": "", "comments": "" }]));
    assert_eq!(s["submitter"]["kind"], "individual");
    assert_eq!(s["submitter"]["stakeholder"], stakeholder);
    assert_eq!(s["submitter"]["country"], "RW");
    assert_eq!(s["consent"]["publish"], true);
    browser.close().await
}
