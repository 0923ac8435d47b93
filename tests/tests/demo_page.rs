//! The demo page end to end: headless Chromium on the page `cargo xtask
//! demo` serves, the widget in its iframe, every step of the form, and the
//! row that reaches the central store.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use gdc_e2e::form::{MIN_SUBMIT_TIME, TAKEN_OVER, WAIT, click, next, open_widget, set_text, step_title};
use gdc_e2e::widget::begin_using;
use gdc_e2e::{Browser, DemoServer, widget_frame};
use serde_json::json;

/// Fills every step for one kind of contributor, submits, and checks the
/// one stored row equals what was typed.
async fn complete_every_step_as(kind: &str) -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    browser
        .on_new_document(
            "window.__gdc = []; window.__csp = [];
             for (const t of ['gdc:ready', 'gdc:submitted', 'gdc:error'])
               document.addEventListener(t, e => window.__gdc.push([t, e.detail || {}]));
             document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));",
        )
        .await?;
    open_widget(c, &server).await?;
    assert_eq!(step_title(c).await?, "Topics");

    click(c, "#gdc-topic-ai").await?;
    click(c, "#gdc-topic-data").await?;
    next(c).await?;
    assert_eq!(step_title(c).await?, "Your answers");
    let principles = "Transparence des algorithmes 🌍 · الشفافية · 算法透明";
    let commitments = "Publier les audits <script>alert(1)</script> & rendre des comptes";
    let comments = "数据保护 — حماية البيانات 🔐";
    set_text(c, "#gdc-a-ai-principles", principles).await?;
    set_text(c, "#gdc-a-ai-commitments", commitments).await?;
    set_text(c, "#gdc-a-data-comments", comments).await?;
    let counter = c.find(Locator::Id("gdc-a-ai-principles-count")).await?.text().await?;
    // Counting down, the number in the locale's grouping ("3,955").
    let left = 4000 - principles.chars().count();
    assert_eq!(counter, format!("{},{:03} characters left", left / 1000, left % 1000));
    next(c).await?;

    assert_eq!(step_title(c).await?, "About you");
    click(c, &format!("#gdc-kind-{kind}")).await?;
    let mut submitter = json!({ "kind": kind, "stakeholder": "civil-society", "country": "RW" });
    if kind == "consultation" {
        // Typed with the keyboard, as a person would.
        c.find(Locator::Id("gdc-event-title")).await?.send_keys("Kigali youth forum").await?;
        set_text(c, "#gdc-event-date", "2023-03-14").await?;
        set_text(c, "#gdc-event-participants", "40").await?;
        submitter["event"] = json!({ "title": "Kigali youth forum", "date": "2023-03-14", "participants": 40 });
    }
    c.find(Locator::Id("gdc-stakeholder")).await?.select_by_value("civil-society").await?;
    set_text(c, "#gdc-country", "Rwanda").await?;
    if kind != "individual" {
        set_text(c, "#gdc-name", "Amina <b>Uwase</b>").await?;
        set_text(c, "#gdc-organization", "Réseau numérique 网络").await?;
        set_text(c, "#gdc-email", "amina@example.org").await?;
        submitter["name"] = json!("Amina <b>Uwase</b>");
        submitter["organization"] = json!("Réseau numérique 网络");
        submitter["email"] = json!("amina@example.org");
    }
    next(c).await?;

    assert_eq!(step_title(c).await?, "Your privacy");
    let consent = if kind == "individual" {
        json!({ "publish": false, "attribution": "anonymous", "contact": false })
    } else {
        click(c, "#gdc-publish").await?;
        click(c, "#gdc-attribution-organization").await?;
        click(c, "#gdc-contact").await?;
        json!({ "publish": true, "attribution": "organization", "contact": true })
    };
    next(c).await?;

    assert_eq!(step_title(c).await?, "Review and send");
    // Shown back as text: the markup typed is visible, never rendered.
    let review = c.find(Locator::Css(".gdc-form")).await?.text().await?;
    assert!(review.contains(principles) && review.contains(commitments), "{review}");
    assert_eq!(
        c.execute("return document.querySelectorAll('.gdc-review script, .gdc-review b').length;", vec![]).await?,
        0
    );
    if kind != "individual" {
        assert!(review.contains("Amina <b>Uwase</b>"), "{review}");
    }

    // A person takes longer than the companion's minimum time to submit.
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    next(c).await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    // The embed page's own policy (no inline code, our origin only) held.
    assert_eq!(c.execute("return window.__csp;", vec![]).await?, json!([]), "no CSP violation in the frame");

    c.enter_parent_frame().await?;
    let events = c.execute("return window.__gdc;", vec![]).await?;
    let names: Vec<&str> = events.as_array().unwrap().iter().filter_map(|e| e[0].as_str()).collect();
    assert!(names.contains(&"gdc:ready"), "events: {events}");
    let submitted = events.as_array().unwrap().iter().find(|e| e[0] == "gdc:submitted").expect("gdc:submitted");
    assert_eq!(submitted[1]["id"], reference.as_str());

    server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    // Delivered once: no second delivery came, not merely no second row.
    assert_eq!(server.settled_deliveries(WAIT).await?, (1, 0));
    let rows = server.export()?;
    assert_eq!(rows.len(), 1, "exactly one row: {rows:?}");
    assert!(rows[0].get("flag").is_none(), "a person is not taken for a bot: {rows:?}");
    let expected = json!({
        "id": reference,
        "consultation": "gdc-2023",
        "site": "demo",
        "lang": "en",
        "submitter": submitter,
        "answers": [
            { "topic": "data", "principles": "", "commitments": "", "comments": comments },
            { "topic": "ai", "principles": principles, "commitments": commitments, "comments": "" },
        ],
        "consent": consent,
    });
    assert_eq!(rows[0]["submission"], expected);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_an_individual_completes_every_step_and_one_row_equals_what_was_typed() -> anyhow::Result<()> {
    complete_every_step_as("individual").await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_an_organization_completes_every_step_and_one_row_equals_what_was_typed() -> anyhow::Result<()> {
    complete_every_step_as("organization").await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_consultation_completes_every_step_and_one_row_equals_what_was_typed() -> anyhow::Result<()> {
    complete_every_step_as("consultation").await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_next_without_a_topic_shows_the_error_beside_it_and_sends_nothing() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    next(c).await?;
    let error =
        c.wait().at_most(WAIT).for_element(Locator::XPath("//p[@id='gdc-topics-error'][normalize-space()]")).await?;
    assert_eq!(error.text().await?, "Please fill this in.");
    let topics = c.find(Locator::Id("gdc-topics")).await?;
    assert_eq!(topics.attr("aria-invalid").await?.as_deref(), Some("true"));
    assert_eq!(step_title(c).await?, "Topics", "still on the first step");
    // Focus moved to the field in error.
    let focused = c.execute("return document.activeElement.id;", vec![]).await?;
    assert_eq!(focused, "gdc-topics");

    // On the next step, leaving an empty answer alone is fine; Next names it.
    click(c, "#gdc-topic-ai").await?;
    next(c).await?;
    next(c).await?;
    let error = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath("//p[@id='gdc-a-ai-principles-error'][normalize-space()]"))
        .await?;
    assert_eq!(error.text().await?, "Please fill this in.");
    assert!(server.export()?.is_empty(), "nothing reached the central store");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_reload_in_the_middle_of_the_form_restores_the_draft() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    click(c, "#gdc-topic-commons").await?;
    next(c).await?;
    let text = "Un bien commun numérique 🌱 — 数字公共产品";
    set_text(c, "#gdc-a-commons-principles", text).await?;
    // Drafts are saved shortly after each change.
    tokio::time::sleep(Duration::from_millis(800)).await;

    c.enter_parent_frame().await?;
    open_widget(c, &server).await?;
    let checked = c.execute("return document.getElementById('gdc-topic-commons').checked;", vec![]).await?;
    assert_eq!(checked, true, "the chosen topic is restored");
    next(c).await?;
    let restored = c.execute("return document.getElementById('gdc-a-commons-principles').value;", vec![]).await?;
    assert_eq!(restored, text);

    // "Start over" forgets it, also across a reload.
    click(c, ".gdc-start-over").await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    c.enter_parent_frame().await?;
    open_widget(c, &server).await?;
    let checked = c.execute("return document.getElementById('gdc-topic-commons').checked;", vec![]).await?;
    assert_eq!(checked, false);
    assert!(server.export()?.is_empty());
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_submission_made_offline_is_queued_and_arrives_exactly_once_when_the_network_returns()
-> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser
        .on_new_document("window.__gdc = []; document.addEventListener('gdc:error', e => window.__gdc.push(e.detail));")
        .await?;
    let c = &browser.client;
    open_widget(c, &server).await?;
    click(c, "#gdc-topic-other").await?;
    next(c).await?;
    set_text(c, "#gdc-a-other-principles", "Hors ligne, mais pas hors jeu 📶").await?;
    next(c).await?;
    c.find(Locator::Id("gdc-stakeholder")).await?.select_by_value("youth").await?;
    set_text(c, "#gdc-country", "Rwanda").await?;
    next(c).await?;
    next(c).await?;
    assert_eq!(step_title(c).await?, "Review and send");
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;

    let offline = |off: bool| json!({ "offline": off, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 });
    browser.cdp("Network.enable", json!({})).await?;
    browser.cdp("Network.emulateNetworkConditions", offline(true)).await?;
    next(c).await?;
    let queued =
        c.wait().at_most(WAIT).for_element(Locator::XPath("//p[@class='gdc-queued'][normalize-space()]")).await?;
    assert!(queued.text().await?.contains("saved on this device"));
    // A few retries happen while offline; nothing arrives.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert!(server.export()?.is_empty());
    // The partner page heard about it once, through the frame's messages.
    c.enter_parent_frame().await?;
    assert_eq!(c.execute("return window.__gdc;", vec![]).await?, json!([{ "code": "queued" }]));
    widget_frame(c, WAIT).await?.enter_frame().await?;

    browser.cdp("Network.emulateNetworkConditions", offline(false)).await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    let rows = server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    assert_eq!(server.settled_deliveries(WAIT).await?, (1, 0), "delivered once");
    assert_eq!(server.export()?.len(), 1, "exactly one row");
    assert_eq!(rows[0]["submission"]["id"], reference.as_str());
    assert_eq!(rows[0]["submission"]["answers"][0]["principles"], "Hors ligne, mais pas hors jeu 📶");
    // Sent once: the companion answered one 202 and no duplicate.
    let metrics = gdc_e2e::http_get(&format!("{}/metrics", server.url))?;
    assert!(metrics.contains("gdc_intake_requests_total{status=\"202\"} 1"), "{metrics}");
    assert!(!metrics.contains("gdc_intake_requests_total{status=\"200\"}"), "{metrics}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_the_compact_variant_on_an_article_asks_one_question_fits_a_phone_and_stores_one_row()
-> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    c.set_window_size(390, 844).await?;
    c.goto(&format!("{}/examples/article.html", server.url)).await?;
    let frame = widget_frame(c, WAIT).await?;
    assert_eq!(frame.attr("title").await?.as_deref(), Some("Share your view on AI"));
    begin_using(c, "gdc-consultation").await?;
    frame.clone().enter_frame().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css(".gdc:not([data-served])")).await?;
    let title = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-title")).await?.text().await?;
    assert_eq!(title, "Regulation of artificial intelligence");
    assert_eq!(c.execute("return document.querySelectorAll('textarea').length;", vec![]).await?, 1);
    assert!(c.find_all(Locator::Css(".gdc-steps")).await?.is_empty(), "no stepper");

    // Optional fields left empty: sending without them is fine.
    let text = "Human oversight of automated decisions 👁️ — رقابة بشرية";
    set_text(c, "#gdc-a-ai-principles", text).await?;
    click(c, "#gdc-publish").await?;
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    click(c, ".gdc-submit").await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;

    // Back on the article, the frame followed the form's height: about 400 px on a phone.
    c.enter_parent_frame().await?;
    let rows = server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["submission"],
        json!({
            "id": reference, "consultation": "gdc-2023", "site": "demo", "lang": "en",
            "submitter": { "kind": "individual", "stakeholder": "", "country": "" },
            "answers": [{ "topic": "ai", "principles": text, "commitments": "", "comments": "" }],
            "consent": { "publish": true, "attribution": "anonymous", "contact": false },
        })
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_the_compact_form_is_about_400_px_tall_on_a_phone() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    c.set_window_size(390, 844).await?;
    c.goto(&format!("{}/examples/article.html", server.url)).await?;
    let frame = widget_frame(c, WAIT).await?;
    frame.clone().enter_frame().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css("textarea")).await?;
    c.enter_parent_frame().await?;
    // The loader sizes the frame to its content once the widget reports it.
    let start = Instant::now();
    let height = loop {
        let h = c.execute("return document.querySelector('gdc-consultation').shadowRoot.querySelector('iframe').getBoundingClientRect().height;", vec![]).await?;
        let h = h.as_f64().unwrap_or(0.0);
        if (h - 480.0).abs() > 1.0 || start.elapsed() > Duration::from_secs(10) {
            break h;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!((250.0..=460.0).contains(&height), "compact widget height {height} px");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_what_others_said_is_empty_until_published_then_shows_the_text_escaped() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;

    // Before anything is published: an honest empty state.
    open_widget(c, &server).await?;
    click(c, ".gdc-others summary").await?;
    let empty = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-others-empty")).await?.text().await?;
    assert!(empty.contains("No contribution on this topic has been published yet"), "{empty}");

    // A contribution with markup in it, sent from the article page and published.
    c.enter_parent_frame().await?;
    c.goto(&format!("{}/examples/article.html", server.url)).await?;
    widget_frame(c, WAIT).await?.enter_frame().await?;
    let text = "Audits for <img src=x onerror=\"window.__pwned=1\"> every model 🔍";
    set_text(c, "#gdc-a-ai-principles", text).await?;
    click(c, "#gdc-publish").await?;
    gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    click(c, ".gdc-submit").await?;
    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    server.publish(&[&reference])?;

    c.enter_parent_frame().await?;
    open_widget(c, &server).await?;
    click(c, ".gdc-others summary").await?;
    c.find(Locator::Id("gdc-others-topic")).await?.select_by_value("ai").await?;
    let item = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-other")).await?.text().await?;
    assert!(item.contains(text), "shown as typed: {item}");
    assert!(item.contains("Anonymous"), "{item}");
    assert_eq!(c.execute("return document.querySelectorAll('.gdc-other img').length;", vec![]).await?, 0);
    assert_eq!(c.execute("return window.__pwned === undefined;", vec![]).await?, true);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_the_widget_offers_only_the_topics_the_site_registry_collects() -> anyhow::Result<()> {
    // The demo page asks for every topic; this companion's registry allows two.
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("gdc.toml");
    std::fs::write(
        &config,
        format!(
            "addr = \"127.0.0.1:0\"\ndata_dir = \"{data}\"\nassets_dir = \"{dist}\"\nsite_root = \"{root}\"\n\
             [companion]\nenabled = true\ntoken = \"t\"\n[central]\nenabled = true\n[[central.companions]]\nname = \"c\"\ntoken = \"t\"\n\
             [[sites]]\nkey = \"demo\"\norigins = [\"http://127.0.0.1:*\"]\ntopics = [\"ai\", \"data\"]\n",
            data = dir.path().join("data").display(),
            dist = gdc_e2e::dist().display(),
            root = gdc_e2e::repo_root().display(),
        ),
    )?;
    let args: Vec<std::ffi::OsString> = vec!["serve".into(), "--config".into(), config.into()];
    let server = gdc_e2e::ServerProcess::spawn(&gdc_e2e::server_bin(), &args, dir.path().join("data"))?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    c.goto(&format!("{}/examples/", server.url)).await?;
    begin_using(c, "gdc-consultation").await?;
    widget_frame(c, WAIT).await?.enter_frame().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css(TAKEN_OVER)).await?;
    let offered =
        c.execute("return [...document.querySelectorAll('input[name=topics]')].map(e => e.value);", vec![]).await?;
    assert_eq!(offered, json!(["data", "ai"]), "in the consultation's order");
    browser.close().await
}
