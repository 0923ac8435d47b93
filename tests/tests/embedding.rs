//! Embedding on partner pages we never saw, in both modes: hostile global
//! CSS, a strict Content-Security-Policy, host listeners, live attribute
//! changes, and a single-page app mounting and removing the widget.
//!
//! The partner pages are served from `http://localhost:PORT` and the widget
//! from `http://127.0.0.1:PORT`: two origins, as on a real partner site.
//!
//! It is long because embedding has many faces (two modes, hostile CSS,
//! strict CSP, live attributes, themes, clean-up), each with its host page.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use gdc_e2e::form::MIN_SUBMIT_TIME;
use gdc_e2e::picture::{Picture, decode};
use gdc_e2e::soak::wait_until;
use gdc_e2e::widget::{self, Mode, begin_using, events, in_widget, wait_for_event};
use gdc_e2e::{Browser, DemoServer, repo_root, server_bin, widget_frame, widget_frame_of};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// A demo server whose partner pages the test writes.
struct Partner {
    server: DemoServer,
    root: tempfile::TempDir,
    /// The companion's origin, where the loader comes from.
    companion: String,
    /// The partner pages' origin.
    origin: String,
}

impl Partner {
    fn start() -> Result<Self> {
        let root = tempfile::tempdir()?;
        std::fs::create_dir_all(root.path().join("examples"))?;
        let server = DemoServer::start_with(&server_bin(), root.path())?;
        let companion = server.url.clone();
        let origin = companion.replace("127.0.0.1", "localhost");
        ensure!(origin != companion, "the demo should listen on 127.0.0.1, not {companion}");
        Ok(Self { server, root, companion, origin })
    }

    /// Writes a partner page and returns its URL.
    fn page(&self, name: &str, html: &str) -> Result<String> {
        std::fs::write(self.root.path().join("examples").join(name), html)?;
        Ok(format!("{}/examples/{name}", self.origin))
    }

    fn copy(&self, from: &Path, name: &str) -> Result<()> {
        std::fs::copy(from, self.root.path().join("examples").join(name))
            .with_context(|| format!("{} is missing: run `npm ci` (cargo xtask test does)", from.display()))?;
        Ok(())
    }
}

/// Records the widget's events wherever they reach the document, before any
/// script of the page runs (and whatever the page's CSP).
const RECORD_EVENTS: &str = "window.__events = [];
for (const t of ['gdc:start', 'gdc:ready', 'gdc:submitted', 'gdc:error', 'gdc:resize'])
  document.addEventListener(t, e => window.__events.push({ type: t, detail: e.detail, target: e.target.localName }));
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));";

async fn assert_no_csp_violation(c: &Client) -> Result<()> {
    let csp: Value = c.execute("return window.__csp;", vec![]).await?;
    assert_eq!(csp, json!([]), "the page's policy reported no violation");
    Ok(())
}

/// Waits until the widget element's height has stopped changing.
async fn wait_until_settled(c: &Client, host: &str) -> Result<()> {
    let (mut last, mut same, start) = (-1.0, 0, Instant::now());
    while same < 4 {
        let h = c
            .execute("return document.querySelector(arguments[0]).getBoundingClientRect().height;", vec![json!(host)])
            .await?
            .as_f64()
            .unwrap_or(0.0);
        if h > 100.0 && (h - last).abs() < 0.5 {
            same += 1
        } else {
            same = 0
        }
        last = h;
        ensure!(start.elapsed() < WAIT, "the widget never settled (height {h})");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    c.execute_async("document.fonts.ready.then(() => arguments[0]());", vec![]).await?;
    Ok(())
}

/// Waits until `selector` matches inside the widget.
async fn wait_in_widget(c: &Client, mode: Mode, selector: &str) -> Result<()> {
    let script = format!("return !!root.querySelector({selector:?});");
    widget::wait_in_widget(c, mode, &script, selector).await
}

/// Types into a field as a visitor would end typing (an `input` event).
const SET_TEXT: &str = "const el = root.querySelector(arguments[0]); el.focus(); el.value = arguments[1];
    el.dispatchEvent(new Event('input', { bubbles: true })); el.blur();";
const CLICK: &str = "root.querySelector(arguments[0]).click();";

fn partner_page(head: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>A partner page</title>{head}</head>\
         <body>{body}</body></html>"
    )
}

