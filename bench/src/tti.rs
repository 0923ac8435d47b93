//! `gdc-bench tti`: how soon a first-time visitor can use the form, the
//! widget against a plain HTML form in the same arrangement, in the
//! widget's two modes (iframe, inline), on a normal and on a slow network.
//!
//! - A fresh Chromium per load (its own profile directory, so its own
//!   processes, HTTP and code caches, sockets and storage), started through
//!   one chromedriver. Widget and plain form alternate (ABAB; ABC with the floor); the first
//!   two rounds of each arrangement are discarded. A load that fails is
//!   run again, and its error kept in the output.
//! - Host pages come from `http://localhost:PORT/examples/`; the loader,
//!   the embed page and the plain form from `http://127.0.0.1:PORT`, which
//!   is another site, as on a partner's page.
//! - Site isolation is off (`--disable-site-isolation-trials`), so the
//!   cross-site frame shares the page's renderer, as in Chrome on Android
//!   for most sites. Checked here, Chromium 156: a script added with
//!   `Page.addScriptToEvaluateOnNewDocument`, `Network.emulateNetworkConditions`
//!   and the network log of the page's target all stop at an out-of-process
//!   frame; with the frame in the page's process all three reach it.
//! - "Usable": the first topic checkbox (`input[name=topics]`, in the page,
//!   in a frame or in the widget's shadow root) exists, has a non-zero box
//!   in an animation frame's callback, and that frame has been painted (a
//!   task queued from the callback has run). The probe asks for frames only
//!   once a mutation observer (on the document, and on each shadow root as
//!   it is attached) has seen the checkbox: polling with frames from the
//!   start had the browser render the widget's page, which nothing holds,
//!   every 16 ms while its loader was on the way, and never the plain
//!   form's page, which its stylesheet holds. In ms since the host page's
//!   navigation start: a frame reports `performance.timeOrigin + t` by
//!   `postMessage` and the host subtracts its own `timeOrigin`.
//! - The floor (inline mode, normal network): the same first screen and
//!   stylesheet, from the same answer of the companion, put in a shadow
//!   root by a minimal async script (`floor.js`, no loader), a third
//!   contestant in the same rounds. The widget's time beyond it is the
//!   loader's own; the floor's beyond the plain form's is what any form an
//!   async script brings pays (the script fetched and compiled, and run in
//!   a task after the page's first frame).
//! - "Took over": `gdc:ready` on the host element, the Wasm's signal. The
//!   widget fetches its Wasm when the visitor shows they will use the form,
//!   so the visitor is played: the page is left alone for `READING` after
//!   the form is usable (what arrived by then is a first visit that does
//!   not use the form), then the visitor clicks in the widget's blank
//!   corner (CDP `Input.dispatchMouseEvent`) and the time until `gdc:ready`
//!   is measured from that click.
//! - Bytes: `encodedDataLength` (headers and body, as on the wire) of every
//!   response of the page and its frames (the browser's own favicon request
//!   aside) by then, one still arriving for the share of its body received,
//!   from the network log chromedriver keeps (`goog:loggingPrefs`): a
//!   cross-origin resource's Resource Timing `transferSize` is 0 without
//!   `Timing-Allow-Origin`.
//!
//! It is long because it carries its own chromedriver client (a fresh
//! browser with other switches and the network log per load) besides the
//! pages, the probe and the figures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use gdc_e2e::widget::Mode;
use gdc_e2e::{DemoServer, dist, free_port, server_bin};
use serde_json::{Value, json};

/// Rounds of each arrangement measured but not kept.
const WARMUP_ROUNDS: usize = 2;
/// Time until usable may be at most this many times the plain form's.
const TARGET_RATIO: f64 = 1.2;
/// Bytes a first visit may transfer before the form is usable, and in all
/// when the visitor does not use the form.
const BYTES_BEFORE_USABLE: f64 = 20.0 * 1024.0;
const BYTES_FIRST_VISIT: f64 = 100.0 * 1024.0;
/// The slow network: round trip (ms) and throughput (kbit/s) both ways.
const SLOW_LATENCY_MS: f64 = 400.0;
const SLOW_KBIT_S: f64 = 400.0;
/// How long the visitor reads the page, the form usable and untouched,
/// before pointing at it.
const READING: Duration = Duration::from_secs(2);
/// Idle time between a browser's start and the load it measures.
const SETTLE: Duration = Duration::from_millis(300);
/// How long a page may take to load and its form to become usable.
const LOAD_TIMEOUT_MS: u64 = 60_000;
/// A load that fails (a browser that does not start on this busy machine,
/// a page that never becomes usable) is tried again, at most this often in
/// all; each failure is kept in the figures.
const ATTEMPTS: usize = 3;
/// The cross-site frame in the page's renderer (see the module's comment).
const SITE_ISOLATION_OFF: [&str; 2] =
    ["--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process"];

