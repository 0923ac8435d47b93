//! The data path under fire: a companion and a central store as two real
//! processes, a load of retrying clients, and the faults (SIGKILL of either
//! process, the central store down or frozen, a full spool, a full disk)
//! that must not lose or double anything a client was told was stored.
//!
//! Shared by the bounded suite (`tests/tests/crash.rs`, part of
//! `cargo test`) and the long run (`cargo xtask soak`, the `gdc-soak`
//! binary). The client speaks HTTP/1.1 itself over kept-alive loopback
//! connections: it must see every refused or reset connection as such, read
//! every header (`Set-Cookie`, `Retry-After`), and follow the companion to a
//! new port after a restart.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::ServerProcess;

/// The one site every soak server knows.
pub const SITE: &str = "soak";
/// The name the central store knows the companion by.
const COMPANION_NAME: &str = "soak-companion";

// ---------------------------------------------------------------------------
// Randomness and ids (no extra dependency: SplitMix64 seeded per process).

fn next_random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static STATE: AtomicU64 = AtomicU64::new(0);
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let seed = *SEED.get_or_init(|| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos());
        h.write_u32(std::process::id());
        h.finish()
    });
    let mut z = seed.wrapping_add(STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fresh UUIDv7 in the one spelling the wire contract accepts (lower case,
/// hyphenated), as the widget makes once per contribution.
pub fn uuid_v7() -> String {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
    let (a, b) = (next_random(), next_random());
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = 0x70 | ((a >> 8) as u8 & 0x0f);
    bytes[7] = a as u8;
    bytes[8] = 0x80 | ((b >> 56) as u8 & 0x3f);
    bytes[9..].copy_from_slice(&b.to_be_bytes()[1..]);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// A secret that looks like a real one: 40 random alphanumerics.
pub fn secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    (0..40).map(|_| ALPHABET[(next_random() % ALPHABET.len() as u64) as usize] as char).collect()
}

/// A valid v1 submission for the soak site, shaped like
/// `server/tests/api/helpers.rs::submission()`, its text in one of several
/// scripts (`n` picks which) so byte and character counts differ.
pub fn submission(n: u64) -> Value {
    const TEXTS: &[(&str, &str)] = &[
        ("ar", "الشفافية والمساءلة في الذكاء الاصطناعي للجميع"),
        ("zh", "人工智能的透明度与问责制，数据属于人民"),
        ("ru", "Прозрачность и подотчётность алгоритмов для всех"),
        ("en", "Open networks for everyone 🌍🤝📡 with 🧑🏽‍💻 in charge"),
        ("fr", "Transparence 🌍 الشفافية 透明 прозрачность"),
        ("es", "Conectividad significativa para todas las personas"),
    ];
    let topics = ["connectivity", "fragmentation", "data", "human-rights", "accountability", "ai", "commons", "other"];
    let (lang, text) = TEXTS[(n % TEXTS.len() as u64) as usize];
    let topic = topics[(n / 7 % topics.len() as u64) as usize];
    let submitter = match n % 3 {
        0 => json!({ "kind": "individual", "stakeholder": "youth", "country": "RW" }),
        1 => json!({ "kind": "organization", "stakeholder": "civil-society", "country": "EG",
                     "organization": format!("{text} #{n}") }),
        _ => json!({ "kind": "consultation", "stakeholder": "academia", "country": "CN",
                     "event": { "title": text, "date": "2023-03-14", "participants": 40 } }),
    };
    json!({
        "id": uuid_v7(),
        "consultation": "gdc-2023",
        "site": SITE,
        "lang": lang,
        "submitter": submitter,
        "answers": [ { "topic": topic, "principles": format!("{text} ({n})"), "commitments": text, "comments": "" } ],
        "consent": { "publish": false, "attribution": "anonymous", "contact": false }
    })
}

// ---------------------------------------------------------------------------
// A small HTTP/1.1 client over kept-alive loopback connections.

/// One answer: status, headers (names in lower case) and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A connection kept open between requests, with the address it goes to.
#[derive(Debug)]
pub struct Conn {
    addr: String,
    stream: BufReader<TcpStream>,
}

/// Sends one request (`head` without the final blank line) and reads one
/// answer, reusing `conn` when it still goes to `addr`. Any failure drops
/// the connection and is returned as an error: for the caller, a request
/// that got no answer.
pub async fn exchange(
    conn: &mut Option<Conn>,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> Result<Reply> {
    let result = tokio::time::timeout(timeout, exchange_inner(conn, addr, method, path, headers, body)).await;
    match result {
        Ok(Ok((reply, keep))) => {
            if !keep {
                *conn = None;
            }
            Ok(reply)
        }
        Ok(Err(e)) => {
            *conn = None;
            Err(e)
        }
        Err(_) => {
            *conn = None;
            bail!("no answer within {timeout:?}")
        }
    }
}

async fn exchange_inner(
    conn: &mut Option<Conn>,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(Reply, bool)> {
    if conn.as_ref().is_none_or(|c| c.addr != addr) {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        *conn = Some(Conn { addr: addr.to_owned(), stream: BufReader::new(stream) });
    }
    let c = conn.as_mut().expect("just connected");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        let _ = write!(request, "{name}: {value}\r\n");
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    c.stream.get_mut().write_all(&bytes).await?;

    let mut line = String::new();
    if c.stream.read_line(&mut line).await? == 0 {
        bail!("connection closed before an answer");
    }
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("bad status line")?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if c.stream.read_line(&mut line).await? == 0 {
            bail!("connection closed in the headers");
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut keep = !get("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let mut body = Vec::new();
    if let Some(len) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(len, 0);
        c.stream.read_exact(&mut body).await?;
    } else if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            c.stream.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)?;
            let mut chunk = vec![0; size + 2];
            c.stream.read_exact(&mut chunk).await?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if !(status == 204 || status == 304 || (100..200).contains(&status)) {
        c.stream.read_to_end(&mut body).await?;
        keep = false;
    }
    Ok((Reply { status, headers, body }, keep))
}

/// Where the companion listens now (`127.0.0.1:port`); the load follows it
/// across restarts.
#[derive(Debug, Clone, Default)]
pub struct Target(Arc<RwLock<String>>);

impl Target {
    pub fn set(&self, url: &str) {
        *self.0.write().expect("target lock") = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    }

    pub fn get(&self) -> String {
        self.0.read().expect("target lock").clone()
    }
}

/// A one-off GET (readiness, metrics), refusing any `Set-Cookie`.
pub async fn get(addr: &str, path: &str, stats: Option<&Stats>) -> Result<Reply> {
    let mut conn = None;
    let reply = exchange(&mut conn, addr, "GET", path, &[], b"", Duration::from_secs(10)).await?;
    if let Some(stats) = stats {
        stats.saw(&reply);
    }
    Ok(reply)
}

// ---------------------------------------------------------------------------
// What the load saw.

/// Everything the clients saw, shared by all workers.
#[derive(Debug, Default)]
pub struct Stats {
    /// Ids the companion answered 202 or 200 for: it promised to keep them.
    acked: Mutex<HashSet<String>>,
    /// Every id a client tried to deliver, answered or not.
    sent: Mutex<HashSet<String>>,
    pub statuses: Mutex<BTreeMap<u16, u64>>,
    /// Requests that got no answer (refused, reset, timed out).
    pub no_answer: AtomicU64,
    /// 5xx answers other than a 503 carrying `Retry-After`.
    pub server_errors: AtomicU64,
    /// 503 answers with `Retry-After` (full spool or storage trouble).
    pub unavailable: AtomicU64,
    /// Answers carrying `Set-Cookie` (there must be none).
    pub set_cookie: AtomicU64,
    /// Contributions given up when the load was stopped while unanswered.
    pub abandoned: AtomicU64,
    /// Malformed or hostile requests tried, and how many got a 5xx. Other
    /// hostile matrices may feed these through `hostile_result`.
    pub hostile_tried: AtomicU64,
    pub hostile_5xx: AtomicU64,
    /// The first few answers that made no sense for a valid submission.
    pub unexpected: Mutex<Vec<String>>,
}

impl Stats {
    pub fn acked(&self) -> HashSet<String> {
        self.acked.lock().expect("stats lock").clone()
    }

    pub fn acked_count(&self) -> usize {
        self.acked.lock().expect("stats lock").len()
    }

    pub fn sent(&self) -> HashSet<String> {
        self.sent.lock().expect("stats lock").clone()
    }

    /// Records what every answer must satisfy, whatever the request.
    pub fn saw(&self, reply: &Reply) {
        *self.statuses.lock().expect("stats lock").entry(reply.status).or_default() += 1;
        if reply.header("set-cookie").is_some() {
            self.set_cookie.fetch_add(1, Ordering::Relaxed);
        }
        if reply.status == 503 && reply.header("retry-after").is_some() {
            self.unavailable.fetch_add(1, Ordering::Relaxed);
        } else if reply.status >= 500 {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
            self.note(format!("{} {}", reply.status, reply.text()));
        }
    }

    fn note(&self, what: String) {
        let mut u = self.unexpected.lock().expect("stats lock");
        if u.len() < 20 {
            u.push(what);
        }
    }

    /// For hostile-input matrices: one more malformed request and its
    /// answer (`None`: no answer).
    pub fn hostile_result(&self, status: Option<u16>) {
        self.hostile_tried.fetch_add(1, Ordering::Relaxed);
        if status.is_some_and(|s| s >= 500) {
            self.hostile_5xx.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn count(&self, status: u16) -> u64 {
        self.statuses.lock().expect("stats lock").get(&status).copied().unwrap_or(0)
    }
}

/// Posts one submission as a retrying client does: the same body (so the
/// same id) until the companion answers 202 or 200. Refused or reset
/// connections, timeouts, 503, 429 and 408 are retried after a short pause
/// (`Retry-After` is honoured up to `max_pause`, to keep runs short); any
/// other answer is unexpected for a valid body and ends the attempt.
/// Returns whether it was acknowledged.
pub async fn deliver(
    conn: &mut Option<Conn>,
    target: &Target,
    stats: &Stats,
    body: &Value,
    give_up: &AtomicBool,
    max_pause: Duration,
) -> bool {
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    let text = body.to_string();
    stats.sent.lock().expect("stats lock").insert(id.clone());
    let mut pause = Duration::from_millis(5);
    let headers = [("Content-Type", "application/json"), ("Origin", "http://127.0.0.1"), ("gdc-hp", "")];
    loop {
        let addr = target.get();
        let result =
            exchange(conn, &addr, "POST", "/v1/submissions", &headers, text.as_bytes(), Duration::from_secs(20)).await;
        let wait = match result {
            Ok(reply) => {
                stats.saw(&reply);
                match reply.status {
                    200 | 202 => {
                        stats.acked.lock().expect("stats lock").insert(id);
                        return true;
                    }
                    503 | 429 | 408 => reply
                        .header("retry-after")
                        .and_then(|s| s.parse::<u64>().ok())
                        .map_or(pause, |s| Duration::from_secs(s).min(max_pause).max(pause)),
                    s if s >= 500 => pause,
                    s => {
                        stats.note(format!("{s} for a valid submission: {}", reply.text()));
                        return false;
                    }
                }
            }
            Err(_) => {
                stats.no_answer.fetch_add(1, Ordering::Relaxed);
                pause
            }
        };
        if give_up.load(Ordering::Relaxed) {
            stats.abandoned.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        tokio::time::sleep(wait).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

/// Malformed and hostile bodies a client might send; none may get a 5xx.
pub fn hostile_requests() -> Vec<(&'static str, Vec<u8>)> {
    let mut upper = submission(1);
    upper["id"] = json!(uuid_v7().to_uppercase());
    let mut unknown = submission(2);
    unknown["extra"] = json!({"x": [1, 2, 3]});
    let mut long = submission(3);
    long["answers"][0]["principles"] = json!("ش".repeat(5_000));
    let mut nulls = submission(4);
    nulls["submitter"] = Value::Null;
    vec![
        ("application/json", b"not json at all".to_vec()),
        ("application/json", br#"{"id": "#.to_vec()),
        ("application/json", vec![0xff, 0xfe, b'{', 0xc3, 0x28, b'}']),
        ("application/json", format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000)).into_bytes()),
        ("application/json", upper.to_string().into_bytes()),
        ("application/json", unknown.to_string().into_bytes()),
        ("application/json", long.to_string().into_bytes()),
        ("application/json", nulls.to_string().into_bytes()),
        ("application/json", vec![b' '; 70 * 1024]),
        ("text/plain", submission(5).to_string().into_bytes()),
        ("application/json", b"{\"id\":\"\\ud800\"}".to_vec()),
    ]
}

/// Sends each hostile request once on a fresh connection and counts 5xx.
pub async fn send_hostile(target: &Target, stats: &Stats) {
    for (content_type, body) in hostile_requests() {
        let mut conn = None;
        let headers = [("Content-Type", content_type), ("Connection", "close")];
        let addr = target.get();
        match exchange(&mut conn, &addr, "POST", "/v1/submissions", &headers, &body, Duration::from_secs(20)).await {
            Ok(reply) => {
                if reply.header("set-cookie").is_some() {
                    stats.set_cookie.fetch_add(1, Ordering::Relaxed);
                }
                if reply.status >= 500 && reply.status != 503 {
                    stats.note(format!("hostile input answered {}: {}", reply.status, reply.text()));
                }
                stats.hostile_result(Some(reply.status));
            }
            Err(_) => stats.hostile_result(None),
        }
    }
}

/// Concurrent retrying clients posting fresh submissions until stopped.
#[derive(Debug)]
pub struct Load {
    stop: Arc<AtomicBool>,
    give_up: Arc<AtomicBool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    /// `workers` clients, each pausing `pace` between contributions;
    /// `max_pause` caps how long a `Retry-After` holds a client back.
    pub fn start(target: &Target, stats: &Arc<Stats>, workers: usize, pace: Duration, max_pause: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let give_up = Arc::new(AtomicBool::new(false));
        let workers = (0..workers as u64)
            .map(|w| {
                let (target, stats, stop, give_up) = (target.clone(), stats.clone(), stop.clone(), give_up.clone());
                tokio::spawn(async move {
                    let mut conn = None;
                    let mut n = w;
                    while !stop.load(Ordering::Relaxed) {
                        let body = submission(n);
                        n += workers as u64;
                        deliver(&mut conn, &target, &stats, &body, &give_up, max_pause).await;
                        if !pace.is_zero() {
                            tokio::time::sleep(pace).await;
                        }
                    }
                })
            })
            .collect();
        Self { stop, give_up, workers }
    }

    /// Stops starting new contributions and waits for those in hand to be
    /// answered; after `patience` the rest are abandoned (and counted).
    pub async fn stop(self, patience: Duration) {
        self.stop.store(true, Ordering::Relaxed);
        let give_up = self.give_up.clone();
        let timer = tokio::spawn(async move {
            tokio::time::sleep(patience).await;
            give_up.store(true, Ordering::Relaxed);
        });
        for w in self.workers {
            let _ = w.await;
        }
        timer.abort();
    }
}

/// Polls `cond` every 50 ms until it holds, or fails with `what`.
pub async fn wait_until<F, Fut>(timeout: Duration, what: &str, mut cond: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if cond().await {
            return Ok(());
        }
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------
// The two processes.

/// Settings of a soak cluster's companion.
#[derive(Debug, Clone)]
pub struct CompanionSettings {
    pub spool_max_rows: u64,
    pub spool_max_bytes: u64,
    pub batch_size: usize,
    /// Where the companion keeps its outbox (a small tmpfs for disk-full).
    pub data_dir: Option<PathBuf>,
}

impl Default for CompanionSettings {
    fn default() -> Self {
        Self { spool_max_rows: 1_000_000, spool_max_bytes: 1 << 30, batch_size: 50, data_dir: None }
    }
}

/// A companion and a central store as two `gdc-server serve` processes,
/// each with its own TOML config and data folder.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    pub dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    pub companion_data: PathBuf,
    pub central_data: PathBuf,
    companion_config: PathBuf,
    central_config: PathBuf,
    pub central_port: u16,
    companion_token: String,
    form_key: String,
    pub companion: Option<ServerProcess>,
    pub central: Option<ServerProcess>,
    pub target: Target,
    /// Ids planted in the outbox on purpose (see `plant_poison`).
    pub poison: HashSet<String>,
}

impl Cluster {
    /// Writes both configs and starts both processes.
    pub fn start(bin: &Path, settings: CompanionSettings) -> Result<Self> {
        let temp = tempfile::tempdir()?;
        let dir = temp.path().to_owned();
        let central_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let companion_data = settings.data_dir.clone().unwrap_or_else(|| dir.join("companion"));
        let mut cluster = Self {
            bin: bin.to_owned(),
            companion_config: dir.join("companion.toml"),
            central_config: dir.join("central.toml"),
            central_data: dir.join("central"),
            companion_data,
            dir,
            _temp: Some(temp),
            central_port,
            companion_token: secret(),
            form_key: secret(),
            companion: None,
            central: None,
            target: Target::default(),
            poison: HashSet::new(),
        };
        cluster.write_central_config()?;
        cluster.write_companion_config(&settings)?;
        cluster.start_central()?;
        cluster.start_companion()?;
        Ok(cluster)
    }

    fn limits(settings: &CompanionSettings) -> String {
        format!(
            "[limits]\nper_ip_per_minute = 60000000\nper_ip_burst = 1000000\nper_site_per_second = 1000000\n\
             per_site_burst = 1000000\nspool_max_rows = {}\nspool_max_bytes = {}\n",
            settings.spool_max_rows, settings.spool_max_bytes
        )
    }

    fn sites() -> String {
        format!("[[sites]]\nkey = \"{SITE}\"\norigins = [\"http://127.0.0.1\"]\ntopics = []\n")
    }

    fn write_central_config(&self) -> Result<()> {
        let text = format!(
            "addr = \"127.0.0.1:{port}\"\ndata_dir = {data:?}\nassets_dir = {assets:?}\n\n\
             [companion]\nenabled = false\n\n\
             [central]\nenabled = true\nadmin_token = \"{admin}\"\n\n\
             [[central.companions]]\nname = \"{COMPANION_NAME}\"\ntoken = \"{token}\"\n\n\
             {limits}\n[abuse]\ntoken_secret = \"{form}\"\nrequire_token = false\nmin_submit_time = 0\n\n{sites}",
            port = self.central_port,
            data = self.central_data,
            assets = self.dir.join("no-dist"),
            admin = secret(),
            token = self.companion_token,
            limits = Self::limits(&CompanionSettings::default()),
            form = self.form_key,
            sites = Self::sites(),
        );
        std::fs::write(&self.central_config, text)?;
        Ok(())
    }

    /// Rewrites the companion's config; it applies from the next start.
    pub fn write_companion_config(&self, settings: &CompanionSettings) -> Result<()> {
        let text = format!(
            "addr = \"127.0.0.1:0\"\ndata_dir = {data:?}\nassets_dir = {assets:?}\n\n\
             [companion]\nenabled = true\ncentral_url = \"http://127.0.0.1:{port}\"\ntoken = \"{token}\"\n\
             batch_size = {batch}\nbatch_delay = 5\nmax_backoff = 500\n\n\
             [central]\nenabled = false\n\n\
             {limits}\n[abuse]\ntoken_secret = \"{form}\"\nrequire_token = false\nmin_submit_time = 0\n\n{sites}",
            data = self.companion_data,
            assets = self.dir.join("no-dist"),
            port = self.central_port,
            token = self.companion_token,
            batch = settings.batch_size,
            limits = Self::limits(settings),
            form = self.form_key,
            sites = Self::sites(),
        );
        std::fs::write(&self.companion_config, text)?;
        Ok(())
    }

    fn spawn(&self, config: &Path, data: &Path, log: &str) -> Result<ServerProcess> {
        let args: Vec<std::ffi::OsString> = vec!["serve".into(), "--config".into(), config.into()];
        ServerProcess::spawn_logged(&self.bin, &args, data.to_owned(), &self.dir.join(log))
    }

    pub fn start_central(&mut self) -> Result<()> {
        let p = self.spawn(&self.central_config, &self.central_data, "central.log")?;
        self.central = Some(p);
        Ok(())
    }

    pub fn start_companion(&mut self) -> Result<()> {
        let p = self.spawn(&self.companion_config, &self.companion_data, "companion.log")?;
        self.target.set(&p.url);
        self.companion = Some(p);
        Ok(())
    }

    /// SIGKILL: no shutdown code runs, exactly as a power cut or the OOM killer.
    pub fn kill_companion(&mut self) -> Result<()> {
        if let Some(mut p) = self.companion.take() {
            p.kill_hard()?;
        }
        Ok(())
    }

    pub fn kill_central(&mut self) -> Result<()> {
        if let Some(mut p) = self.central.take() {
            p.kill_hard()?;
        }
        Ok(())
    }

    /// SIGSTOP (`freeze = true`) or SIGCONT to the central store: connections
    /// are accepted by the kernel and then wait, as with a very slow store.
    pub fn freeze_central(&self, freeze: bool) -> Result<()> {
        let p = self.central.as_ref().context("central store not running")?;
        signal(p.pid(), if freeze { "STOP" } else { "CONT" })
    }

    pub fn companion_addr(&self) -> String {
        self.target.get()
    }

    /// `/readyz`'s `outbox.pending` (rows waiting, dead letters excluded).
    pub async fn pending(&self, stats: Option<&Stats>) -> Result<i64> {
        let reply = get(&self.companion_addr(), "/readyz", stats).await?;
        let v: Value = serde_json::from_slice(&reply.body).with_context(|| format!("readyz: {}", reply.text()))?;
        v["outbox"]["pending"].as_i64().with_context(|| format!("readyz without outbox.pending: {v}"))
    }

    /// Waits until the companion's outbox has at most `left` rows pending.
    pub async fn wait_drained(&self, stats: &Stats, left: i64, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        let mut last = None;
        loop {
            match self.pending(Some(stats)).await {
                Ok(n) if n <= left => return Ok(()),
                Ok(n) => last = Some(n),
                Err(_) => {}
            }
            if start.elapsed() > timeout {
                bail!("outbox still has {last:?} pending after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `gdc_outbox_pending_rows` and `gdc_outbox_pending_bytes` from `/metrics`.
    pub async fn gauges(&self, stats: &Stats) -> Result<(i64, i64)> {
        let text = get(&self.companion_addr(), "/metrics", Some(stats)).await?.text();
        let gauge = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.trim().parse::<f64>().ok()))
                .map(|v| v as i64)
                .with_context(|| format!("no {name} in /metrics"))
        };
        Ok((gauge("gdc_outbox_pending_rows ")?, gauge("gdc_outbox_pending_bytes ")?))
    }

    /// The outbox's pending rows and bytes counted afresh from its file.
    pub fn fresh_outbox_usage(&self) -> Result<(i64, i64)> {
        let conn = open_read_only(&self.companion_data.join("outbox.sqlite"))?;
        Ok(conn.query_row(
            "SELECT count(*), coalesce(sum(length(CAST(body AS BLOB))), 0) FROM outbox WHERE forwarded_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The ids of the central store's export (`gdc-server export`), in order.
    pub fn export_ids(&self) -> Result<Vec<String>> {
        let out = Command::new(&self.bin)
            .args(["export", "--format", "jsonl", "--data-dir"])
            .arg(&self.central_data)
            .output()?;
        if !out.status.success() {
            bail!("export failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        String::from_utf8(out.stdout)?
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l)?;
                v["submission"]["id"].as_str().map(str::to_owned).with_context(|| format!("export line {l}"))
            })
            .collect()
    }

    /// Puts a row in the outbox (the companion must be stopped) that the
    /// central store can never confirm: its body has no id, so the store's
    /// answer names no row. It stays pending forever, which is what makes
    /// it a test of the forwarder's idle behaviour.
    pub fn plant_poison(&mut self) -> Result<String> {
        anyhow::ensure!(self.companion.is_none(), "stop the companion before planting a row");
        let id = uuid_v7();
        let conn = rusqlite::Connection::open(self.companion_data.join("outbox.sqlite"))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
        conn.execute(
            "INSERT INTO outbox (id, site, body, received_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, SITE, r#"{"poisoned":"no id, no match"}"#, now],
        )?;
        self.poison.insert(id.clone());
        Ok(id)
    }

    /// Checks every promise against what the load saw; call once the
    /// outbox is drained and the load stopped.
    pub async fn verify(&self, stats: &Stats) -> Result<Verdict> {
        let acked = stats.acked();
        let sent = stats.sent();
        let exported = self.export_ids()?;
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for id in &exported {
            *counts.entry(id.as_str()).or_default() += 1;
        }
        let central = open_read_only(&self.central_data.join("central.sqlite"))?;
        let (central_rows, central_distinct): (i64, i64) =
            central.query_row("SELECT count(*), count(DISTINCT id) FROM submissions", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let outbox = open_read_only(&self.companion_data.join("outbox.sqlite"))?;
        let (outbox_rows, outbox_forwarded): (i64, i64) =
            outbox.query_row("SELECT count(*), count(forwarded_at) FROM outbox", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (gauge_rows, gauge_bytes) = self.gauges(stats).await?;
        let (fresh_rows, fresh_bytes) = self.fresh_outbox_usage()?;
        let mut lost: Vec<String> = acked.iter().filter(|id| !counts.contains_key(id.as_str())).cloned().collect();
        lost.sort();
        Ok(Verdict {
            acked: acked.len(),
            sent: sent.len(),
            exported: exported.len(),
            lost,
            duplicates: counts.values().map(|n| n - 1).sum(),
            never_sent: counts.keys().filter(|id| !sent.contains(**id)).count(),
            central_rows,
            central_distinct,
            outbox_rows: outbox_rows - self.poison.len() as i64,
            outbox_forwarded,
            gauge_rows,
            gauge_bytes,
            fresh_rows,
            fresh_bytes,
            server_errors: stats.server_errors.load(Ordering::Relaxed),
            set_cookie: stats.set_cookie.load(Ordering::Relaxed),
            unexpected: stats.unexpected.lock().expect("stats lock").clone(),
        })
    }

    /// The tail of a process's log, to explain a failure.
    pub fn log_tail(&self, which: &str) -> String {
        let text = std::fs::read_to_string(self.dir.join(format!("{which}.log"))).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // A frozen process would not die of the SIGKILL `ServerProcess` sends
        // until continued; continue it first.
        if let Some(p) = &self.central {
            let _ = signal(p.pid(), "CONT");
        }
    }
}

fn signal(pid: u32, name: &str) -> Result<()> {
    let status = Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status()?;
    anyhow::ensure!(status.success(), "kill -{name} {pid} failed");
    Ok(())
}

fn open_read_only(path: &Path) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", path.display()))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// What the stores hold compared with what clients were told.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub acked: usize,
    pub sent: usize,
    pub exported: usize,
    /// Acknowledged ids missing from the central store's export.
    pub lost: Vec<String>,
    /// Export lines beyond the first for an id.
    pub duplicates: u64,
    /// Exported ids no client sent (excluding nothing: there must be none).
    pub never_sent: usize,
    pub central_rows: i64,
    pub central_distinct: i64,
    /// Rows in the companion's outbox (planted rows excluded), and how many
    /// of them are marked forwarded.
    pub outbox_rows: i64,
    pub outbox_forwarded: i64,
    pub gauge_rows: i64,
    pub gauge_bytes: i64,
    pub fresh_rows: i64,
    pub fresh_bytes: i64,
    pub server_errors: u64,
    pub set_cookie: u64,
    pub unexpected: Vec<String>,
}

impl Verdict {
    /// Every broken promise, in words; empty when all hold.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !self.lost.is_empty() {
            p.push(format!("{} acknowledged id(s) missing from the central store: {:?}", self.lost.len(), {
                &self.lost[..self.lost.len().min(5)]
            }));
        }
        if self.duplicates > 0 {
            p.push(format!("{} duplicate id(s) in the export", self.duplicates));
        }
        if self.central_rows != self.central_distinct || self.central_rows != self.exported as i64 {
            p.push(format!(
                "central store holds {} rows, {} distinct ids, export {} lines",
                self.central_rows, self.central_distinct, self.exported
            ));
        }
        if self.never_sent > 0 {
            p.push(format!("{} exported id(s) no client sent", self.never_sent));
        }
        if self.outbox_rows != self.central_rows {
            p.push(format!(
                "the companion's outbox holds {} rows but the central store {}",
                self.outbox_rows, self.central_rows
            ));
        }
        if (self.gauge_rows, self.gauge_bytes) != (self.fresh_rows, self.fresh_bytes) {
            p.push(format!(
                "outbox gauges say {} rows / {} bytes pending, the file {} rows / {} bytes",
                self.gauge_rows, self.gauge_bytes, self.fresh_rows, self.fresh_bytes
            ));
        }
        if self.server_errors > 0 {
            p.push(format!("{} answer(s) were 5xx (other than 503 with Retry-After)", self.server_errors));
        }
        if self.set_cookie > 0 {
            p.push(format!("{} answer(s) set a cookie", self.set_cookie));
        }
        if !self.unexpected.is_empty() {
            p.push(format!("unexpected answers: {:?}", self.unexpected));
        }
        p
    }
}

/// Compares the outbox gauges with a fresh count while nothing moves
/// (load stopped, central store down): a non-trivial byte comparison.
pub async fn gauges_match_file(cluster: &Cluster, stats: &Stats) -> Result<Option<String>> {
    let (gauge_rows, gauge_bytes) = cluster.gauges(stats).await?;
    let (fresh_rows, fresh_bytes) = cluster.fresh_outbox_usage()?;
    Ok(((gauge_rows, gauge_bytes) != (fresh_rows, fresh_bytes)).then(|| {
        format!(
            "with {fresh_rows} rows waiting, the gauges say {gauge_rows} rows / {gauge_bytes} bytes but the file \
             holds {fresh_rows} rows / {fresh_bytes} bytes"
        )
    }))
}

/// CPU seconds (user + system) a process has used, from `/proc/PID/stat`.
pub fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').context("stat format")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    let hz = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    Ok(ticks / hz)
}

// ---------------------------------------------------------------------------
// The long run behind `cargo xtask soak`.

/// What `cargo xtask soak` prints.
#[derive(Debug, Default)]
pub struct Summary {
    pub minutes: f64,
    pub crash_cycles: u32,
    pub acknowledged: usize,
    pub lost: usize,
    pub duplicates: u64,
    pub server_errors: u64,
    pub unavailable: u64,
    pub no_answer: u64,
    pub abandoned: u64,
    pub set_cookie: u64,
    pub hostile_tried: u64,
    pub hostile_5xx: u64,
    pub gauge_problems: Vec<String>,
    pub other_problems: Vec<String>,
    pub idle_cpu_seconds: Option<f64>,
    pub idle_window: Duration,
}

/// Idle CPU above this over the window counts as a busy forwarder.
pub const IDLE_CPU_BUDGET: f64 = 0.2;

impl Summary {
    pub fn passed(&self) -> bool {
        self.lost == 0
            && self.duplicates == 0
            && self.server_errors == 0
            && self.set_cookie == 0
            && self.hostile_5xx == 0
            && self.gauge_problems.is_empty()
            && self.other_problems.is_empty()
            && self.idle_cpu_seconds.is_some_and(|s| s < IDLE_CPU_BUDGET)
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "soak summary ({:.1} min)", self.minutes);
        let _ = writeln!(s, "  crash cycles (SIGKILL companion + central): {}", self.crash_cycles);
        let _ = writeln!(s, "  submissions acknowledged:  {}", self.acknowledged);
        let _ = writeln!(s, "  rows lost:                 {} (must be 0)", self.lost);
        let _ = writeln!(s, "  duplicates:                {} (must be 0)", self.duplicates);
        let _ = writeln!(s, "  5xx answers:               {} (must be 0; 503 with Retry-After counted apart)", {
            self.server_errors
        });
        let _ = writeln!(s, "  503 with Retry-After:      {} (full spool, by design)", self.unavailable);
        let _ = writeln!(s, "  requests without answer:   {} (retried)", self.no_answer);
        let _ = writeln!(s, "  abandoned unanswered:      {}", self.abandoned);
        let _ = writeln!(s, "  Set-Cookie seen:           {} (must be 0)", self.set_cookie);
        let _ = writeln!(s, "  hostile inputs tried:      {} (5xx: {})", self.hostile_tried, self.hostile_5xx);
        match self.idle_cpu_seconds {
            Some(cpu) => {
                let _ = writeln!(
                    s,
                    "  forwarder idle CPU with a poisoned row: {cpu:.2} s over {:?} (must be < {IDLE_CPU_BUDGET} s)",
                    self.idle_window
                );
            }
            None => {
                let _ = writeln!(s, "  forwarder idle CPU with a poisoned row: not measured");
            }
        }
        for g in &self.gauge_problems {
            let _ = writeln!(s, "  GAUGE DRIFT: {g}");
        }
        for p in &self.other_problems {
            let _ = writeln!(s, "  PROBLEM: {p}");
        }
        let _ = writeln!(s, "  verdict: {}", if self.passed() { "PASS" } else { "FAIL" });
        s
    }
}

/// The long run: at least 20 crash cycles of each process under load, the
/// central store down then frozen then back, a full spool, and a poisoned
/// row while the companion idles. `minutes` is the time budget; the crash
/// cycles take about 60% of it.
pub async fn run_soak(bin: &Path, minutes: f64) -> Result<Summary> {
    let started = Instant::now();
    let budget = Duration::from_secs_f64(minutes * 60.0);
    let stats = Arc::new(Stats::default());
    let mut summary = Summary { minutes, idle_window: Duration::from_secs(10), ..Default::default() };
    let mut cluster = Cluster::start(bin, CompanionSettings::default())?;
    eprintln!(
        "soak: companion {} central 127.0.0.1:{}, logs in {}",
        cluster.companion_addr(),
        { cluster.central_port },
        cluster.dir.display()
    );

    // Crash cycles: each SIGKILLs the companion, then the central store.
    let cycles_min = 20;
    let crash_budget = budget.mul_f64(0.6);
    let load = Load::start(&cluster.target, &stats, 8, Duration::from_millis(2), Duration::from_millis(200));
    let hostile_stop = Arc::new(AtomicBool::new(false));
    let hostile = {
        let (target, stats, stop) = (cluster.target.clone(), stats.clone(), hostile_stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                send_hostile(&target, &stats).await;
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        })
    };
    let crash_start = Instant::now();
    while summary.crash_cycles < cycles_min || crash_start.elapsed() < crash_budget {
        let per_kill = crash_budget.checked_sub(crash_start.elapsed()).unwrap_or_default()
            / (2 * cycles_min.saturating_sub(summary.crash_cycles).max(1));
        for process in ["companion", "central"] {
            let before = stats.acked_count();
            let since = Instant::now();
            let s = stats.clone();
            wait_until(Duration::from_secs(60), "the load to make progress", || {
                let s = s.clone();
                async move { s.acked_count() >= before + 20 && since.elapsed() >= per_kill.min(Duration::from_secs(5)) }
            })
            .await?;
            if process == "companion" {
                cluster.kill_companion()?;
                cluster.start_companion()?;
            } else {
                cluster.kill_central()?;
                cluster.start_central()?;
            }
        }
        summary.crash_cycles += 1;
        if started.elapsed() > budget.mul_f64(0.9) && summary.crash_cycles >= cycles_min {
            break;
        }
    }
    hostile_stop.store(true, Ordering::Relaxed);
    let _ = hostile.await;
    eprintln!("soak: {} crash cycles done, {} acknowledged", summary.crash_cycles, stats.acked_count());

    // Outage: the central store killed and kept down under load, then
    // frozen (SIGSTOP) so batches hang, then back.
    let outage = budget.mul_f64(0.1).max(Duration::from_secs(3));
    cluster.kill_central()?;
    tokio::time::sleep(outage).await;
    load.stop(Duration::from_secs(30)).await;
    if let Some(p) = gauges_match_file(&cluster, &stats).await? {
        summary.gauge_problems.push(format!("central store down: {p}"));
    }
    let load = Load::start(&cluster.target, &stats, 8, Duration::from_millis(2), Duration::from_millis(200));
    cluster.start_central()?;
    cluster.freeze_central(true)?;
    tokio::time::sleep(outage).await;
    cluster.freeze_central(false)?;
    tokio::time::sleep(outage).await;
    load.stop(Duration::from_secs(30)).await;
    cluster.wait_drained(&stats, 0, Duration::from_secs(120)).await?;
    check(&cluster, &stats, &mut summary, "after the crash cycles and the outage").await?;

    // A full spool: the central store down, the companion restarted with a
    // spool of 100 rows; 503 with Retry-After, then the store returns.
    cluster.kill_central()?;
    cluster.kill_companion()?;
    cluster.write_companion_config(&CompanionSettings { spool_max_rows: 100, ..Default::default() })?;
    cluster.start_companion()?;
    let before_503 = stats.unavailable.load(Ordering::Relaxed);
    let load = Load::start(&cluster.target, &stats, 8, Duration::from_millis(2), Duration::from_millis(100));
    let s = stats.clone();
    wait_until(Duration::from_secs(60), "the spool to fill (503)", || {
        let s = s.clone();
        async move { s.unavailable.load(Ordering::Relaxed) >= before_503 + 20 }
    })
    .await?;
    if let Some(p) = gauges_match_file(&cluster, &stats).await? {
        summary.gauge_problems.push(format!("spool full: {p}"));
    }
    cluster.start_central()?;
    load.stop(Duration::from_secs(60)).await;
    cluster.wait_drained(&stats, 0, Duration::from_secs(120)).await?;
    check(&cluster, &stats, &mut summary, "after the full spool").await?;

    // A poisoned row, then ten idle seconds: the forwarder must rest.
    cluster.kill_companion()?;
    cluster.write_companion_config(&CompanionSettings::default())?;
    cluster.plant_poison()?;
    cluster.start_companion()?;
    let s = stats.clone();
    // Let start-up and the first attempts at the poisoned row pass.
    let tried = wait_until(Duration::from_secs(30), "the forwarder to try the poisoned row", || {
        let (s, addr) = (s.clone(), cluster.companion_addr());
        async move {
            let Ok(m) = get(&addr, "/metrics", Some(&s)).await else { return false };
            m.text().lines().any(|l| l.starts_with("gdc_forward_batches_total{") && !l.ends_with(" 0"))
        }
    })
    .await;
    if let Err(e) = tried {
        summary.other_problems.push(format!("poisoned row: {e}"));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pid = cluster.companion.as_ref().context("companion running")?.pid();
    let before = cpu_seconds(pid)?;
    tokio::time::sleep(summary.idle_window).await;
    summary.idle_cpu_seconds = Some(cpu_seconds(pid)? - before);

    summary.acknowledged = stats.acked_count();
    summary.server_errors = stats.server_errors.load(Ordering::Relaxed);
    summary.unavailable = stats.unavailable.load(Ordering::Relaxed);
    summary.no_answer = stats.no_answer.load(Ordering::Relaxed);
    summary.abandoned = stats.abandoned.load(Ordering::Relaxed);
    summary.set_cookie = stats.set_cookie.load(Ordering::Relaxed);
    summary.hostile_tried = stats.hostile_tried.load(Ordering::Relaxed);
    summary.hostile_5xx = stats.hostile_5xx.load(Ordering::Relaxed);
    summary.minutes = started.elapsed().as_secs_f64() / 60.0;
    Ok(summary)
}

/// Verifies the stores and folds the result into the summary.
async fn check(cluster: &Cluster, stats: &Stats, summary: &mut Summary, when: &str) -> Result<()> {
    let v = cluster.verify(stats).await?;
    eprintln!(
        "soak: {when}: {} acknowledged, {} exported, {} lost, {} duplicates",
        v.acked,
        v.exported,
        v.lost.len(),
        v.duplicates
    );
    summary.lost = summary.lost.max(v.lost.len());
    summary.duplicates = summary.duplicates.max(v.duplicates);
    for p in v.problems() {
        let p = format!("{when}: {p}");
        if p.contains("gauges") { summary.gauge_problems.push(p) } else { summary.other_problems.push(p) }
    }
    Ok(())
}
