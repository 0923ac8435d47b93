//! `intake`: how close durable intake (`POST /v1/submissions`, committed
//! with `synchronous=FULL` before the 202) comes to doing nothing (the
//! no-op route of the same server, which reads the body and answers), and
//! whether it stays there as the load, the bodies and the outbox grow.
//!
//! Every figure is a comparison made side by side in one run, on companions
//! whose central store is away (so intake alone is measured):
//!
//! - `runs`: no-op then intake at 64 and 256 connections, on a companion
//!   used for nothing else, so its peak RSS (VmHWM) is that load's.
//! - `curve`: the same pair from 16 to 1,024 connections, on a second
//!   companion; also drawn as an SVG chart (`--svg`).
//! - `bodies`: the pair with 0.5, 4 and 32 KB submissions.
//! - `outbox_size`: intake on a companion whose outbox already holds ten
//!   million rows (mostly forwarded, some pending) against one whose outbox
//!   is empty, alternated (empty, full, full, empty).
//!
//! The first two are measured twice: with wrk and the server sharing the
//! cores (no pinning, wrk with two threads), and on separate cores (the
//! server and all its threads on CPU 1, wrk with one thread on CPU 0), so
//! a ratio does not depend on who wins the two cores of a small machine.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use gdc_e2e::{ServerProcess, dist, free_port, server_bin};
use serde_json::{Value, json};

/// What one `gdc-bench intake` measures; the defaults are `cargo xtask
/// bench intake`'s.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The headline comparison, and the peak RSS under it.
    pub connections: Vec<u32>,
    pub seconds: u32,
    /// Connection counts of the curve, and seconds per run there.
    pub curve: Vec<u32>,
    pub curve_seconds: u32,
    /// Body sizes in bytes, and the connections they are sent with.
    pub bodies: Vec<usize>,
    pub body_connections: u32,
    /// Rows put in the outbox before the size comparison (0: skipped), how
    /// many of them still pending, and the connections it runs with.
    pub prefill_rows: u64,
    pub prefill_pending: u64,
    pub prefill_connections: u32,
    /// Where to write the perf report of the headline companion (empty: no
    /// profile) and the chart of the curve (empty: none).
    pub profile: String,
    pub svg: String,
}

/// The body size of the headline comparison, the curve and the outbox size
/// comparison.
const DEFAULT_BODY: usize = 1024;
/// The body size of the rows put in the outbox before that comparison.
const PREFILL_BODY: usize = 900;

