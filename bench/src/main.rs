//! `gdc-bench`: the measurements behind `cargo xtask bench`. Each
//! subcommand prints one JSON object; xtask turns them into BENCHMARKS.md.
//!
//! - `tti` (`tti.rs`): navigation start to a usable form on a first visit,
//!   in headless Chromium, the widget in both modes on a normal and a slow
//!   network, against a plain HTML form in the same arrangement.
//! - `intake`: wrk against `POST /v1/submissions` and a no-op route of the
//!   same server, at several connection counts, plus the server's peak RSS.
//! - `drain`: a backlog queued while the central store is down, then the
//!   rate at which it drains once the store is back.
//! - `central` (`central.rs`): ten companions forwarding overlapping ids at
//!   once into one central store on PostgreSQL, against a plain `COPY`.
//!
//! Comparisons are made within one run, side by side: this machine is
//! shared, so absolute figures vary from run to run.
//!
//! It is long because each measurement (first visit, intake, drain) sets
//! up its own servers, load and comparison, side by side in one run.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::Locator;
use gdc_e2e::{Browser, DemoServer, ServerProcess, dist, free_port, server_bin};
use serde_json::{Value, json};

mod central;
mod tti;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str, default: &str| -> String {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_owned())
    };
    let result = match args.first().map(String::as_str) {
        Some("tti") => tti::run(arg("--runs", "12").parse()?, arg("--slow-runs", "5").parse()?).await?,
        Some("intake") => {
            intake(&arg("--connections", "64,256"), arg("--seconds", "10").parse()?, arg("--profile", ""))?
        }
        Some("drain") => drain(arg("--count", "100000").parse()?)?,
        Some("central") => {
            central::run(central::Plan {
                companions: arg("--companions", "10").parse()?,
                per_companion: arg("--per-companion", "20000").parse()?,
                postgres: arg("--postgres", "postgres://postgres@127.0.0.1:5432"),
                batch_size: arg("--batch-size", "1000").parse()?,
                profile: arg("--profile", ""),
                variants: arg("--variants", "shared,pinned").split(',').map(str::to_owned).collect(),
            })
            .await?
        }
        Some("screenshots") => screenshots(Path::new(&arg("--out", "screenshots"))).await?,
        _ => bail!(
            "usage: gdc-bench tti [--runs 12] [--slow-runs 5] | intake [--connections 64,256] [--seconds S] [--profile FILE] | drain [--count N] \
             | central [--companions 10] [--per-companion 20000] [--postgres URL] [--batch-size 1000] [--profile FILE] [--variants shared,pinned]"
        ),
    };
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}

// ---------------------------------------------------------------- intake

