//! What the browser tests (and the benches) share about a widget on a
//! partner page: its two modes, the root to query in each, and the events
//! it sends to the page, as a script recorded them in `window.__events`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
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
/// widget's Wasm waits for such a sign (focus, a press, a click, a key or
/// input in it). Each is scrolled to the top of the view first and clicked
/// once its form is there and listening (the served form in the shadow root
/// in inline mode; in iframe mode the frame's page having reported its
/// height, which a frame out of view may not); then the page is scrolled
/// back and the mouse leaves the view.
/// From the last to the first: a widget the Wasm takes over may change its
/// height and move those below it. Every widget in the page once its
/// scripts have run, and any that comes while these are used. The mouse is
/// Chrome DevTools' input events: WebDriver's element references would
/// keep the elements alive, which the tests that count nodes would see.
///
/// A click is checked to have reached the widget: the corner is measured
/// again after the frames drawn before it, and the widget must say that the
/// visitor began (`gdc:start`) on the press, before the button is released
/// (so every test that uses this proves a press alone is a use). A page
/// that moves under the pointer between the two (a widget below the view
/// growing or shrinking moves the scroll) is what a visitor meets too: they
/// click again, and so does this, saying so. A widget the visitor already
/// began to use says it no more: this is for a widget not used yet.
pub async fn begin_using(c: &Client, hosts: &str) -> Result<()> {
    let start = Instant::now();
    let wait = crate::form::WAIT;
    // A page's async scripts (each loader puts in its own widget when it
    // runs) have all run once the page has loaded (a page still loading
    // after a few seconds, for a test that holds something back, is used
    // as it is); a script appended later may run while the first widgets
    // are used, so the page is asked again after each until no widget is
    // left unused by this call.
    let loaded = "return document.readyState === 'complete';";
    while c.execute(loaded, vec![]).await? != json!(true) && start.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    // The widgets this call has not used yet, by index.
    let unused = || async {
        let script = "return [...document.querySelectorAll(arguments[0])]
          .flatMap((el, i) => el.__gdcBegun === arguments[1] ? [] : [i]);";
        anyhow::Ok(serde_json::from_value::<Vec<u64>>(c.execute(script, vec![json!(hosts), json!(call)]).await?)?)
    };
    let mut left = loop {
        let left = unused().await?;
        if !left.is_empty() {
            break left;
        }
        ensure!(start.elapsed() < wait, "no {hosts} within {wait:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let back = c.execute("return [scrollX, scrollY];", vec![]).await?;
    while let Some(&i) = left.last() {
        use_one(c, hosts, i, start, wait).await?;
        let mark = "document.querySelectorAll(arguments[0])[arguments[1]].__gdcBegun = arguments[2];";
        c.execute(mark, vec![json!(hosts), json!(i), json!(call)]).await?;
        left = unused().await?;
    }
    c.execute("scrollTo({ left: arguments[0][0], top: arguments[0][1], behavior: 'instant' });", vec![back]).await?;
    // The mouse leaves the view, hovering nothing of the page.
    crate::cdp(c, "Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": -1, "y": -1 })).await?;
    Ok(())
}

/// Widget `i` of `hosts` in view, its form there and listening, then
/// pressed in its blank corner until it says the visitor began.
async fn use_one(c: &Client, hosts: &str, i: u64, start: Instant, wait: Duration) -> Result<()> {
    let args = || vec![json!(hosts), json!(i)];
    let mut tries = 0;
    loop {
        // In view, with its form there and listening.
        loop {
            if c.execute(IN_VIEW, args()).await? == json!(true) {
                break;
            }
            if start.elapsed() > wait {
                let state = c.execute(STATE, args()).await?;
                bail!("{hosts} #{i}: no form within {wait:?}: {state}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Input is routed by what was last drawn.
        c.execute_async("requestAnimationFrame(() => requestAnimationFrame(arguments[0]));", vec![]).await?;
        let at = c.execute(CORNER, args()).await?;
        if !at.is_null() {
            // Heard on the press, before the release: a finger down on
            // the form is a use.
            mouse(c, "mousePressed", &at).await?;
            let heard = heard(c, hosts, i).await;
            mouse(c, "mouseReleased", &at).await?;
            if heard? {
                return Ok(());
            }
        }
        tries += 1;
        let state = c.execute(STATE, args()).await?;
        eprintln!("begin_using: {hosts} #{i}: click {tries} at {at} not heard ({state}); again");
        if tries == 3 || start.elapsed() > wait {
            bail!("{hosts} #{i}: {tries} clicks, none heard: {state}");
        }
    }
}

/// Scrolls widget `arguments[1]` of `arguments[0]` to the top of the view;
/// true once its form is there and listening. Its `gdc:start` is recorded
/// from then (`__gdcStarted`).
const IN_VIEW: &str = "const el = document.querySelectorAll(arguments[0])[arguments[1]];
  el.scrollIntoView({ block: 'start', behavior: 'instant' });
  const r = el.shadowRoot, f = r && r.querySelector('iframe');
  if (!(f ? f.style.height : r && r.querySelector('.gdc form'))) return false;
  if (!el.__gdcStart) {
    el.__gdcStart = () => { el.__gdcStarted = true; };
    el.addEventListener('gdc:start', el.__gdcStart);
  }
  return true;";

/// The widget's blank corner in the view, if a click there reaches it.
const CORNER: &str = "const el = document.querySelectorAll(arguments[0])[arguments[1]];
  const b = el.getBoundingClientRect(), x = b.left + 6, y = b.top + 6;
  return document.elementFromPoint(x, y) === el ? [x, y] : null;";

/// What the widget is showing, for a message.
const STATE: &str = "const el = document.querySelectorAll(arguments[0])[arguments[1]];
  const r = el.shadowRoot, f = r && r.querySelector('iframe'), b = el.getBoundingClientRect();
  return `at ${Math.round(b.left)},${Math.round(b.top)} of a view at ${scrollX},${scrollY}, ` +
    (f ? 'frame ' + f.src + ' height ' + f.style.height : r ? r.innerHTML.slice(0, 200) : 'no shadow root');";

/// Whether widget `i` of `hosts` said the visitor began (`gdc:start`),
/// within a moment (in iframe mode it comes from another process). Its
/// listener is removed once it has.
async fn heard(c: &Client, hosts: &str, i: u64) -> Result<bool> {
    let started = "const el = document.querySelectorAll(arguments[0])[arguments[1]];
      if (!el.__gdcStarted) return false;
      el.removeEventListener('gdc:start', el.__gdcStart);
      delete el.__gdcStart; delete el.__gdcStarted;
      return true;";
    let start = Instant::now();
    loop {
        if c.execute(started, vec![json!(hosts), json!(i)]).await? == json!(true) {
            return Ok(true);
        }
        if start.elapsed() > Duration::from_millis(1_500) {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A left mouse button event `kind` at `[x, y]` of the view, the pointer
/// moved there first.
async fn mouse(c: &Client, kind: &str, at: &Value) -> Result<()> {
    for kind in ["mouseMoved", kind] {
        let event = json!({ "type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1 });
        crate::cdp(c, "Input.dispatchMouseEvent", event).await?;
    }
    Ok(())
}