pub fn run(plan: &Plan) -> Result<Value> {
    let dir = tempfile::Builder::new().prefix("gdc-bench-intake-").tempdir()?;
    let cores = Cores::available()?;
    progress(&format!(
        "intake: working in {}{}",
        dir.path().display(),
        if cores.separate_possible() { "" } else { " (one CPU: the separate-cores runs are skipped)" }
    ));
    let load = Load::new(dir.path(), DEFAULT_BODY)?;

    // The headline comparison, on a companion used for nothing else.
    let mut companion = Companion::start(dir.path(), "headline")?;
    let mut runs = Vec::new();
    for &c in &plan.connections {
        runs.push(compare_both(&companion, &cores, &load, c, plan.seconds)?);
    }
    let rss = peak_rss_mb(companion.process.pid());
    let rows_stored = pending_rows(&companion.process.url)?;
    let mut profile = Value::Null;
    if !plan.profile.is_empty() {
        progress("intake: profiling the headline companion at 256 connections");
        profile = perf_profile(&companion, &load, plan.seconds, Path::new(&plan.profile))?;
    }
    let headline_log = companion.stop()?;

    // The curve, on a second companion.
    let mut curve = Vec::new();
    let mut curve_log = Value::Null;
    if !plan.curve.is_empty() {
        let mut companion = Companion::start(dir.path(), "curve")?;
        for &c in &plan.curve {
            curve.push(compare_both(&companion, &cores, &load, c, plan.curve_seconds)?);
        }
        curve_log = companion.stop()?;
        if !plan.svg.is_empty() {
            let svg = Path::new(&plan.svg);
            if let Some(parent) = svg.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(svg, chart(&curve))?;
            progress(&format!("intake: wrote {}", svg.display()));
        }
    }

    // Body sizes, on a third.
    let mut bodies = Vec::new();
    let mut bodies_log = Value::Null;
    if !plan.bodies.is_empty() {
        let mut companion = Companion::start(dir.path(), "bodies")?;
        for &size in &plan.bodies {
            let load = Load::new(dir.path(), size)?;
            let c = plan.body_connections;
            let noop = companion.wrk(&load, NOOP, c, plan.seconds, Pinning::Shared)?;
            let intake = companion.wrk(&load, INTAKE, c, plan.seconds, Pinning::Shared)?;
            let mb_s = |r: &WrkRun| r.rps * load.body_bytes as f64 / 1e6;
            bodies.push(json!({
                "body_bytes": load.body_bytes,
                "connections": c,
                "noop": wrk_json(&noop),
                "intake": wrk_json(&intake),
                "noop_mb_s": mb_s(&noop),
                "intake_mb_s": mb_s(&intake),
                "ratio_rps": intake.rps / noop.rps,
            }));
        }
        bodies_log = companion.stop()?;
    }

    let outbox_size = if plan.prefill_rows > 0 { size_comparison(dir.path(), plan, &load)? } else { Value::Null };

    progress(&format!("intake: removing {}", dir.path().display()));
    Ok(json!({
        "seconds": plan.seconds,
        "body_bytes": load.body_bytes,
        "cpus": cores.all,
        "runs": runs,
        "peak_rss_mb": rss,
        "rows_stored": rows_stored,
        "profile": profile,
        "curve_seconds": plan.curve_seconds,
        "curve": curve,
        "svg": plan.svg,
        "bodies": bodies,
        "outbox_size": outbox_size,
        "server_log": { "headline": headline_log, "curve": curve_log, "bodies": bodies_log },
    }))
}

fn progress(line: &str) {
    eprintln!("{line}");
}

// ---------------------------------------------------------------- the load

/// A submission body of a given size, split around its id, and the wrk
/// script that sends it with a fresh id each time.
pub struct Load {
    pub script: PathBuf,
    pub body_bytes: usize,
    prefix: String,
    suffix: String,
}

const ID_LEN: usize = 36;
const TOPICS: &[&str] =
    &["connectivity", "fragmentation", "data", "human-rights", "accountability", "ai", "commons", "other"];
const QUESTIONS: &[&str] = &["principles", "commitments", "comments"];
/// gdc-core's limit for one answer (`Limits::answer_chars`).
const ANSWER_CHARS: usize = 4_000;
const SENTENCE: &str = "Transparent, accountable and inclusive digital governance. ";

impl Load {
    pub fn new(dir: &Path, size: usize) -> Result<Self> {
        let (prefix, suffix) = body_parts(size)?;
        let script = dir.join(format!("submit-{size}.lua"));
        std::fs::write(&script, wrk_script(&prefix, &suffix))?;
        Ok(Self { script, body_bytes: prefix.len() + ID_LEN + suffix.len(), prefix, suffix })
    }
}