/// Runs in every document before its own scripts: records, in the host
/// page, when the form became usable, when the widget took over, and the
/// widget's `gdc-*` performance marks, all in ms since the host's
/// navigation start, and whether the checkbox first seen was the served
/// form's (`served`, before the Wasm took over). Frames send theirs to the
/// host.
const PROBE: &str = r#"(() => {
  const at = (t) => performance.timeOrigin + t;
  let report;
  if (window === top) {
    const r = (window.__gdcBench = { origin: performance.timeOrigin });
    report = (kind, epoch, served) => {
      if (kind in r) return;
      r[kind] = epoch - r.origin;
      if (served !== undefined) r.served = served;
    };
    addEventListener("message", (e) => e.data && e.data.gdcBench && report(e.data.gdcBench, e.data.at, e.data.served));
    addEventListener("gdc:ready", () => report("ready", at(performance.now())), true);
  } else {
    report = (kind, epoch, served) => top.postMessage({ gdcBench: kind, at: epoch, served }, "*");
  }
  new PerformanceObserver((list) => {
    for (const m of list.getEntries()) if (m.name.startsWith("gdc-")) report(m.name, at(m.startTime));
  }).observe({ type: "mark", buffered: true });
  const checkbox = () => {
    const q = "input[name=topics]";
    let el = document.querySelector(q);
    for (const h of document.querySelectorAll("gdc-consultation")) el = el || (h.shadowRoot && h.shadowRoot.querySelector(q));
    return el;
  };
  const tick = () => {
    if (window === top && "usable" in window.__gdcBench) return;
    const el = checkbox();
    const box = el && el.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) {
      // Queued now, it runs once this animation frame has been painted.
      const c = new MessageChannel();
      c.port1.onmessage = () => report("usable", at(performance.now()), !!el.closest("[data-served]"));
      c.port2.postMessage(0);
    } else requestAnimationFrame(tick);
  };
  // Frames are asked for only once the checkbox is in the page (or one of
  // its shadow roots): a loop of frames from the start would have the
  // browser render a page that waits on a script, every 16 ms, work a page
  // whose stylesheet holds its rendering never does.
  let armed = false;
  const arm = () => armed || !checkbox() || ((armed = true), requestAnimationFrame(tick));
  const watch = (node) => new MutationObserver(arm).observe(node, { childList: true, subtree: true });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    watch(root);
    return root;
  };
  watch(document);
})();"#;

/// Resolves with the probe's record once the form is usable and, when
/// asked, the widget has taken over, plus a moment for the last marks
/// (performance observers are called late).
const WAIT: &str = r#"const [takeover, done] = arguments;
const r = window.__gdcBench;
const check = () => ("usable" in r && (!takeover || "ready" in r) ? setTimeout(() => done(r), 250) : setTimeout(check, 25));
check();"#;

/// Records when the visitor clicks (ms since the host's navigation start)
/// and returns where: inside the widget's top left corner, its padding.
const POINT: &str = r#"const b = document.querySelector("gdc-consultation").getBoundingClientRect();
window.__gdcBench.intent = performance.now();
return [b.left + 6, b.top + 6];"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Network {
    Normal,
    Slow,
}

impl Network {
    fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Slow => "slow",
        }
    }
}

/// What one load gave.
#[derive(Debug)]
struct Load {
    usable_ms: f64,
    /// Whether the form first usable was the server-rendered one.
    served: bool,
    /// From the visitor's click to `gdc:ready` (the widget only).
    took_over_ms: Option<f64>,
    bytes_before_usable: f64,
    /// What arrived by the time the visitor clicked, `READING` after usable
    /// (the widget only): a first visit that does not use the form.
    bytes_unused: Option<f64>,
    /// Every response finished by the time the widget took over, or by the
    /// time the plain form was usable.
    bytes_first_visit: f64,
    /// The widget's `gdc-*` marks, wherever they were set.
    marks: BTreeMap<String, f64>,
}