/// The partner page's own content, which the widget must leave alone.
const HOST_CONTENT: &str = "<header><h1>Partner news</h1><nav><a href=\"#\">Home</a> <a href=\"#\">About</a></nav></header>\
    <main id=\"main\"><p>Some article text <strong>with emphasis</strong>.</p><ul><li>One</li><li>Two</li></ul>\
    <form><label for=\"q\">Search</label> <input id=\"q\"> <button type=\"button\">Go</button></form></main>";

/// A hostile stylesheet: `!important` on everything that inherits or boxes.
const STAR_IMPORTANT: &str = "<style>
* { color: #c00 !important; font-family: 'Comic Sans MS', cursive, serif !important; font-size: 21px !important;
    line-height: 3 !important; letter-spacing: 2px !important; word-spacing: 5px !important;
    text-transform: uppercase !important; text-align: center !important; text-shadow: 1px 1px #f0f !important;
    font-weight: 900 !important; font-style: italic !important; margin: 4px !important; padding: 6px !important;
    border: 2px dashed #0a0 !important; box-sizing: content-box !important; background: #fffde8 !important;
    box-shadow: 0 0 0 3px #00f !important; outline: 2px solid orange !important; cursor: crosshair !important;
    text-indent: 20px !important; white-space: pre-wrap !important; direction: rtl !important;
    unicode-bidi: bidi-override !important; }
*::before { content: '\\2605' !important; } *::after { content: '\\2606' !important; }
iframe { border: 10px solid red !important; height: 60px !important; width: 100px !important; }
div, form, input, button, label, textarea, select, h2, h3, p, fieldset { display: inline !important; }
html { font-size: 30px !important; }
</style>";

/// A full CSS reset of the kind many sites start from.
const RESET: &str = "<style>
html, body, div, span, iframe, h1, h2, h3, h4, p, a, strong, ol, ul, li, form, label, input, button, textarea,
select, fieldset, legend, details, summary, section, article, aside, nav, header, main {
  margin: 0; padding: 0; border: 0; font-size: 100%; font: inherit; vertical-align: baseline; }
ol, ul { list-style: none; } button, input, select, textarea { all: unset; }
*, *::before, *::after { box-sizing: border-box; } html { font-size: 62.5%; line-height: 1; }
body { font-family: Georgia, serif; color: #333; }
</style>";

const STYLES: [(&str, &str); 4] = [
    ("blank", ""),
    ("star-important", STAR_IMPORTANT),
    ("reset", RESET),
    ("bootstrap", "<link rel=\"stylesheet\" href=\"bootstrap.min.css\">"),
];

/// What the page's own elements look like: boxes and the styles the widget
/// could disturb, plus the page's width (a widget pushing content sideways
/// would widen it).
const HOST_LAYOUT: &str = "return [...document.querySelectorAll('body *')]
  .filter(e => !['gdc-consultation', 'script', 'link', 'style'].includes(e.localName))
  .map(e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return [e.localName, r.x, r.y, r.width, r.height, s.color, s.fontFamily, s.fontSize, s.lineHeight,
            s.margin, s.padding, s.backgroundColor, s.direction].join('|'); })
  .concat([getComputedStyle(document.body).margin, getComputedStyle(document.documentElement).fontSize,
           document.documentElement.scrollWidth, document.styleSheets.length]);";

/// Puts two widgets at the end of the page, the full form (`#a`) and the
/// compact one (`#b`, a text box, a select and an input): the script-tag form
/// for iframe mode, the element for inline mode.
const MOUNT: &str = "const [companion, mode] = arguments;
  for (const [id, variant] of [['a', 'full'], ['b', 'compact']]) {
    const attrs = { id, site: 'demo', theme: 'light', lang: 'en', topics: 'ai,data', variant, loading: 'eager', mode };
    const s = document.createElement('script');
    s.src = companion + '/widget/v1/loader.js';
    if (mode === 'iframe') for (const [k, v] of Object.entries(attrs)) s.setAttribute('data-' + k, v);
    else {
      const el = document.createElement('gdc-consultation');
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      document.body.append(el);
    }
    document.body.append(s);
  }";

