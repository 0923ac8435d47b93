//! The walking skeleton end to end: the demo page in headless Chromium shows
//! the widget through the loader, and one submission becomes exactly one row
//! in the central store.

use std::time::Duration;

use fantoccini::Locator;
use gdc_e2e::{Browser, DemoServer};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
async fn browser_demo_page_submission_makes_exactly_one_central_row() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;

    // Record the events the host page receives, from before the loader runs.
    browser
        .on_new_document(
            "window.__gdc = [];
             for (const t of ['gdc:ready', 'gdc:submitted', 'gdc:error'])
               document.addEventListener(t, e => window.__gdc.push([t, e.detail || {}]));",
        )
        .await?;
    c.goto(&format!("{}/", server.url)).await?;
    let loaded = std::time::Instant::now();

    let frame = c.wait().at_most(WAIT).for_element(Locator::Css("iframe")).await?;
    assert_eq!(frame.attr("title").await?.as_deref(), Some("Consultation"));
    frame.enter_frame().await?;
    let topic = c.wait().at_most(WAIT).for_element(Locator::Css("#gdc-topic")).await?;

    let principles = "Transparence des algorithmes · الشفافية · 算法透明";
    topic.select_by_value("ai").await?;
    c.find(Locator::Css("#gdc-principles")).await?.send_keys(principles).await?;
    c.find(Locator::Css("#gdc-stakeholder")).await?.select_by_value("civil-society").await?;
    c.find(Locator::Css("#gdc-country")).await?.select_by_value("RW").await?;
    // A person takes longer than the companion's minimum time to submit
    // (3 s); a robot this fast would be quietly dropped.
    tokio::time::sleep(Duration::from_millis(3_200).saturating_sub(loaded.elapsed())).await;
    c.find(Locator::Css("button[type=submit]")).await?.click().await?;

    let reference = c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-reference")).await?.text().await?;
    assert_eq!(reference.len(), 36, "the receipt shows the submission id, got {reference:?}");

    // The host page heard about it through the loader's relay.
    c.enter_parent_frame().await?;
    let events = c.execute("return window.__gdc;", vec![]).await?;
    let names: Vec<&str> = events.as_array().unwrap().iter().filter_map(|e| e[0].as_str()).collect();
    assert!(names.contains(&"gdc:ready"), "events: {events}");
    let submitted = events.as_array().unwrap().iter().find(|e| e[0] == "gdc:submitted").expect("gdc:submitted");
    assert_eq!(submitted[1]["id"], reference.as_str());

    let rows = server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    // Give a duplicate forward the chance to show up before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rows_after = server.export()?;
    assert_eq!(rows_after.len(), 1, "exactly one row: {rows_after:?}");
    assert_eq!(rows, rows_after);
    let s = &rows[0]["submission"];
    assert_eq!(s["id"], reference.as_str());
    assert_eq!(s["site"], "demo");
    assert_eq!(s["answers"][0]["topic"], "ai");
    assert_eq!(s["answers"][0]["principles"], principles);
    assert_eq!(s["submitter"]["stakeholder"], "civil-society");
    assert_eq!(s["submitter"]["country"], "RW");
    assert_eq!(s["consent"]["publish"], false);

    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_an_incomplete_form_shows_errors_beside_fields_and_sends_nothing() -> anyhow::Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    c.goto(&format!("{}/", server.url)).await?;
    c.wait().at_most(WAIT).for_element(Locator::Css("iframe")).await?.enter_frame().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css("#gdc-topic")).await?;
    c.find(Locator::Css("button[type=submit]")).await?.click().await?;

    // An empty choice is "required": the catalog's text shows beside the field.
    let error =
        c.wait().at_most(WAIT).for_element(Locator::XPath("//p[@id='gdc-country-error'][normalize-space()]")).await?;
    assert_eq!(error.text().await?, "Please fill this in.");
    for id in ["gdc-topic", "gdc-stakeholder", "gdc-country"] {
        let el = c.find(Locator::Id(id)).await?;
        assert_eq!(el.attr("aria-invalid").await?.as_deref(), Some("true"), "{id} is marked invalid");
    }
    // Focus moved to the first invalid field.
    let focused = c.execute("return document.activeElement.id;", vec![]).await?;
    assert_eq!(focused, "gdc-topic");
    assert!(server.export()?.is_empty(), "nothing reached the central store");
    browser.close().await
}