/// A valid v1 submission of exactly `size` bytes (ASCII, so characters and
/// bytes agree), split where its id goes. Its text goes into as few answer
/// fields as hold it (at most 4,000 characters each; the three questions of
/// one topic, then the next topic), shared evenly among them.
fn body_parts(size: usize) -> Result<(String, String)> {
    let prefix = String::from("{\"id\":\"");
    let head = "\",\"consultation\":\"gdc-2023\",\"site\":\"demo\",\"lang\":\"en\",\
                \"submitter\":{\"kind\":\"individual\",\"stakeholder\":\"youth\",\"country\":\"RW\"},\"answers\":[";
    let tail = "],\"consent\":{\"publish\":false,\"attribution\":\"anonymous\",\"contact\":false}}";
    let fields: Vec<(&str, &str)> = TOPICS.iter().flat_map(|t| QUESTIONS.iter().map(move |q| (*t, *q))).collect();
    let render = |used: &[(&str, &str)], lengths: &[usize]| -> String {
        let mut out = String::from(head);
        let mut topic = "";
        for ((t, q), n) in used.iter().zip(lengths) {
            if *t != topic {
                if !topic.is_empty() {
                    out.push_str("},");
                }
                let _ = write!(out, "{{\"topic\":\"{t}\"");
                topic = t;
            }
            let text = SENTENCE.repeat(n / SENTENCE.len() + 1);
            let _ = write!(out, ",\"{q}\":\"{}\"", &text[..*n]);
        }
        out.push('}');
        out.push_str(tail);
        out
    };
    for k in 1..=fields.len() {
        let used = &fields[..k];
        let overhead = prefix.len() + ID_LEN + render(used, &vec![0; k]).len();
        let Some(text) = size.checked_sub(overhead) else { break };
        if text < k || text > k * ANSWER_CHARS {
            continue;
        }
        let lengths: Vec<usize> = (0..k).map(|i| text / k + usize::from(i < text % k)).collect();
        let suffix = render(used, &lengths);
        debug_assert_eq!(prefix.len() + ID_LEN + suffix.len(), size);
        return Ok((prefix, suffix));
    }
    bail!("no valid submission is exactly {size} bytes")
}

/// wrk's Lua: the body around an id that is unique in the run and shaped
/// as a UUIDv7, as the widget makes them: the 48-bit millisecond time at
/// the start of the run (given by the command line, so the ids of a run
/// come after every earlier one, as real ids do), then wrk's thread number
/// (given by `setup()` in the main state) and a counter. math.random is not
/// used: it repeats across wrk's per-thread Lua states.
fn wrk_script(prefix: &str, suffix: &str) -> String {
    format!(
        r#"
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local counter = 0
local time = "00000000-0000"
local prefix = [==[{prefix}]==]
local suffix = [==[{suffix}]==]
function init(args)
  time = args[1] or time
  path = args[2] or "/v1/submissions"
end
function request()
  counter = counter + 1
  local id = string.format("%s-7%03x-8000-%012x", time, tid, counter)
  return wrk.format("POST", path, nil, prefix .. id .. suffix)
end
"#
    )
}

/// The 48-bit Unix time in ms as a UUIDv7 begins, `xxxxxxxx-xxxx`.
fn uuid7_time(ms: u64) -> String {
    format!("{:08x}-{:04x}", (ms >> 16) & 0xffff_ffff, ms & 0xffff)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis() as u64
}

// ---------------------------------------------------------------- cores

/// The CPUs this process may use, and how a run places wrk and the server.
struct Cores {
    all: String,
    count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pinning {
    /// No pinning: wrk (two threads) and the server share every core.
    Shared,
    /// The server and all its threads on CPU 1, wrk (one thread) on CPU 0.
    Separate,
}

impl Pinning {
    fn name(self) -> &'static str {
        match self {
            Self::Shared => "shared",
            Self::Separate => "separate",
        }
    }
}

impl Cores {
    fn available() -> Result<Self> {
        let out = Command::new("taskset")
            .args(["-cp", &std::process::id().to_string()])
            .output()
            .context("taskset (util-linux)")?;
        let text = String::from_utf8_lossy(&out.stdout);
        let all = text.rsplit(':').next().map(str::trim).unwrap_or("").to_owned();
        let count = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Self { all, count })
    }

    fn separate_possible(&self) -> bool {
        self.count >= 2 && self.all.split([',', '-']).any(|c| c == "1") && self.all.split([',', '-']).any(|c| c == "0")
    }

    /// Moves every thread of `pid` onto the CPUs `pinning` gives the server.
    fn place(&self, pid: u32, pinning: Pinning) -> Result<()> {
        let cpus = match pinning {
            Pinning::Shared => self.all.as_str(),
            Pinning::Separate => "1",
        };
        crate::pin(pid, cpus)
    }
}