/// Every arrangement in turn, widget and plain form alternating within it;
/// the figures as JSON.
pub async fn run(runs: usize, slow_runs: usize) -> Result<Value> {
    ensure!(runs > 0 && slow_runs > 0, "--runs and --slow-runs must be at least 1");
    let root = tempfile::tempdir()?;
    let server = DemoServer::start_with(&server_bin(), root.path())?;
    let companion = server.url.clone();
    let partner = companion.replace("127.0.0.1", "localhost");
    ensure!(partner != companion, "the demo should listen on 127.0.0.1, not {companion}");
    write_pages(root.path(), &companion).await?;
    let driver = Driver::start().await?;
    let (mut arrangements, mut failures) = (Vec::new(), Vec::new());
    for (network, n) in [(Network::Normal, runs), (Network::Slow, slow_runs)] {
        for mode in [Mode::Iframe, Mode::Inline] {
            let (mut widget, mut plain, mut floor) = (Vec::new(), Vec::new(), Vec::new());
            // The floor only where it is like for like: its script is not
            // compressed, which only a slow link would feel.
            let with_floor = mode == Mode::Inline && network == Network::Normal;
            for round in 0..WARMUP_ROUNDS + n {
                let mut contestants = vec![("widget", &mut widget), ("plain", &mut plain)];
                if with_floor {
                    contestants.push(("floor", &mut floor));
                }
                for (contestant, kept) in contestants {
                    let url = format!("{partner}/examples/{contestant}-{}.html", mode.name());
                    let mut attempt = 1;
                    let load = loop {
                        match driver.load(&url, contestant == "widget", network).await {
                            Ok(load) => break load,
                            Err(e) if attempt < ATTEMPTS => {
                                eprintln!("{e:#}");
                                failures.push(format!("{e:#}"));
                                attempt += 1;
                            }
                            Err(e) => return Err(e.context(format!("failed {ATTEMPTS} times"))),
                        }
                    };
                    eprintln!(
                        "{} {} {contestant} round {round}: usable {:.0} ms, took over {:?}",
                        mode.name(),
                        network.name(),
                        load.usable_ms,
                        load.took_over_ms
                    );
                    if round >= WARMUP_ROUNDS {
                        kept.push(load);
                    }
                }
            }
            let mut row = arrangement(mode, network, &widget, &plain);
            if with_floor {
                let f = usable(&floor);
                let (ratio, interval) = compare(&f, &usable(&plain));
                row["floor"] =
                    json!({ "usable": stats(&f), "usable_ms": f, "ratio": ratio, "ratio_interval_90": interval });
            }
            arrangements.push(row);
        }
    }
    Ok(json!({
        "runs": runs,
        "slow_runs": slow_runs,
        "warmup_rounds": WARMUP_ROUNDS,
        "target_ratio": TARGET_RATIO,
        "budget_bytes_before_usable": BYTES_BEFORE_USABLE,
        "budget_bytes_first_visit": BYTES_FIRST_VISIT,
        "reading_ms": READING.as_millis() as u64,
        "slow_network": { "latency_ms": SLOW_LATENCY_MS, "kbit_s": SLOW_KBIT_S },
        "fresh_per_load": "Chromium with its own profile directory, processes, HTTP and code caches, sockets",
        "browser_switches": SITE_ISOLATION_OFF,
        "arrangements": arrangements,
        "failed_loads": failures,
    }))
}