/// The share of pixels that differ visibly (any channel by more than 40).
fn differing_share(a: &Picture, b: &Picture) -> f64 {
    let differing = a
        .rgba
        .chunks(4)
        .zip(b.rgba.chunks(4))
        .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 40))
        .count();
    differing as f64 / f64::from(a.width * a.height).max(1.0)
}

/// Loads the widget on each hostile page and compares it with the blank page.
async fn hostile_css_changes_nothing(mode: Mode) -> Result<()> {
    let partner = Partner::start()?;
    partner.copy(
        &std::env::var_os("GDC_NODE_MODULES")
            .map_or_else(|| repo_root().join("node_modules"), std::path::PathBuf::from)
            .join("bootstrap/dist/css/bootstrap.min.css"),
        "bootstrap.min.css",
    )?;
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD_EVENTS).await?;
    let c = &browser.client;
    c.set_window_size(1024, 1400).await?;
    let out = repo_root().join("target/embedding-screenshots");
    std::fs::create_dir_all(&out)?;
    // The blank page's pictures of the two widgets.
    let mut blank: Vec<Picture> = Vec::new();
    for (name, style) in STYLES {
        // The page sizes and places the widget, on whole pixels (text at
        // another subpixel offset is anti-aliased differently, which is not
        // what this compares), and always shows a scroll bar (or the widget
        // would narrow the page when it loads).
        let head = format!(
            "{style}<style>gdc-consultation {{ position: absolute; left: 16px; width: 600px; }} \
             #a {{ top: 1600px; }} #b {{ top: 2400px; }} html {{ overflow-y: scroll; }}</style>"
        );
        let url = partner.page(&format!("{name}.html"), &partner_page(&head, HOST_CONTENT))?;
        c.goto(&url).await?;
        let before = c.execute(HOST_LAYOUT, vec![]).await?;
        c.execute(MOUNT, vec![json!(partner.companion), json!(mode.name())]).await?;
        // In iframe mode each of the two loaders puts in its widget when it
        // runs, which may be after the page has loaded: both, then use them.
        let both = "return document.querySelectorAll('gdc-consultation').length === 2;";
        let two = || async { c.execute(both, vec![]).await.is_ok_and(|v| v == json!(true)) };
        wait_until(WAIT, &format!("{name}: the two widgets"), two).await?;
        begin_using(c, "gdc-consultation").await?;
        let start = Instant::now();
        while events(c).await?.iter().filter(|e| e["type"] == "gdc:ready").count() < 2 {
            ensure!(start.elapsed() < WAIT, "{name}: the widgets never became ready; events: {:?}", events(c).await?);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let ready = wait_for_event(c, "gdc:ready", WAIT).await?;
        assert_eq!(ready["target"], "gdc-consultation", "events come from the host element");
        wait_in_widget(c, mode, "#gdc-topic-ai").await?;
        for host in ["#a", "#b"] {
            wait_until_settled(c, host).await?;
        }
        let after = c.execute(HOST_LAYOUT, vec![]).await?;
        assert_eq!(before, after, "{name}, {}: the page's own layout changed when the widget loaded", mode.name());

        for (i, host) in ["#a", "#b"].into_iter().enumerate() {
            c.execute(
                "document.querySelector(arguments[0]).scrollIntoView({ block: 'start', behavior: 'instant' });",
                vec![json!(host)],
            )
            .await?;
            let path = out.join(format!("{}-{name}-{}.png", mode.name(), &host[1..]));
            let mut attempt = 0;
            loop {
                // A frame from another site is composited apart from the page
                // and can lag a scroll by a frame or two: compare what settled.
                c.execute_async(
                    "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(arguments[0], 100)));",
                    vec![],
                )
                .await?;
                let shot = c.find(Locator::Css(host)).await?.screenshot().await?;
                std::fs::write(&path, &shot)?;
                let picture = decode(&shot)?;
                let Some(reference) = blank.get(i) else {
                    blank.push(picture);
                    break;
                };
                let size = (picture.width, picture.height);
                let share = differing_share(reference, &picture);
                if size == (reference.width, reference.height) && share < 0.005 {
                    break;
                }
                attempt += 1;
                assert!(
                    attempt < 3,
                    "{name}, {}, {host}: the widget differs from the blank page's: {size:?} against {:?}, {:.2}% of \
                     its pixels (see {})",
                    mode.name(),
                    (reference.width, reference.height),
                    share * 100.0,
                    path.display()
                );
            }
        }
        assert_no_csp_violation(c).await?;
    }
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_hostile_host_css_changes_nothing_in_iframe_mode() -> Result<()> {
    hostile_css_changes_nothing(Mode::Iframe).await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_hostile_host_css_changes_nothing_in_inline_mode() -> Result<()> {
    hostile_css_changes_nothing(Mode::Inline).await
}

/// The minimal policy for each mode, as docs/embedding.md gives it.
fn strict_csp(mode: Mode, companion: &str) -> String {
    match mode {
        Mode::Iframe => format!("default-src 'none'; script-src {companion}; frame-src {companion}; style-src 'self'"),
        Mode::Inline => format!(
            "default-src 'none'; script-src {companion} 'wasm-unsafe-eval'; connect-src {companion}; style-src 'self'"
        ),
    }
}

/// On a page under the mode's minimal CSP: host listeners get every event,
/// attribute changes apply live without losing what was typed, and a
/// contribution made offline is queued, then sent once.
async fn strict_csp_events_and_live_attributes(mode: Mode) -> Result<()> {
    let partner = Partner::start()?;
    let head =
        format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">", strict_csp(mode, &partner.companion));
    let body = format!(
        "{HOST_CONTENT}<gdc-consultation site=\"demo\" mode=\"{}\" topics=\"ai\" theme=\"light\" lang=\"en\">\
         </gdc-consultation><script src=\"{}/widget/v1/loader.js\" async></script>",
        mode.name(),
        partner.companion
    );
    let url = partner.page("strict.html", &partner_page(&head, &body))?;
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD_EVENTS).await?;
    let c = &browser.client;
    c.goto(&url).await?;
    begin_using(c, "gdc-consultation").await?;
    wait_for_event(c, "gdc:ready", WAIT).await?;
    let resize = wait_for_event(c, "gdc:resize", WAIT).await?;
    assert!(resize["detail"]["height"].as_f64().unwrap_or(0.0) > 100.0, "{resize}");

    // Partway through the form…
    wait_in_widget(c, mode, "#gdc-topic-ai").await?;
    in_widget(c, mode, CLICK, vec![json!("#gdc-topic-ai")]).await?;
    in_widget(c, mode, CLICK, vec![json!(".gdc-submit")]).await?;
    wait_in_widget(c, mode, "#gdc-a-ai-principles").await?;
    let text = "Les algorithmes publics doivent être explicables 🌍 — الشفافية";
    in_widget(c, mode, SET_TEXT, vec![json!("#gdc-a-ai-principles"), json!(text)]).await?;

    // …the page changes three attributes at once, as a single-page app does.
    c.execute(
        "const el = document.querySelector('gdc-consultation');
         el.setAttribute('theme', 'dark'); el.setAttribute('lang', 'ar'); el.setAttribute('topics', 'ai,data');
         el.setAttribute('accent', '#0a6650');",
        vec![],
    )
    .await?;
    let start = Instant::now();
    let state = loop {
        let state = in_widget(
            c,
            mode,
            "const g = root.querySelector('.gdc'), t = root.querySelector('#gdc-a-ai-principles');
             return [g.dataset.theme, g.lang, g.dir, t && t.value,
                     root.querySelector('.gdc-step-title').textContent, getComputedStyle(g).colorScheme,
                     getComputedStyle(root.querySelector('.gdc-submit')).backgroundColor];",
            vec![],
        )
        .await?;
        if state[0] == "dark" && state[1] == "ar" && state[6] == "rgb(10, 102, 80)" {
            break state;
        }
        ensure!(start.elapsed() < WAIT, "the attribute change never applied: {state}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        state,
        // The step's name, now in Arabic.
        json!([
            "dark",
            "ar",
            "rtl",
            text,
            gdc_i18n::Catalogs::load().unwrap().get("ar").get("step-answers"),
            "dark",
            "rgb(10, 102, 80)"
        ]),
        "live, and nothing typed lost"
    );
    in_widget(c, mode, CLICK, vec![json!(".gdc-back")]).await?;
    wait_in_widget(c, mode, "#gdc-topic-data").await?;
    let chosen = in_widget(c, mode, "return root.querySelector('#gdc-topic-ai').checked;", vec![]).await?;
    assert_eq!(chosen, json!(true), "the topic chosen before the change is still chosen");

    // The compact variant, live: the same text is its one answer. Sent
    // offline (inline mode: the partner page's network; iframe mode, where
    // the frame is another site's process, is covered by demo_page.rs), it
    // waits on the device (gdc:error "queued"), then goes once.
    c.execute(
        "const el = document.querySelector('gdc-consultation');
         el.setAttribute('variant', 'compact'); el.setAttribute('topics', 'ai');",
        vec![],
    )
    .await?;
    wait_in_widget(c, mode, ".gdc-compact").await?;
    let kept = in_widget(c, mode, "return root.querySelector('#gdc-a-ai-principles').value;", vec![]).await?;
    assert_eq!(kept, json!(text));
    if mode == Mode::Inline {
        gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    } else {
        // The frame is on the companion's origin: its token is read inside it.
        widget_frame(c, WAIT).await?.enter_frame().await?;
        gdc_e2e::wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
        c.enter_parent_frame().await?;
    }
    let offline = |on: bool| json!({ "offline": on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 });
    if mode == Mode::Inline {
        browser.cdp("Network.enable", json!({})).await?;
        browser.cdp("Network.emulateNetworkConditions", offline(true)).await?;
        in_widget(c, mode, CLICK, vec![json!(".gdc-submit")]).await?;
        let error = wait_for_event(c, "gdc:error", WAIT).await?;
        assert_eq!(error["detail"], json!({ "code": "queued" }));
        browser.cdp("Network.emulateNetworkConditions", offline(false)).await?;
    } else {
        in_widget(c, mode, CLICK, vec![json!(".gdc-submit")]).await?;
    }
    let submitted = wait_for_event(c, "gdc:submitted", WAIT).await?;
    let id = submitted["detail"]["id"].as_str().context("gdc:submitted carries the id")?.to_owned();
    assert_eq!(submitted["target"], "gdc-consultation");
    let rows = partner.server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    assert_eq!(rows.len(), 1, "stored once: {rows:?}");
    assert_eq!(rows[0]["submission"]["id"], json!(id));
    assert_eq!(rows[0]["submission"]["answers"][0]["principles"], json!(text));
    assert_eq!(rows[0]["submission"]["lang"], "ar");

    assert_no_csp_violation(c).await?;
    // (The embed page's own policy is checked in demo_page.rs, where the
    // frame is same-site and the recording script runs in it too.)
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_iframe_mode_under_a_strict_csp_sends_events_and_applies_attributes_live() -> Result<()> {
    strict_csp_events_and_live_attributes(Mode::Iframe).await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_inline_mode_under_a_strict_csp_sends_events_and_applies_attributes_live() -> Result<()> {
    strict_csp_events_and_live_attributes(Mode::Inline).await
}

/// The renderer's counts of documents, DOM nodes and event listeners after
/// a full garbage collection.
async fn dom_counters(browser: &Browser) -> Result<Value> {
    for _ in 0..2 {
        browser.cdp("HeapProfiler.collectGarbage", json!({})).await?;
    }
    browser.cdp("Memory.getDOMCounters", json!({})).await
}

/// The example single-page app, driven through 50 route changes that
/// mount and remove the widget (iframe and inline in turn).
#[tokio::test(flavor = "multi_thread")]
async fn browser_fifty_mounts_and_removals_leave_no_listener_frame_or_node_behind() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD_EVENTS).await?;
    let c = &browser.client;
    c.goto(&format!("{}/examples/spa.html", server.url)).await?;
    c.wait().at_most(WAIT).for_element(Locator::Css("#view p")).await?;

    let mut readies = 0;
    let mut cycle = |route: &'static str| {
        readies += 1;
        let expected = readies;
        async move {
            c.execute("location.hash = arguments[0];", vec![json!(route)]).await?;
            begin_using(c, "gdc-consultation").await?;
            let start = Instant::now();
            while events(c).await?.iter().filter(|e| e["type"] == "gdc:ready").count() < expected {
                ensure!(start.elapsed() < WAIT, "mount {expected} ({route}) never became ready");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            c.execute("location.hash = '#/';", vec![]).await?;
            while c.execute("return !!document.querySelector('gdc-consultation');", vec![]).await? == json!(true) {
                ensure!(start.elapsed() < WAIT, "the widget was never removed");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            anyhow::Ok(())
        }
    };
    // One of each first: the Wasm module, the stylesheets and the browser's
    // own caches are loaded once per page and are not leaks.
    cycle("#/consultation").await?;
    cycle("#/inline").await?;
    // Let the last removal's clean-ups (a microtask, a frame) finish.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = dom_counters(&browser).await?;
    for i in 0..50 {
        cycle(if i % 2 == 0 { "#/consultation" } else { "#/inline" }).await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = dom_counters(&browser).await?;
    eprintln!("DOM counters before {baseline} and after 50 cycles {after}");
    for counter in ["documents", "jsEventListeners", "nodes"] {
        let (b, a) = (baseline[counter].as_u64().unwrap_or(0), after[counter].as_u64().unwrap_or(u64::MAX));
        assert!(a <= b, "{counter} grew from {b} to {a} over 50 mounts and removals");
    }
    assert_eq!(c.execute("return window.frames.length;", vec![]).await?, json!(0), "no frame left");
    browser.close().await
}

/// The computed `color-scheme` and background of the widget's root.
async fn widget_colours(c: &Client, mode: Mode) -> Result<Value> {
    let js = "const g = root.querySelector('.gdc'); const s = getComputedStyle(g); \
              return [s.colorScheme, s.backgroundColor];";
    match mode {
        Mode::Inline => {
            Ok(c.execute(&format!("const root = document.querySelector('#inline').shadowRoot; {js}"), vec![]).await?)
        }
        Mode::Iframe => {
            widget_frame_of(c, "#framed", WAIT).await?.enter_frame().await?;
            let out = c.execute(&format!("const root = document; {js}"), vec![]).await;
            c.enter_parent_frame().await?;
            Ok(out?)
        }
    }
}

/// `theme="auto"` follows the system's setting while the widget is open,
/// in both modes; widgets far down the page load only when scrolled near.
#[tokio::test(flavor = "multi_thread")]
async fn browser_auto_theme_follows_the_system_live_and_far_widgets_load_when_near() -> Result<()> {
    let partner = Partner::start()?;
    let body = format!(
        "{HOST_CONTENT}<gdc-consultation id=\"framed\" site=\"demo\" theme=\"auto\" loading=\"eager\"></gdc-consultation>\
         <gdc-consultation id=\"inline\" site=\"demo\" theme=\"auto\" mode=\"inline\" loading=\"eager\" \
         style=\"--gdc-border: rgb(4, 5, 6)\"></gdc-consultation>\
         <div style=\"height: 5000px\"></div>\
         <gdc-consultation id=\"far-inline\" site=\"demo\" mode=\"inline\"></gdc-consultation>\
         <gdc-consultation id=\"far-frame\" site=\"demo\"></gdc-consultation>\
         <script src=\"{}/widget/v1/loader.js\" async></script>",
        partner.companion
    );
    // In inline mode the page's own CSS may set the style properties.
    let head = "<style>#inline { --gdc-accent: rgb(1, 2, 3); }</style>";
    partner.page("auto.html", &partner_page(head, &body))?;
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD_EVENTS).await?;
    let c = &browser.client;
    // On the companion's own origin: the frame shares the page's process,
    // so the emulated system setting reaches it too.
    c.goto(&format!("{}/examples/auto.html", partner.companion)).await?;
    let readies = || async { anyhow::Ok(events(c).await?.iter().filter(|e| e["type"] == "gdc:ready").count()) };
    let wait_for_readies = |n: usize| async move {
        let start = Instant::now();
        while readies().await? < n {
            ensure!(start.elapsed() < WAIT, "{n} widgets never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::Ok(())
    };
    begin_using(c, "#framed, #inline").await?;
    wait_for_readies(2).await?;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(readies().await?, 2, "the widgets below the fold wait");
    let far = c.execute("return !!document.querySelector('#far-inline').shadowRoot.querySelector('.gdc');", vec![]);
    assert_eq!(far.await?, json!(false));
    let wasm_requests = "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm')).length;";
    assert_eq!(c.execute(wasm_requests, vec![]).await?, json!(1), "one Wasm download for the inline widgets");

    let accent = c.execute(
        "return getComputedStyle(document.querySelector('#inline').shadowRoot.querySelector('.gdc-submit')).backgroundColor;",
        vec![],
    );
    assert_eq!(accent.await?, json!("rgb(1, 2, 3)"), "the page's --gdc-accent reaches the inline widget");
    let border = c.execute(
        "const el = document.querySelector('#inline');
         return [el.getAttribute('style'), getComputedStyle(el.shadowRoot.querySelector('select')).borderTopColor];",
        vec![],
    );
    assert_eq!(
        border.await?,
        json!(["--gdc-border: rgb(4, 5, 6)", "rgb(4, 5, 6)"]),
        "and its own inline style, untouched"
    );
    let light = json!(["light", "rgb(255, 255, 255)"]);
    let dark = json!(["dark", "rgb(13, 17, 23)"]);
    for mode in [Mode::Iframe, Mode::Inline] {
        assert_eq!(widget_colours(c, mode).await?, light, "{}", mode.name());
    }
    let scheme = |value: &str| json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] });
    browser.cdp("Emulation.setEmulatedMedia", scheme("dark")).await?;
    for mode in [Mode::Iframe, Mode::Inline] {
        assert_eq!(widget_colours(c, mode).await?, dark, "{} follows the system to dark", mode.name());
    }
    let frame_scheme =
        "return getComputedStyle(document.querySelector('#framed').shadowRoot.querySelector('iframe')).colorScheme;";
    assert_eq!(c.execute(frame_scheme, vec![]).await?, json!("light dark"), "the frame stays transparent");
    browser.cdp("Emulation.setEmulatedMedia", scheme("light")).await?;
    assert_eq!(widget_colours(c, Mode::Inline).await?, light, "and back");

    c.execute("window.scrollTo(0, document.documentElement.scrollHeight);", vec![]).await?;
    begin_using(c, "#far-inline, #far-frame").await?;
    wait_for_readies(4).await?;

    // A widget cannot turn from a frame into an inline form in place: the
    // loader replaces it.
    c.execute("window.scrollTo(0, 0); document.querySelector('#framed').setAttribute('mode', 'inline');", vec![])
        .await?;
    begin_using(c, "#framed").await?;
    wait_for_readies(5).await?;
    let inside = c.execute(
        "const r = document.querySelector('#framed').shadowRoot; return [r.querySelectorAll('iframe').length, !!r.querySelector('.gdc')];",
        vec![],
    );
    assert_eq!(inside.await?, json!([0, true]));
    browser.close().await
}

/// Every example page that `cargo xtask demo` serves shows all its widgets,
/// under its own policy where it has one, with no violation reported.
#[tokio::test(flavor = "multi_thread")]
async fn browser_every_example_page_shows_its_widgets_without_a_csp_violation() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD_EVENTS).await?;
    let c = &browser.client;
    c.set_window_size(1024, 2400).await?;
    for page in [
        "/examples/",
        "/examples/article.html",
        "/examples/strict-csp.html",
        "/examples/strict-csp-inline.html",
        "/examples/dark.html",
        "/examples/rtl.html",
        "/examples/spa.html#/consultation",
    ] {
        c.goto(&format!("{}{page}", server.url)).await?;
        begin_using(c, "gdc-consultation").await?;
        let start = Instant::now();
        loop {
            let widgets = c.execute("return document.querySelectorAll('gdc-consultation').length;", vec![]).await?;
            let ready = events(c).await?.iter().filter(|e| e["type"] == "gdc:ready").count();
            if widgets.as_u64().is_some_and(|n| n > 0 && n as usize == ready) {
                break;
            }
            ensure!(start.elapsed() < WAIT, "{page}: {widgets} widgets, {ready} ready; events: {:?}", events(c).await?);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_no_csp_violation(c).await.with_context(|| page.to_owned())?;
        if page.ends_with("rtl.html") {
            let dir =
                "return document.querySelector('gdc-consultation[mode=inline]').shadowRoot.querySelector('.gdc').dir;";
            assert_eq!(c.execute(dir, vec![]).await?, json!("rtl"), "the page's Arabic, right to left");
        }
    }
    browser.close().await
}