// ---------------------------------------------------------------- companions

pub const NOOP: &str = "/bench/noop";
pub const INTAKE: &str = "/v1/submissions";

/// A bench companion and an aged form token for it.
struct Companion {
    process: ServerProcess,
    token: String,
    log: PathBuf,
}

impl Companion {
    fn start(dir: &Path, name: &str) -> Result<Self> {
        progress(&format!("intake: starting the {name} companion"));
        let process = bench_companion(dir, name, free_port()?)?;
        let token = aged_token(&process.url)?;
        Ok(Self { process, token, log: dir.join(format!("{name}.log")) })
    }

    fn wrk(&self, load: &Load, path: &str, connections: u32, seconds: u32, pinning: Pinning) -> Result<WrkRun> {
        let run = run_wrk(&self.process.url, path, &self.token, connections, seconds, &load.script, pinning)?;
        progress(&format!(
            "intake:   {path} {} B, {connections} connections, {} cores: {:.0}/s, p99 {:.2} ms{}",
            load.body_bytes,
            pinning.name(),
            run.rps,
            run.p99_ms,
            if run.non_2xx + run.errors > 0 {
                format!(", {} non-2xx, {} socket errors", run.non_2xx, run.errors)
            } else {
                String::new()
            }
        ));
        Ok(run)
    }

    /// SIGTERM; then what the server logged above info level.
    fn stop(&mut self) -> Result<Value> {
        self.process.terminate(Duration::from_secs(60))?;
        Ok(log_summary(&self.log))
    }
}

/// The no-op route then intake, at `connections`, with the cores shared and
/// then separate (the server moved onto CPU 1 for those, and back after).
fn compare_both(companion: &Companion, cores: &Cores, load: &Load, connections: u32, seconds: u32) -> Result<Value> {
    let mut row = json!({ "connections": connections });
    for pinning in [Pinning::Shared, Pinning::Separate] {
        if pinning == Pinning::Separate && !cores.separate_possible() {
            continue;
        }
        cores.place(companion.process.pid(), pinning)?;
        let noop = companion.wrk(load, NOOP, connections, seconds, pinning)?;
        let intake = companion.wrk(load, INTAKE, connections, seconds, pinning)?;
        row[pinning.name()] = json!({
            "noop": wrk_json(&noop),
            "intake": wrk_json(&intake),
            "ratio_rps": intake.rps / noop.rps,
            "ratio_p99": intake.p99_ms / noop.p99_ms,
        });
    }
    cores.place(companion.process.pid(), Pinning::Shared)?;
    Ok(row)
}

/// A companion whose central store is away: intake alone is measured, and
/// what it takes in stays queued. Its data in `dir/name`, its log in
/// `dir/name.log`. Limits admit a ten-million-row outbox and any rate.
pub fn bench_companion(dir: &Path, name: &str, central_port: u16) -> Result<ServerProcess> {
    let config = dir.join(format!("{name}.toml"));
    let data = dir.join(name);
    std::fs::write(
        &config,
        format!(
            "addr = \"127.0.0.1:0\"\ndata_dir = \"{data}\"\nassets_dir = \"{dist}\"\nbench_noop_route = true\n\
             [companion]\nenabled = true\ncentral_url = \"http://127.0.0.1:{central_port}\"\ntoken = \"bench-token\"\n\
             max_backoff = 500\nretention = 604800000\n\
             [central]\nenabled = false\n\
             [limits]\nper_ip_per_minute = 100000000\nper_ip_burst = 100000000\nper_site_per_second = 100000000\n\
             per_site_burst = 100000000\nspool_max_rows = 100000000\nspool_max_bytes = 1000000000000\n\
             [abuse]\ntoken_secret = \"bench-key\"\n\
             [[sites]]\nkey = \"demo\"\norigins = [\"http://127.0.0.1:*\"]\n",
            data = data.display(),
            dist = dist().display(),
        ),
    )?;
    let args: Vec<OsString> = vec!["serve".into(), "--config".into(), config.into()];
    ServerProcess::spawn_logged(&server_bin(), &args, data, &dir.join(format!("{name}.log")))
}

