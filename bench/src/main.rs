//! `gdc-bench`: the measurements behind `cargo xtask bench`. Each
//! subcommand prints one JSON object; xtask turns them into BENCHMARKS.md.
//!
//! - `tti` (`tti.rs`): navigation start to a usable form on a first visit,
//!   in headless Chromium, the widget in both modes on a normal and a slow
//!   network, against a plain HTML form in the same arrangement.
//! - `intake` (`intake.rs`): wrk against `POST /v1/submissions` and a no-op
//!   route of the same server: by connections (cores shared and separate),
//!   by body size, with a ten-million-row outbox, plus the server's peak RSS.
//! - `drain`: a backlog queued while the central store is down, then the
//!   rate at which it drains once the store is back.
//! - `central` (`central.rs`): ten companions forwarding overlapping ids at
//!   once into one central store on PostgreSQL, against a plain `COPY`.
//!
//! Comparisons are made within one run, side by side: this machine is
//! shared, so absolute figures vary from run to run.
//!
//! It is long because each measurement (first visit, drain, screenshots)
//! sets up its own servers, load and comparison, side by side in one run.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::Locator;
use gdc_e2e::{Browser, DemoServer, ServerProcess, free_port, server_bin};
use serde_json::{Value, json};

mod central;
mod intake;
mod tti;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str, default: &str| -> String {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_owned())
    };
    let result = match args.first().map(String::as_str) {
        Some("tti") => tti::run(arg("--runs", "30").parse()?, arg("--slow-runs", "5").parse()?).await?,
        Some("intake") => {
            let list = |name: &str, default: &str| -> Result<Vec<u32>> {
                arg(name, default).split(',').filter(|c| !c.trim().is_empty()).map(|c| Ok(c.trim().parse()?)).collect()
            };
            intake::run(&intake::Plan {
                connections: list("--connections", "64,256")?,
                seconds: arg("--seconds", "10").parse()?,
                curve: list("--curve", "16,32,64,128,256,512,1024")?,
                curve_seconds: arg("--curve-seconds", "5").parse()?,
                bodies: list("--bodies", "512,4096,32768")?.into_iter().map(|b| b as usize).collect(),
                body_connections: arg("--body-connections", "256").parse()?,
                prefill_rows: arg("--prefill", "10000000").parse()?,
                prefill_pending: arg("--prefill-pending", "1000000").parse()?,
                prefill_connections: arg("--prefill-connections", "256").parse()?,
                profile: arg("--profile", ""),
                svg: arg("--svg", ""),
            })?
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
            "usage: gdc-bench tti [--runs 30] [--slow-runs 5] \
             | intake [--connections 64,256] [--seconds 10] [--curve 16,32,…,1024] [--curve-seconds 5] \
             [--bodies 512,4096,32768] [--body-connections 256] [--prefill 10000000] [--prefill-pending 1000000] \
             [--prefill-connections 256] [--profile FILE] [--svg FILE] \
             | drain [--count N] \
             | central [--companions 10] [--per-companion 20000] [--postgres URL] [--batch-size 1000] [--profile FILE] [--variants shared,pinned]"
        ),
    };
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}

// ---------------------------------------------------------------- shared

/// Puts every thread of process `pid` on `cpus` (a `taskset` list).
fn pin(pid: u32, cpus: &str) -> Result<()> {
    let out = Command::new("taskset")
        .args(["-a", "-p", "-c", cpus, &pid.to_string()])
        .output()
        .context("taskset (util-linux)")?;
    if !out.status.success() {
        bail!("taskset could not pin process {pid} to cores {cpus}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

fn rand_u32() -> u32 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    (t.as_nanos() as u32) ^ std::process::id().rotate_left(16)
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

// ---------------------------------------------------------------- drain

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

fn drain(count: u64) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let load = intake::Load::new(dir.path(), 1024)?;
    let central_port = free_port()?;
    let companion = intake::bench_companion(dir.path(), "companion", central_port)?;
    let token = intake::aged_token(&companion.url)?;

    // Queue at least `count` submissions while the central store is down.
    let fill_start = Instant::now();
    let mut accepted = 0;
    while intake::pending_rows(&companion.url)? < count {
        let run =
            intake::run_wrk(&companion.url, intake::INTAKE, &token, 64, 5, &load.script, intake::Pinning::Shared)?;
        accepted += run.requests - run.non_2xx;
    }
    let fill_secs = fill_start.elapsed().as_secs_f64();
    let queued = intake::pending_rows(&companion.url)?;

    // Bring it up and time the drain.
    let central = bench_central(dir.path(), central_port)?;
    let start = Instant::now();
    while intake::pending_rows(&companion.url)? > 0 {
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
    while c.execute("return document.documentElement.lang;", vec![]).await? != json!(lang) {
        if start.elapsed() > Duration::from_secs(30) {
            bail!("the form never showed in {lang}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The served form in that language; the Wasm comes at the first use.
    c.enter_parent_frame().await?;
    gdc_e2e::widget::begin_using(c, "gdc-consultation").await?;
    frame.clone().enter_frame().await?;
    c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(gdc_e2e::form::TAKEN_OVER)).await?;
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