/// One row: both contestants' figures and the verdict.
fn arrangement(mode: Mode, network: Network, widget: &[Load], plain: &[Load]) -> Value {
    let median_of = |xs: Vec<f64>| median(&xs);
    let (w, p) = (usable(widget), usable(plain));
    let (ratio, interval) = compare(&w, &p);
    let names: BTreeSet<&String> = widget.iter().flat_map(|l| l.marks.keys()).collect();
    let marks: BTreeMap<&String, f64> = names
        .into_iter()
        .map(|name| (name, median_of(widget.iter().filter_map(|l| l.marks.get(name).copied()).collect())))
        .collect();
    json!({
        "mode": mode.name(),
        "network": network.name(),
        "loads": widget.len(),
        "widget": {
            "usable": stats(&w),
            "took_over": stats(&widget.iter().filter_map(|l| l.took_over_ms).collect::<Vec<_>>()),
            "bytes_before_usable": median_of(widget.iter().map(|l| l.bytes_before_usable).collect()),
            "bytes_unused": median_of(widget.iter().filter_map(|l| l.bytes_unused).collect()),
            "bytes_first_visit": median_of(widget.iter().map(|l| l.bytes_first_visit).collect()),
            "marks_ms": marks,
            "usable_from_served_form": widget.iter().filter(|l| l.served).count(),
            "usable_ms": w,
        },
        "plain": {
            "usable": stats(&p),
            "bytes_first_visit": median_of(plain.iter().map(|l| l.bytes_first_visit).collect()),
            "usable_ms": p,
        },
        "ratio": ratio,
        "ratio_interval_90": interval,
        "met": ratio <= TARGET_RATIO,
    })
}

fn usable(loads: &[Load]) -> Vec<f64> {
    loads.iter().map(|l| l.usable_ms).collect()
}