/// What the server logged at WARN or ERROR, beside the forwarder's retries
/// (expected: the central store is away): how many lines, and the first few.
fn log_summary(log: &Path) -> Value {
    let text = strip_ansi(&std::fs::read_to_string(log).unwrap_or_default());
    let loud: Vec<&str> = text
        .lines()
        .filter(|l| (l.contains(" WARN ") || l.contains(" ERROR ")) && !l.contains("forwarding failed"))
        .collect();
    let first: Vec<String> = loud.iter().take(5).map(|l| l.chars().take(300).collect()).collect();
    json!({ "warn_or_error_lines": loud.len(), "first": first })
}

/// The text of a coloured terminal log.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters, then a final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A form token old enough to pass the minimum time to submit.
pub fn aged_token(url: &str) -> Result<String> {
    let out = Command::new("curl").args(["-sf", &format!("{url}/v1/token?site=demo")]).output()?;
    let v: Value = serde_json::from_slice(&out.stdout).context("token")?;
    std::thread::sleep(Duration::from_millis(3_200));
    Ok(v["token"].as_str().context("token")?.to_owned())
}

pub fn pending_rows(url: &str) -> Result<u64> {
    let out = Command::new("curl").args(["-sf", &format!("{url}/metrics")]).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("gdc_outbox_pending_rows ").and_then(|n| n.trim().parse().ok()))
        .context("gdc_outbox_pending_rows in /metrics")
}

fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

// ---------------------------------------------------------------- wrk

#[derive(Debug)]
pub struct WrkRun {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub non_2xx: u64,
    pub errors: u64,
}

