//! What the browser tests (and the benches) share about a widget on a
//! partner page: its two modes, the root to query in each, and the events
//! it sends to the page, as a script recorded them in `window.__events`.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fantoccini::Client;
use serde_json::Value;

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