/// The ratio of a contestant's median to the plain form's, and how surely
/// the loads give it: a 90% percentile-bootstrap interval, each one's loads
/// drawn again with replacement, from a fixed seed (the same loads, the
/// same interval).
fn compare(contestant: &[f64], plain: &[f64]) -> (f64, [f64; 2]) {
    const RESAMPLES: usize = 4000;
    let mut rng = fastrand::Rng::with_seed(13);
    let mut draw = |xs: &[f64]| median(&(0..xs.len()).map(|_| xs[rng.usize(..xs.len())]).collect::<Vec<_>>());
    let mut ratios: Vec<f64> = (0..RESAMPLES).map(|_| draw(contestant) / draw(plain)).collect();
    ratios.sort_by(f64::total_cmp);
    let at = |p: f64| ratios[((RESAMPLES - 1) as f64 * p).round() as usize];
    (median(contestant) / median(plain), [at(0.05), at(0.95)])
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn stats(xs: &[f64]) -> Value {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v.get(((v.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN);
    json!({ "n": v.len(), "median_ms": median(&v), "p10_ms": q(0.1), "p90_ms": q(0.9), "min_ms": q(0.0), "max_ms": q(1.0) })
}

// ---------------------------------------------------------------- pages

/// The host pages (`widget-iframe`, `widget-inline`, `plain-iframe`,
/// `plain-inline`, `floor-inline` with its `floor.js`) and the plain form's
/// own page, which the companion serves from `/examples/` like any page of
/// the site root.
async fn write_pages(root: &Path, companion: &str) -> Result<()> {
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dist().join("manifest.json"))?)?;
    let css = manifest["files"]["css"]["path"].as_str().context("css in manifest")?;
    let examples = root.join("examples");
    std::fs::create_dir_all(&examples)?;
    std::fs::write(root.join("index.html"), "<!doctype html><title>bench</title>")?;
    let page = |title: &str, head: &str, body: &str| {
        format!(
            "<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>{head}<body>{body}</body></html>"
        )
    };
    // The configurator's snippet, loading at once rather than near the
    // viewport; in inline mode its address repeats the settings, and the
    // loader brings the first screen.
    let loader = |mode: &str| {
        let query = if mode.is_empty() { "" } else { "?site=demo&amp;lang=en&amp;mode=inline" };
        format!(
            "<script src=\"{companion}/widget/v1/loader.js{query}\" async fetchpriority=high data-site=demo data-lang=en data-loading=eager{mode}></script>"
        )
    };
    // The floor: the same first screen and stylesheet, from the same answer
    // of the companion, put in a shadow root by the least an async script
    // can do. What the widget takes beyond it is the loader's own.
    let first =
        reqwest::get(format!("{companion}/widget/v1/loader.js?site=demo&lang=en&mode=inline")).await?.text().await?;
    let first = first.strip_prefix("document.currentScript.gdcFirst=").context("a loader with its first screen")?;
    let first: Value = serde_json::Deserializer::from_str(first).into_iter::<Value>().next().context("its JSON")??;
    let (html, sheet) = (first["html"].as_str().context("html")?, first["css"].as_str().context("css")?);
    std::fs::write(
        examples.join("floor.js"),
        format!(
            "(() => {{ const s = document.currentScript, h = document.createElement(\"gdc-consultation\");\n\
             s.before(h);\nh.attachShadow({{ mode: \"open\" }}).innerHTML = \"<style>\" + {} + \"</style><div>\" + {} + \"</div>\";\n}})();\n",
            serde_json::to_string(sheet)?,
            serde_json::to_string(html)?,
        ),
    )?;
    let form = plain_form();
    for (name, html) in [
        ("widget-iframe", page("Partner", "", &loader(""))),
        ("widget-inline", page("Partner", "", &loader(" data-mode=inline"))),
        (
            "floor-inline",
            page(
                "Partner",
                "",
                &format!("<script src=\"{companion}/examples/floor.js\" async fetchpriority=high></script>"),
            ),
        ),
        // The frame sized as the loader sizes its own.
        (
            "plain-iframe",
            page(
                "Partner",
                "",
                &format!(
                    "<iframe src=\"{companion}/examples/plain-form.html\" title=Consultation \
                     style=\"display:block;width:100%;border:0;height:480px\"></iframe>"
                ),
            ),
        ),
        ("plain-inline", page("Partner", &format!("<link rel=stylesheet href=\"{companion}{css}\">"), &form)),
        ("plain-form", page("Consultation", &format!("<link rel=stylesheet href=\"{css}\">"), &form)),
    ] {
        std::fs::write(examples.join(format!("{name}.html")), html)?;
    }
    Ok(())
}

/// The widget's first screen as plain HTML: the title, the step list and
/// the topic choices, from the same definition, styled by its stylesheet.
fn plain_form() -> String {
    let topics: String = gdc_core::consultation::DEFAULT
        .topics
        .iter()
        .map(|t| {
            format!(
                "<div class=gdc-check><input type=checkbox id=gdc-topic-{id} name=topics value={id}>\
                 <label for=gdc-topic-{id}>{id}</label></div>",
                id = t.id
            )
        })
        .collect();
    format!(
        "<div class=gdc data-theme=auto><form class=gdc-form method=post action=/nowhere>\
         <h2 class=gdc-title>Share your view</h2><nav class=gdc-progress><p class=gdc-progress-text>Step 1 of 5</p>\
         <ol class=gdc-steps><li aria-current=step>Topics</li><li>Your answers</li><li>About you</li>\
         <li>Your privacy</li><li>Review and send</li></ol></nav><h3 class=gdc-step-title>Topics</h3>\
         <fieldset id=gdc-topics class=gdc-field><legend>Which areas?</legend>{topics}</fieldset>\
         <div class=gdc-nav><button class=gdc-submit type=submit>Next</button></div></form></div>"
    )
}

// ---------------------------------------------------------------- browser

/// One chromedriver process, spoken to in plain WebDriver over HTTP; each
/// load gets its own Chromium session.
#[derive(Debug)]
struct Driver {
    process: Child,
    url: String,
    http: reqwest::Client,
}

impl Driver {
    async fn start() -> Result<Self> {
        let port = free_port()?;
        let process = Command::new(env_path("GDC_CHROMEDRIVER", "/usr/bin/chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start chromedriver (apt-get install -y chromium-driver)")?;
        let http = reqwest::Client::builder().timeout(Duration::from_millis(2 * LOAD_TIMEOUT_MS)).build()?;
        let driver = Self { process, url: format!("http://127.0.0.1:{port}"), http };
        let start = Instant::now();
        while driver.http.get(format!("{}/status", driver.url)).send().await.is_err() {
            ensure!(start.elapsed() < Duration::from_secs(20), "chromedriver did not answer within 20 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(driver)
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await?.json().await?;
        if let Some(error) = answer["value"]["error"].as_str() {
            bail!("chromedriver {path}: {error}: {}", answer["value"]["message"].as_str().unwrap_or(""));
        }
        Ok(answer["value"].clone())
    }

    /// A new Chromium with a new profile, recording its network log.
    async fn session(&self) -> Result<Session<'_>> {
        let profile = tempfile::tempdir()?;
        let mut args: Vec<String> =
            gdc_e2e::CHROMIUM_ARGS.iter().chain(&SITE_ISOLATION_OFF).map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "pageLoadStrategy": "normal",
            "timeouts": { "script": LOAD_TIMEOUT_MS, "pageLoad": LOAD_TIMEOUT_MS },
            "goog:loggingPrefs": { "performance": "ALL" },
            "goog:chromeOptions": {
                "binary": env_path("GDC_CHROMIUM", "/usr/bin/chromium"),
                "args": args,
                "perfLoggingPrefs": { "enableNetwork": true, "enablePage": false },
            },
        } } });
        let created = self.call(reqwest::Method::POST, "/session", Some(caps)).await?;
        let id = created["sessionId"].as_str().context("a session id")?.to_owned();
        Ok(Session { driver: self, id, _profile: profile })
    }

    /// Loads `url` in a fresh browser and returns its figures.
    async fn load(&self, url: &str, takeover: bool, network: Network) -> Result<Load> {
        let session = self.session().await?;
        let load = session.measure(url, takeover, network).await;
        let closed = session.close().await;
        let load = load.with_context(|| format!("loading {url} ({} network)", network.name()))?;
        closed?;
        Ok(load)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn env_path(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| default.into(), PathBuf::from)
}

