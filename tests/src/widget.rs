//! What the browser tests (and the benches) share about a widget on a
//! partner page: its two modes, the root to query in each, and the events
//! it sends to the page, as a script recorded them in `window.__events`.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fantoccini::Client;
use serde_json::Value;
use serde_json::json;

/// How a widget is embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Iframe,
    Inline,
}

impl Mode {
    /// Its `mode` attribute's value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Iframe => "iframe",
            Self::Inline => "inline",
        }
    }

    /// JavaScript for the widget's document root: the shadow root in inline
    /// mode, the frame's document (entered beforehand) in iframe mode.
    pub fn root(self) -> &'static str {
        match self {
            Self::Inline => "document.querySelector('gdc-consultation').shadowRoot",
            Self::Iframe => "document",
        }
    }
}

/// Runs `body` with `root` bound to the widget's document root, inside the
/// frame in iframe mode, and returns to the partner page.
pub async fn in_widget(c: &Client, mode: Mode, body: &str, args: Vec<Value>) -> Result<Value> {
    if mode == Mode::Iframe {
        crate::widget_frame(c, crate::form::WAIT).await?.enter_frame().await?;
    }
    let script = format!("const root = {}; {body}", mode.root());
    let out = c.execute(&script, args).await;
    if mode == Mode::Iframe {
        c.enter_parent_frame().await?;
    }
    Ok(out?)
}

/// Polls `script` (with `root` bound, as in [`in_widget`]) until it returns
/// true. An error while polling (a frame between two pages) is tried again,
/// and shown if the wait ends.
pub async fn wait_in_widget(c: &Client, mode: Mode, script: &str, what: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let got = in_widget(c, mode, script, vec![]).await;
        if matches!(&got, Ok(v) if *v == json!(true)) {
            return Ok(());
        }
        if start.elapsed() > crate::form::WAIT {
            bail!("{what}: never in the {} widget within {:?} (last: {got:?})", mode.name(), crate::form::WAIT);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The widget's events recorded on the page so far (`window.__events`).
pub async fn events(c: &Client) -> Result<Vec<Value>> {
    Ok(c.execute("return window.__events || [];", vec![]).await?.as_array().cloned().unwrap_or_default())
}

/// Waits until an event of `kind` has reached the page (the client is on
/// it), and returns it.
pub async fn wait_for_event(c: &Client, kind: &str, within: Duration) -> Result<Value> {
    let start = Instant::now();
    loop {
        if let Some(e) = events(c).await?.into_iter().find(|e| e["type"] == kind) {
            return Ok(e);
        }
        if start.elapsed() > within {
            bail!("no {kind} event within {within:?}; events: {:?}", events(c).await?);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Begins to use each widget element matching `hosts` (a CSS selector) on
/// the partner page (the client is on it), as a visitor does: a click on
/// the form's blank corner, inside its padding, which changes nothing. A
/// widget's Wasm waits for such a sign (focus, a click, a key or input in
/// it). Each is scrolled to the top of the view first and clicked once its
/// form is there and listening (the served form in the shadow root in
/// inline mode; in iframe mode the frame's page having reported its height,
/// which a frame out of view may not); then the page is scrolled back and
/// the mouse leaves the view.
/// From the last to the first: a widget the Wasm takes over may change its
/// height and move those below it. The mouse is Chrome DevTools' input
/// events: WebDriver's element references would keep the elements alive,
/// which the tests that count nodes would see.
pub async fn begin_using(c: &Client, hosts: &str) -> Result<()> {
    let start = Instant::now();
    let wait = crate::form::WAIT;
    let count = loop {
        let n = c.execute("return document.querySelectorAll(arguments[0]).length;", vec![json!(hosts)]).await?;
        match n.as_u64() {
            Some(n) if n > 0 => break n,
            _ if start.elapsed() > wait => bail!("no {hosts} within {wait:?}"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let back = c.execute("return [scrollX, scrollY];", vec![]).await?;
    let corner = "const el = document.querySelectorAll(arguments[0])[arguments[1]];
      el.scrollIntoView({ block: 'start', behavior: 'instant' });
      const r = el.shadowRoot, f = r && r.querySelector('iframe');
      if (!(f ? f.style.height : r && r.querySelector('.gdc form'))) return null;
      const b = el.getBoundingClientRect();
      return [b.left + 6, b.top + 6];";
    for i in (0..count).rev() {
        let at = loop {
            let at = c.execute(corner, vec![json!(hosts), json!(i)]).await?;
            if !at.is_null() {
                break at;
            }
            if start.elapsed() > wait {
                let state = "const el = document.querySelectorAll(arguments[0])[arguments[1]];
                  const r = el.shadowRoot, f = r && r.querySelector('iframe');
                  return f ? 'frame ' + f.src : r ? r.innerHTML.slice(0, 200) : 'no shadow root';";
                let state = c.execute(state, vec![json!(hosts), json!(i)]).await?;
                bail!("{hosts} #{i}: no form within {wait:?}: {state}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        click_at(c, &at).await?;
    }
    c.execute("scrollTo({ left: arguments[0][0], top: arguments[0][1], behavior: 'instant' });", vec![back]).await?;
    // The mouse leaves the view, hovering nothing of the page.
    crate::cdp(c, "Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": -1, "y": -1 })).await?;
    Ok(())
}

/// A left click at `[x, y]` of the view, after a frame has been drawn
/// (input is routed by what was last drawn).
pub async fn click_at(c: &Client, at: &Value) -> Result<()> {
    c.execute_async("requestAnimationFrame(() => requestAnimationFrame(arguments[0]));", vec![]).await?;
    for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
        let event = json!({ "type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1 });
        crate::cdp(c, "Input.dispatchMouseEvent", event).await?;
    }
    Ok(())
}