pub fn run_wrk(
    url: &str,
    path: &str,
    token: &str,
    connections: u32,
    seconds: u32,
    script: &Path,
    pinning: Pinning,
) -> Result<WrkRun> {
    let mut cmd = match pinning {
        Pinning::Shared => {
            let mut cmd = Command::new("wrk");
            cmd.arg("-t2");
            cmd
        }
        Pinning::Separate => {
            let mut cmd = Command::new("taskset");
            cmd.args(["-c", "0", "wrk", "-t1"]);
            cmd
        }
    };
    let out = cmd
        .args([&format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "--timeout", "10s"])
        .args(["-H", "Content-Type: application/json", "-H", &format!("gdc-token: {token}")])
        .arg("-s")
        .arg(script)
        .arg(format!("{url}{path}"))
        .args(["--", &uuid7_time(now_ms()), path])
        .output()
        .context("wrk (apt-get install -y wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(&text)
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

fn wrk_json(r: &WrkRun) -> Value {
    json!({ "rps": r.rps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, "requests": r.requests,
            "non_2xx": r.non_2xx, "socket_errors": r.errors })
}

/// Samples the server with perf while wrk loads it; returns the top symbols.
fn perf_profile(companion: &Companion, load: &Load, seconds: u32, out: &Path) -> Result<Value> {
    let data = out.with_extension("data");
    let mut perf = Command::new("perf")
        .args(["record", "-F", "499", "-g", "-o"])
        .arg(&data)
        .args(["-p", &companion.process.pid().to_string(), "--", "sleep", &seconds.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("perf (apt-get install -y linux-perf)")?;
    let run = companion.wrk(load, INTAKE, 256, seconds, Pinning::Shared)?;
    perf.wait()?;
    let top = crate::perf_report(&data, out)?;
    Ok(json!({ "rps_while_profiling": run.rps, "report": out.display().to_string(), "top": top }))
}

// ---------------------------------------------------------------- outbox size

/// Intake with `prefill_rows` already in the outbox against intake on an
/// empty one: two companions, alternated empty, full, full, empty so that
/// a drift of the machine during the four runs falls on both alike.
fn size_comparison(dir: &Path, plan: &Plan, load: &Load) -> Result<Value> {
    // The server makes its own schema: start it once on an empty folder,
    // stop it, then fill the file it made.
    let name = "prefilled";
    let mut first = bench_companion(dir, name, free_port()?)?;
    first.terminate(Duration::from_secs(30))?;
    drop(first);
    let path = dir.join(name).join("outbox.sqlite");
    let started = Instant::now();
    // Bodies a little under 1 KB, so that four rows fill a 4 KB page.
    let rows_load = Load::new(dir, PREFILL_BODY)?;
    let (forwarded, pending) = prefill(&path, plan.prefill_rows, plan.prefill_pending, &rows_load)?;
    let prefill_seconds = started.elapsed().as_secs_f64();
    let file_bytes = std::fs::metadata(&path)?.len();

    progress(&format!("intake: starting the prefilled companion ({:.1} GB)", file_bytes as f64 / 1e9));
    let started = Instant::now();
    let process = bench_companion(dir, name, free_port()?)?;
    let start_seconds = started.elapsed().as_secs_f64();
    let pending_seen = pending_rows(&process.url)?;
    let token = aged_token(&process.url)?;
    let mut full = Companion { process, token, log: dir.join(format!("{name}.log")) };
    let mut empty = Companion::start(dir, "empty")?;

    let c = plan.prefill_connections;
    let mut rounds = Vec::new();
    for which in ["empty", "full", "full", "empty"] {
        let companion = if which == "empty" { &empty } else { &full };
        let before = pending_rows(&companion.process.url)?;
        let run = companion.wrk(load, INTAKE, c, plan.seconds, Pinning::Shared)?;
        rounds.push(json!({ "outbox": which, "pending_before": before, "intake": wrk_json(&run) }));
    }
    let mean = |which: &str, key: &str| -> f64 {
        let v: Vec<f64> =
            rounds.iter().filter(|r| r["outbox"] == which).filter_map(|r| r["intake"][key].as_f64()).collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let (empty_rps, full_rps) = (mean("empty", "rps"), mean("full", "rps"));
    let result = json!({
        "connections": c,
        "rows": plan.prefill_rows,
        "forwarded": forwarded,
        "pending": pending,
        "pending_reported_at_start": pending_seen,
        "body_bytes": load.body_bytes,
        "prefill_body_bytes": rows_load.body_bytes,
        "file_bytes": file_bytes,
        "prefill_seconds": prefill_seconds,
        "start_seconds": start_seconds,
        "rounds": rounds,
        "empty_rps": empty_rps,
        "full_rps": full_rps,
        "empty_p99_ms": mean("empty", "p99_ms"),
        "full_p99_ms": mean("full", "p99_ms"),
        "ratio_rps": full_rps / empty_rps,
        "server_log": { "full": full.stop()?, "empty": empty.stop()? },
    });
    Ok(result)
}

/// Fills the outbox the server created with `rows` rows of `load`'s body
/// (the forwarded first, the newest `pending` still pending): received over
/// the last six days, forwarded a second later (within the bench
/// companion's seven-day retention, so none is deleted during the run),
/// with UUIDv7-shaped ids from their arrival times. Bulk and unsafe on
/// purpose (no journal, no fsync until the end): it is set-up, not a
/// measurement. Returns (forwarded, pending).
fn prefill(path: &Path, rows: u64, pending: u64, load: &Load) -> Result<(u64, u64)> {
    let pending = pending.min(rows);
    let forwarded = rows - pending;
    let conn = rusqlite::Connection::open(path)?;
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('outbox')")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for needed in ["id", "site", "body", "received_at", "forwarded_at"] {
        if !columns.iter().any(|c| c == needed) {
            bail!("the server's outbox has no column {needed:?} (columns: {columns:?}): the prefill needs updating");
        }
    }
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -262_144)?;
    let span_ms: u64 = 6 * 24 * 3600 * 1000;
    let step = (span_ms / rows.max(1)).max(1);
    let base = now_ms() - span_ms;
    let started = Instant::now();
    let chunk = 500_000;
    let mut done = 0;
    while done < rows {
        let n = chunk.min(rows - done);
        conn.execute(
            "WITH RECURSIVE r(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM r WHERE i + 1 < ?2),
                 v(i, t, id) AS (SELECT i, ?6 + i * ?7,
                     printf('%08x-%04x-7000-8000-%012x', (?6 + i * ?7) >> 16, (?6 + i * ?7) & 65535, i) FROM r)
             INSERT INTO outbox (id, site, body, received_at, forwarded_at)
             SELECT id, 'demo', ?3 || id || ?4, t, CASE WHEN i < ?5 THEN t + 1000 END FROM v",
            rusqlite::params![
                done as i64,
                (done + n) as i64,
                load.prefix,
                load.suffix,
                forwarded as i64,
                base as i64,
                step as i64
            ],
        )?;
        done += n;
        let secs = started.elapsed().as_secs_f64();
        progress(&format!(
            "intake: prefill {done}/{rows} rows ({:.0} rows/s, {:.0} s left)",
            done as f64 / secs,
            (rows - done) as f64 / (done as f64 / secs)
        ));
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    drop(conn);
    // Written back now rather than during the measurements that follow.
    progress("intake: prefill written; syncing it to disk");
    std::fs::File::open(path)?.sync_all()?;
    Ok((forwarded, pending))
}

// ---------------------------------------------------------------- chart

/// Requests/s of the no-op route and of intake against connections (log2
/// axis), shared and separate cores: an SVG with its own white background,
/// so it reads the same in GitHub's light and dark themes.
fn chart(curve: &[Value]) -> String {
    const W: f64 = 720.0;
    const H: f64 = 440.0;
    const LEFT: f64 = 80.0;
    const RIGHT: f64 = 24.0;
    const TOP: f64 = 44.0;
    const BOTTOM: f64 = 104.0;
    let series: [(&str, &str, &str, &str, bool); 4] = [
        ("no-op, shared cores", "shared", "noop", "#1a5fb4", false),
        ("intake, shared cores", "shared", "intake", "#c64600", false),
        ("no-op, separate cores", "separate", "noop", "#1a5fb4", true),
        ("intake, separate cores", "separate", "intake", "#c64600", true),
    ];
    let points = |pinning: &str, route: &str| -> Vec<(f64, f64)> {
        curve
            .iter()
            .filter_map(|row| Some((row["connections"].as_f64()?, row[pinning][route]["rps"].as_f64()?)))
            .collect()
    };
    let xs: Vec<f64> = curve.iter().filter_map(|r| r["connections"].as_f64()).collect();
    let (x_min, x_max) = (xs.iter().copied().fold(f64::INFINITY, f64::min), xs.iter().copied().fold(0.0, f64::max));
    let y_top = series.iter().flat_map(|s| points(s.1, s.2)).map(|p| p.1).fold(0.0, f64::max);
    let (y_step, y_max) = nice_axis(y_top);
    // Half a doubling of room at each end, so no point sits on an axis.
    let (lo, hi) = (x_min.log2() - 0.5, x_max.log2() + 0.5);
    let x = |c: f64| LEFT + (c.log2() - lo) / (hi - lo) * (W - LEFT - RIGHT);
    let y = |v: f64| H - BOTTOM - v / y_max * (H - TOP - BOTTOM);

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" \
         font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"#222\">\n\
         <rect width=\"{W}\" height=\"{H}\" fill=\"#fff\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\
         Intake against the no-op route, by connections (~1 KB submissions)</text>\n",
        W / 2.0
    );
    // Grid and y ticks.
    let mut v = 0.0;
    while v <= y_max + y_step / 2.0 {
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 8.0,
            y(v) + 4.0,
            thousands(v),
            y = y(v)
        );
        v += y_step;
    }
    // X ticks, one per measured count.
    for &c in &xs {
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#888\"/>\
             <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{c}</text>",
            H - BOTTOM,
            H - BOTTOM + 5.0,
            H - BOTTOM + 19.0,
            x = x(c)
        );
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\" stroke=\"#444\"/>\
         <line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{b}\" stroke=\"#444\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">connections (log scale, base 2)</text>\n\
         <text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">requests/s</text>",
        W - RIGHT,
        LEFT + (W - LEFT - RIGHT) / 2.0,
        H - BOTTOM + 40.0,
        TOP + (H - TOP - BOTTOM) / 2.0,
        b = H - BOTTOM
    );
    // The lines, then the legend in the top right corner.
    for (_, pinning, route, colour, dashed) in series {
        let pts = points(pinning, route);
        if pts.is_empty() {
            continue;
        }
        let path: Vec<String> = pts.iter().map(|&(c, v)| format!("{:.1},{:.1}", x(c), y(v))).collect();
        let dash = if dashed { " stroke-dasharray=\"6 4\"" } else { "" };
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
            path.join(" ")
        );
        for &(c, v) in &pts {
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
                x(c),
                y(v),
                if dashed { "#fff" } else { colour }
            );
        }
    }
    // The legend under the axis label: two columns, two rows.
    for (i, (label, _, _, colour, dashed)) in series.iter().enumerate() {
        let lx = LEFT + 90.0 + (i % 2) as f64 * 220.0;
        let ly = H - BOTTOM + 62.0 + (i / 2) as f64 * 20.0;
        let dash = if *dashed { " stroke-dasharray=\"6 4\"" } else { "" };
        let _ = writeln!(
            svg,
            "<line x1=\"{lx}\" x2=\"{}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>\
             <circle cx=\"{}\" cy=\"{ly}\" r=\"3\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>\
             <text x=\"{}\" y=\"{}\">{label}</text>",
            lx + 28.0,
            lx + 14.0,
            if *dashed { "#fff" } else { colour },
            lx + 36.0,
            ly + 4.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A tick step of 1, 2 or 5 times a power of ten giving four to eight
/// ticks, and the axis top: a whole number of steps at or above `top`.
fn nice_axis(top: f64) -> (f64, f64) {
    if top <= 0.0 || !top.is_finite() {
        return (1.0, 1.0);
    }
    let raw = top / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10.0 * power);
    (step, (top / step).ceil() * step)
}

fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_the_size_asked_for_and_valid_submissions() {
        for size in [512, 1024, 4096, 32 * 1024, 90_000] {
            let (prefix, suffix) = body_parts(size).unwrap();
            let body = format!("{prefix}0190f3a2-1b2c-7000-8000-000000000001{suffix}");
            assert_eq!(body.len(), size);
            let wire: gdc_core::wire::WireSubmission = serde_json::from_str(&body).unwrap();
            gdc_core::submission::Submission::parse(wire, Default::default()).unwrap();
        }
    }

    #[test]
    fn a_body_too_large_for_any_submission_is_refused() {
        assert!(body_parts(8 * 3 * 4_000 + 10_000).is_err());
    }

    #[test]
    fn ids_begin_with_the_time_as_uuidv7_does() {
        assert_eq!(uuid7_time(1_764_400_000_000), "019ace6f-6c00");
    }
}