/// One Chromium, for one load.
#[derive(Debug)]
struct Session<'d> {
    driver: &'d Driver,
    id: String,
    _profile: tempfile::TempDir,
}

impl Session<'_> {
    async fn post(&self, command: &str, body: Value) -> Result<Value> {
        self.driver.call(reqwest::Method::POST, &format!("/session/{}/{command}", self.id), Some(body)).await
    }

    async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.post("goog/cdp/execute", json!({ "cmd": cmd, "params": params })).await
    }

    async fn goto(&self, url: &str) -> Result<()> {
        self.post("url", json!({ "url": url })).await.map(drop)
    }

    /// The probe's record once the form is usable and, when asked, the
    /// widget has taken over.
    async fn wait(&self, takeover: bool) -> Result<Value> {
        match self.post("execute/async", json!({ "script": WAIT, "args": [takeover] })).await {
            Ok(record) => Ok(record),
            Err(e) => {
                let seen =
                    self.post("execute/sync", json!({ "script": "return window.__gdcBench;", "args": [] })).await;
                bail!("{e:#}; the probe had recorded {seen:?}");
            }
        }
    }

    async fn close(self) -> Result<()> {
        self.driver.call(reqwest::Method::DELETE, &format!("/session/{}", self.id), None).await.map(drop)
    }

    /// A blank page and a moment's rest, the probe, the slow network when
    /// asked (checked afterwards on every response), then the page itself.
    async fn measure(&self, url: &str, takeover: bool, network: Network) -> Result<Load> {
        self.goto("about:blank").await?;
        tokio::time::sleep(SETTLE).await;
        self.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": PROBE })).await?;
        if network == Network::Slow {
            let bytes_per_s = SLOW_KBIT_S * 1000.0 / 8.0;
            self.cdp(
                "Network.emulateNetworkConditions",
                json!({ "offline": false, "latency": SLOW_LATENCY_MS,
                        "downloadThroughput": bytes_per_s, "uploadThroughput": bytes_per_s }),
            )
            .await?;
        }
        self.goto(url).await?;
        let mut record = self.wait(false).await?;
        if takeover {
            tokio::time::sleep(READING).await;
            let at = self.post("execute/sync", json!({ "script": POINT, "args": [] })).await?;
            for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
                let event = json!({ "type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1 });
                self.cdp("Input.dispatchMouseEvent", event).await?;
            }
            record = self.wait(true).await?;
        }
        let responses = self.responses().await?;
        if network == Network::Slow
            && let Some(fast) = responses.iter().find(|r| r.headers_ms < SLOW_LATENCY_MS)
        {
            bail!("{} answered in {:.0} ms: the slow network did not reach it", fast.url, fast.headers_ms);
        }
        let ms = |key: &str| record[key].as_f64();
        let usable_ms = ms("usable").context("no usable time")?;
        let (ready_ms, intent_ms) = (ms("ready"), ms("intent"));
        let origin = ms("origin").context("no time origin")?;
        let bytes_by = |t: f64| responses.iter().map(|r| r.bytes_by(origin + t)).sum();
        let marks = record
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.starts_with("gdc-"))
            .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
            .collect();
        Ok(Load {
            usable_ms,
            served: record["served"] == json!(true),
            took_over_ms: ready_ms.zip(intent_ms).map(|(ready, intent)| ready - intent),
            bytes_before_usable: bytes_by(usable_ms),
            bytes_unused: intent_ms.map(bytes_by),
            bytes_first_visit: bytes_by(ready_ms.unwrap_or(usable_ms)),
            marks,
        })
    }

    /// The finished HTTP responses of the page and its frames, from the
    /// network log (Chromium's own favicon request aside).
    async fn responses(&self) -> Result<Vec<Response>> {
        let log = self.post("se/log", json!({ "type": "performance" })).await?;
        // By request id: (monotonic s, wall-clock s, URL) at its start, its
        // headers' time, its body's chunks (monotonic s, decoded bytes),
        // and (monotonic s, bytes transferred) at its end.
        let mut started: BTreeMap<String, (f64, f64, String)> = BTreeMap::new();
        let mut headers: BTreeMap<String, f64> = BTreeMap::new();
        let mut chunks: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        let mut finished: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for entry in log.as_array().context("a performance log")? {
            let event: Value = serde_json::from_str(entry["message"].as_str().unwrap_or("{}"))?;
            let (method, p) = (&event["message"]["method"], &event["message"]["params"]);
            let id = p["requestId"].as_str().unwrap_or_default().to_owned();
            let number = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
            match method.as_str().unwrap_or_default() {
                "Network.requestWillBeSent" => {
                    let url = p["request"]["url"].as_str().unwrap_or_default().to_owned();
                    if url.starts_with("http") && !url.ends_with("/favicon.ico") {
                        started.entry(id).or_insert((number(&p["timestamp"]), number(&p["wallTime"]), url));
                    }
                }
                "Network.responseReceived" => {
                    headers.insert(id, number(&p["response"]["timing"]["receiveHeadersEnd"]));
                }
                "Network.dataReceived" => {
                    chunks.entry(id).or_default().push((number(&p["timestamp"]), number(&p["dataLength"])));
                }
                "Network.loadingFinished" => {
                    finished.insert(id, (number(&p["timestamp"]), number(&p["encodedDataLength"])));
                }
                _ => {}
            }
        }
        let out: Vec<Response> = started
            .into_iter()
            .filter_map(|(id, (ts, wall, url))| {
                let epoch_ms = |t: f64| (wall + (t - ts)) * 1000.0;
                let (end, bytes) = finished.get(&id)?;
                Some(Response {
                    url,
                    finished_epoch_ms: epoch_ms(*end),
                    bytes: *bytes,
                    headers_ms: headers.get(&id).copied().unwrap_or(f64::NAN),
                    chunks: chunks.remove(&id).unwrap_or_default().into_iter().map(|(t, n)| (epoch_ms(t), n)).collect(),
                })
            })
            .collect();
        ensure!(!out.is_empty(), "no response in the network log");
        Ok(out)
    }
}

/// A finished response, from the network log.
#[derive(Debug)]
struct Response {
    url: String,
    /// When its last byte arrived, in ms since the Unix epoch.
    finished_epoch_ms: f64,
    /// Headers and body, as transferred.
    bytes: f64,
    /// From the request's start to its response headers.
    headers_ms: f64,
    /// Its body as it arrived: (ms since the Unix epoch, decoded bytes).
    chunks: Vec<(f64, f64)>,
}

impl Response {
    /// Bytes transferred by `epoch_ms`: all once finished; while under way,
    /// the share of its body received by then (a page is painted before
    /// its last byte).
    fn bytes_by(&self, epoch_ms: f64) -> f64 {
        if self.finished_epoch_ms <= epoch_ms {
            return self.bytes;
        }
        let total: f64 = self.chunks.iter().map(|c| c.1).sum();
        let so_far: f64 = self.chunks.iter().filter(|c| c.0 <= epoch_ms).map(|c| c.1).sum();
        if total > 0.0 { self.bytes * so_far / total } else { 0.0 }
    }
}