const WRK_SCRIPT: &str = r#"
-- Unique UUIDv7-shaped ids: a per-run salt from the command line, a thread
-- number given by setup() in the main state, and a counter. (math.random
-- repeats across wrk's per-thread Lua states, so it is not used.)
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local counter = 0
local salt = 0
function init(args)
  salt = tonumber(args[1]) or 0
  path = args[2] or "/v1/submissions"
end
local text = string.rep("Transparent, accountable and inclusive digital governance. ", 12)
function request()
  counter = counter + 1
  local id = string.format("%08x-%04x-7000-8000-%012x", salt, tid, counter)
  local body = '{"id":"' .. id .. '","consultation":"gdc-2023","site":"demo","lang":"en",' ..
    '"submitter":{"kind":"individual","stakeholder":"youth","country":"RW"},' ..
    '"answers":[{"topic":"ai","principles":"' .. text .. '"}],' ..
    '"consent":{"publish":false,"attribution":"anonymous","contact":false}}'
  return wrk.format("POST", path, nil, body)
end
"#;

/// A companion whose central store is away: intake alone is measured, and
/// what it takes in stays queued.
fn bench_companion(dir: &Path, central_port: u16) -> Result<ServerProcess> {
    let config = dir.join("companion.toml");
    std::fs::write(
        &config,
        format!(
            "addr = \"127.0.0.1:0\"\ndata_dir = \"{data}\"\nassets_dir = \"{dist}\"\nbench_noop_route = true\n\
             [companion]\nenabled = true\ncentral_url = \"http://127.0.0.1:{central_port}\"\ntoken = \"bench-token\"\nmax_backoff = 500\n\
             [central]\nenabled = false\n\
             [limits]\nper_ip_per_minute = 100000000\nper_ip_burst = 100000000\nper_site_per_second = 100000000\n\
             per_site_burst = 100000000\nspool_max_rows = 10000000\nspool_max_bytes = 100000000000\n\
             [abuse]\ntoken_secret = \"bench-key\"\n\
             [[sites]]\nkey = \"demo\"\norigins = [\"http://127.0.0.1:*\"]\n",
            data = dir.join("companion").display(),
            dist = dist().display(),
        ),
    )?;
    let args: Vec<OsString> = vec!["serve".into(), "--config".into(), config.into()];
    ServerProcess::spawn(&server_bin(), &args, dir.join("companion"))
}

fn bench_central(dir: &Path, port: u16) -> Result<ServerProcess> {
    let config = dir.join("central.toml");
    std::fs::write(
        &config,
        format!(
            "addr = \"127.0.0.1:{port}\"\ndata_dir = \"{data}\"\n[companion]\nenabled = false\n\
             [central]\nenabled = true\n[[central.companions]]\nname = \"bench\"\ntoken = \"bench-token\"\n",
            data = dir.join("central").display(),
        ),
    )?;
    let args: Vec<OsString> = vec!["serve".into(), "--config".into(), config.into()];
    ServerProcess::spawn(&server_bin(), &args, dir.join("central"))
}

/// A form token old enough to pass the minimum time to submit.
fn aged_token(url: &str) -> Result<String> {
    let out = Command::new("curl").args(["-sf", &format!("{url}/v1/token?site=demo")]).output()?;
    let v: Value = serde_json::from_slice(&out.stdout).context("token")?;
    std::thread::sleep(Duration::from_millis(3_200));
    Ok(v["token"].as_str().context("token")?.to_owned())
}

#[derive(Debug)]
struct WrkRun {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    non_2xx: u64,
    errors: u64,
}

fn run_wrk(url: &str, path: &str, token: &str, connections: u32, seconds: u32, script: &Path) -> Result<WrkRun> {
    let salt: u32 = rand_u32();
    let out = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "--timeout", "10s"])
        .args(["-H", "Content-Type: application/json", "-H", &format!("gdc-token: {token}")])
        .arg("-s")
        .arg(script)
        .arg(format!("{url}{path}"))
        .args(["--", &salt.to_string(), path])
        .output()
        .context("wrk (apt-get install -y wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(&text)
}

fn rand_u32() -> u32 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    (t.as_nanos() as u32) ^ std::process::id().rotate_left(16)
}

fn parse_wrk(text: &str) -> Result<WrkRun> {
    let find = |prefix: &str| text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().to_owned()));
    let ms = |s: String| -> f64 {
        let s = s.trim();
        if let Some(v) = s.strip_suffix("us") {
            v.parse::<f64>().unwrap_or(f64::NAN) / 1000.0
        } else if let Some(v) = s.strip_suffix("ms") {
            v.parse().unwrap_or(f64::NAN)
        } else if let Some(v) = s.strip_suffix('s') {
            v.parse::<f64>().unwrap_or(f64::NAN) * 1000.0
        } else {
            f64::NAN
        }
    };
    let rps = find("Requests/sec:").context("no Requests/sec in wrk output")?.parse()?;
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let non_2xx = find("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0);
    let errors = find("Socket errors:")
        .map(|s| s.split(',').filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok()).sum())
        .unwrap_or(0);
    Ok(WrkRun {
        rps,
        p50_ms: find("50%").map(ms).unwrap_or(f64::NAN),
        p99_ms: find("99%").map(ms).unwrap_or(f64::NAN),
        requests,
        non_2xx,
        errors,
    })
}

fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn intake(connections: &str, seconds: u32, profile: String) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("submit.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let companion = bench_companion(dir.path(), free_port()?)?;
    let token = aged_token(&companion.url)?;
    let mut rows = Vec::new();
    for c in connections.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let c: u32 = c.parse()?;
        // Side by side on the same server: the no-op route, then intake.
        let noop = run_wrk(&companion.url, "/bench/noop", &token, c, seconds, &script)?;
        let durable = run_wrk(&companion.url, "/v1/submissions", &token, c, seconds, &script)?;
        rows.push(json!({
            "connections": c,
            "noop": wrk_json(&noop),
            "intake": wrk_json(&durable),
            "ratio_rps": durable.rps / noop.rps,
        }));
    }
    let mut profile_top = Value::Null;
    if !profile.is_empty() {
        profile_top = perf_profile(&companion, &token, &script, seconds, Path::new(&profile))?;
    }
    let rss = peak_rss_mb(companion.pid());
    let pending = pending_rows(&companion.url)?;
    Ok(json!({ "seconds": seconds, "runs": rows, "peak_rss_mb": rss, "rows_stored": pending, "profile": profile_top }))
}

fn wrk_json(r: &WrkRun) -> Value {
    json!({ "rps": r.rps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, "requests": r.requests,
            "non_2xx": r.non_2xx, "socket_errors": r.errors })
}

/// Samples the server with perf while wrk loads it; returns the top symbols.
fn perf_profile(server: &ServerProcess, token: &str, script: &Path, seconds: u32, out: &Path) -> Result<Value> {
    let data = out.with_extension("data");
    let mut perf = Command::new("perf")
        .args(["record", "-F", "499", "-g", "-o"])
        .arg(&data)
        .args(["-p", &server.pid().to_string(), "--", "sleep", &seconds.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("perf (apt-get install -y linux-perf)")?;
    let run = run_wrk(&server.url, "/v1/submissions", token, 256, seconds, script)?;
    perf.wait()?;
    let top = perf_report(&data, out)?;
    Ok(json!({ "rps_while_profiling": run.rps, "report": out.display().to_string(), "top": top }))
}

/// `perf report` of a recording, written to `out`; its top entries.
fn perf_report(data: &Path, out: &Path) -> Result<Vec<String>> {
    let report = Command::new("perf")
        .args([
            "report",
            "--stdio",
            "--no-children",
            "--sort",
            "dso,symbol",
            "--percent-limit",
            "1.5",
            "-g",
            "none",
            "-i",
        ])
        .arg(data)
        .output()?;
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    std::fs::write(out, &text)?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('%'))
        .take(15)
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect())
}

fn pending_rows(url: &str) -> Result<u64> {
    let out = Command::new("curl").args(["-sf", &format!("{url}/metrics")]).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("gdc_outbox_pending_rows ").and_then(|n| n.trim().parse().ok()))
        .context("gdc_outbox_pending_rows in /metrics")
}

// ---------------------------------------------------------------- drain

