//! Driving the widget's form in a browser test as a visitor does: open the
//! demo page's widget, type, click, go on, read the step's title.

use std::time::Duration;

use anyhow::Result;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::widget::begin_using;
use crate::{DemoServer, widget_frame};

/// How long a test waits for anything the browser shows.
pub const WAIT: Duration = Duration::from_secs(30);

/// The demo companion's `abuse.min_submit_time`: a person is slower.
pub const MIN_SUBMIT_TIME: Duration = Duration::from_secs(3);

/// The first topic of a form the Wasm has taken over: the server-rendered
/// form before it carries `data-served` on its root.
pub const TAKEN_OVER: &str = ".gdc:not([data-served]) #gdc-topic-ai";

/// Opens the demo page, enters the widget's iframe, and lets the Wasm take
/// the form over.
pub async fn open_widget(c: &Client, server: &DemoServer) -> Result<()> {
    c.goto(&format!("{}/examples/", server.url)).await?;
    let frame = widget_frame(c, WAIT).await?;
    assert_eq!(frame.attr("title").await?.as_deref(), Some("Global Digital Compact consultation"));
    begin_using(c, "gdc-consultation").await?;
    frame.enter_frame().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css(TAKEN_OVER)).await?;
    Ok(())
}

/// Sets a field's text as typing would end (an `input` event), which also
/// carries characters chromedriver cannot type, such as emoji.
pub async fn set_text(c: &Client, css: &str, text: &str) -> Result<()> {
    c.wait().at_most(WAIT).for_element(Locator::Css(css)).await?;
    c.execute(
        "const el = document.querySelector(arguments[0]); el.focus(); el.value = arguments[1];
         el.dispatchEvent(new Event('input', { bubbles: true })); el.blur();",
        vec![json!(css), json!(text)],
    )
    .await?;
    Ok(())
}

pub async fn click(c: &Client, css: &str) -> Result<()> {
    c.wait().at_most(WAIT).for_element(Locator::Css(css)).await?.click().await?;
    Ok(())
}

/// The form's submit button: "Next", or "Send" on the review step.
pub async fn next(c: &Client) -> Result<()> {
    click(c, ".gdc-submit").await
}

pub async fn step_title(c: &Client) -> Result<String> {
    Ok(c.wait().at_most(WAIT).for_element(Locator::Css(".gdc-step-title")).await?.text().await?)
}

/// Presses keys one after the other (`Key::Shift` held around the next key
/// makes Shift+that key), on whatever has focus.
pub async fn press(c: &Client, keys: &[Key]) -> Result<()> {
    let mut actions = KeyActions::new("keyboard".to_owned());
    let mut shift = false;
    for key in keys {
        if matches!(key, Key::Shift) {
            actions = actions.then(KeyAction::Down { value: Key::Shift.into() });
            shift = true;
            continue;
        }
        let value: char = (*key).into();
        actions = actions.then(KeyAction::Down { value }).then(KeyAction::Up { value });
        if shift {
            actions = actions.then(KeyAction::Up { value: Key::Shift.into() });
            shift = false;
        }
    }
    c.perform_actions(actions).await?;
    Ok(())
}