fn drain(count: u64) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("submit.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let central_port = free_port()?;
    let companion = bench_companion(dir.path(), central_port)?;
    let token = aged_token(&companion.url)?;

    // Queue at least `count` submissions while the central store is down.
    let fill_start = Instant::now();
    let mut accepted = 0;
    while pending_rows(&companion.url)? < count {
        let run = run_wrk(&companion.url, "/v1/submissions", &token, 64, 5, &script)?;
        accepted += run.requests - run.non_2xx;
    }
    let fill_secs = fill_start.elapsed().as_secs_f64();
    let queued = pending_rows(&companion.url)?;

    // Bring it up and time the drain.
    let central = bench_central(dir.path(), central_port)?;
    let start = Instant::now();
    while pending_rows(&companion.url)? > 0 {
        if start.elapsed() > Duration::from_secs(600) {
            bail!("the backlog did not drain within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let drain_secs = start.elapsed().as_secs_f64();
    let stored = central_count(&central.data)?;
    Ok(json!({
        "queued": queued,
        "intake_rps_while_queueing": accepted as f64 / fill_secs,
        "drain_seconds": drain_secs,
        "drain_rps": queued as f64 / drain_secs,
        "central_rows": stored,
        "drain_over_intake": (queued as f64 / drain_secs) / (accepted as f64 / fill_secs),
    }))
}

fn central_count(data: &Path) -> Result<u64> {
    let out = Command::new(server_bin()).args(["export", "--data-dir"]).arg(data).output()?;
    if !out.status.success() {
        bail!("export failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(out.stdout.iter().filter(|b| **b == b'\n').count() as u64)
}

// ---------------------------------------------------------------- screenshots

/// Walks the form on the demo page as a visitor on a phone-sized screen,
/// saving a picture of the widget at each step: in English at the top of
/// `out`, and in Arabic and Chinese in `out/ar` and `out/zh`.
async fn screenshots(out: &Path) -> Result<Value> {
    std::fs::create_dir_all(out)?;
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    let mut saved = Vec::new();
    for (lang, dir) in [("en", out.to_path_buf()), ("ar", out.join("ar")), ("zh", out.join("zh"))] {
        std::fs::create_dir_all(&dir)?;
        saved.extend(walk_the_form(c, &server, lang, &dir).await?);
    }

    // The compact variant on an article page, as a phone shows it.
    c.enter_parent_frame().await?;
    c.set_window_size(390, 900).await?;
    c.goto(&format!("{}/examples/article.html", server.url)).await?;
    let compact = gdc_e2e::widget_frame(c, Duration::from_secs(30)).await?;
    compact.clone().enter_frame().await?;
    c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("textarea")).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    c.enter_parent_frame().await?;
    let path = out.join("7-compact.png");
    std::fs::write(&path, compact.screenshot().await?)?;
    saved.push(path.display().to_string());

    // Whole example pages, as a partner's visitors see them: a dark site
    // (iframe with the site's accent; inline following the system, in the
    // page's font) and an Arabic site (right to left, both modes).
    c.set_window_size(1024, 1300).await?;
    for page in ["dark", "rtl"] {
        c.goto(&format!("{}/examples/{page}.html", server.url)).await?;
        let start = std::time::Instant::now();
        while c
            .execute(
                "return [...document.querySelectorAll('gdc-consultation')].every(e => {
                   const r = e.shadowRoot; const f = r && r.querySelector('iframe');
                   return f ? parseFloat(f.style.height) > 0 : !!(r && r.querySelector('.gdc form'));
                 });",
                vec![],
            )
            .await?
            != json!(true)
        {
            if start.elapsed() > Duration::from_secs(30) {
                bail!("the widgets on {page}.html never showed");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let path = out.join(format!("8-example-{page}.png"));
        std::fs::write(&path, c.screenshot().await?)?;
        saved.push(path.display().to_string());
    }

    // The configurator (docs/embedding.md), with a configuration chosen,
    // once its preview has been taken over by the Wasm.
    c.set_window_size(1280, 1700).await?;
    c.goto(&format!(
        "{}/?site=demo&topics=data,ai&theme=dark&accent=%230a6650&radius=10px&lang=fr&loading=eager",
        server.url
    ))
    .await?;
    c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("#code-pinned")).await?;
    let frame = gdc_e2e::widget_frame(c, Duration::from_secs(30)).await?;
    frame.enter_frame().await?;
    c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(gdc_e2e::form::TAKEN_OVER)).await?;
    c.enter_parent_frame().await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let path = out.join("9-configurator.png");
    std::fs::write(&path, c.screenshot().await?)?;
    saved.push(path.display().to_string());

    browser.close().await?;
    Ok(json!({ "screenshots": saved }))
}

/// The full form on the demo page in `lang`, step by step, a picture of
/// each in `dir`. The widget's `lang` attribute is set before it loads.
async fn walk_the_form(c: &fantoccini::Client, server: &DemoServer, lang: &str, dir: &Path) -> Result<Vec<String>> {
    c.set_window_size(430, 2400).await?;
    c.goto(&format!("{}/examples/", server.url)).await?;
    let frame = gdc_e2e::widget_frame(c, Duration::from_secs(30)).await?;
    c.execute("document.querySelector('gdc-consultation').setAttribute('lang', arguments[0]);", vec![json!(lang)])
        .await?;
    let mut saved = Vec::new();
    let shot = |name: &'static str| {
        let frame = frame.clone();
        let path = dir.join(format!("{name}.png"));
        async move {
            // Let the frame follow its content's height first.
            tokio::time::sleep(Duration::from_millis(300)).await;
            c.enter_parent_frame().await?;
            let png = frame.screenshot().await?;
            std::fs::write(&path, png)?;
            frame.clone().enter_frame().await?;
            anyhow::Ok(path.display().to_string())
        }
    };
    frame.clone().enter_frame().await?;
    let set = |css: &'static str, text: String| async move {
        c.execute(
            "const el = document.querySelector(arguments[0]); el.value = arguments[1];
             el.dispatchEvent(new Event('input', { bubbles: true })); el.blur();",
            vec![json!(css), json!(text)],
        )
        .await
    };
    let click = |css: &'static str| async move { c.find(Locator::Css(css)).await?.click().await };
    let start = std::time::Instant::now();
    while c.execute("return document.documentElement.lang;", vec![]).await? != json!(lang)
        || c.find(Locator::Css(gdc_e2e::form::TAKEN_OVER)).await.is_err()
    {
        if start.elapsed() > Duration::from_secs(30) {
            bail!("the form never showed in {lang}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.execute_async("document.fonts.ready.then(() => arguments[0]());", vec![]).await?;
    saved.push(shot("1-topics").await?);
    click(".gdc-submit").await?;
    saved.push(shot("1b-topics-error").await?);
    click("#gdc-topic-ai").await?;
    click("#gdc-topic-data").await?;
    click(".gdc-submit").await?;
    let (principles, commitments, event, name) = match lang {
        "ar" => (
            "ينبغي أن تكون الخوارزميات التي تمس حياة الناس قابلة للتفسير. Transparency",
            "تلتزم الحكومات بقوانين لحماية البيانات 🔐",
            "منتدى كيغالي للشباب",
            "أمينة أوواسي",
        ),
        "zh" => (
            "影响人们的算法应当可以解释。Transparency · الشفافية",
            "各国政府承诺制定数据保护法 🔐",
            "基加利青年论坛",
            "阿米娜·乌瓦塞",
        ),
        _ => (
            "Algorithms that affect people should be explainable. الشفافية · 透明",
            "Governments commit to data protection laws 🔐",
            "Kigali youth forum",
            "Amina Uwase",
        ),
    };
    set("#gdc-a-ai-principles", principles.into()).await?;
    set("#gdc-a-data-commitments", commitments.into()).await?;
    saved.push(shot("2-answers").await?);
    click(".gdc-submit").await?;
    click("#gdc-kind-consultation").await?;
    set("#gdc-event-title", event.into()).await?;
    set("#gdc-event-date", "2023-03-14".into()).await?;
    set("#gdc-event-participants", "40".into()).await?;
    c.find(Locator::Id("gdc-stakeholder")).await?.select_by_value("youth").await?;
    let rwanda = c
        .execute("return new Intl.DisplayNames([arguments[0]], { type: 'region' }).of('RW');", vec![json!(lang)])
        .await?;
    set("#gdc-country", rwanda.as_str().unwrap_or("Rwanda").to_owned()).await?;
    set("#gdc-name", name.into()).await?;
    saved.push(shot("3-about").await?);
    click(".gdc-submit").await?;
    click("#gdc-publish").await?;
    click("#gdc-attribution-name").await?;
    saved.push(shot("4-privacy").await?);
    click(".gdc-submit").await?;
    saved.push(shot("5-review").await?);
    tokio::time::sleep(Duration::from_secs(3)).await;
    click(".gdc-submit").await?;
    c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(".gdc-reference")).await?;
    saved.push(shot("6-receipt").await?);
    c.enter_parent_frame().await?;
    Ok(saved)
}
