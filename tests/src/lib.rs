//! Helpers for end-to-end tests: start the real `gdc-server` binary as a
//! process on a free loopback port, and a real headless Chromium through
//! chromedriver. Both stop when their handle is dropped.
//!
//! `cargo xtask test` builds what these need and says where it is through
//! `GDC_SERVER_BIN`, `GDC_DIST`, `GDC_CHROMIUM` and `GDC_CHROMEDRIVER`.
//! A missing piece fails the test with the command that provides it: browser
//! tests are never skipped.
//!
//! It is long because it holds every process and browser handle the
//! end-to-end tests share (servers, chromedriver, frames, tokens).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::{Client, ClientBuilder};

pub mod axe;
pub mod form;
pub mod picture;
pub mod widget;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").to_owned()
}

fn env_path(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).map_or(default, PathBuf::from)
}

fn required(path: PathBuf, what: &str) -> PathBuf {
    assert!(path.exists(), "{what} not found at {}; run the tests with `cargo xtask test`", path.display());
    path
}

pub fn server_bin() -> PathBuf {
    required(env_path("GDC_SERVER_BIN", repo_root().join("target/debug/gdc-server")), "the gdc-server binary")
}

pub fn dist() -> PathBuf {
    let dist = env_path("GDC_DIST", repo_root().join("dist"));
    required(dist.join("manifest.json"), "the built widget (dist/manifest.json)");
    dist
}

/// A `gdc-server` process with its own data folder; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl ServerProcess {
    /// Runs `bin args…` and waits for it to announce its address.
    pub fn spawn(bin: &Path, args: &[std::ffi::OsString], data: PathBuf) -> Result<Self> {
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let url = wait_for_listening(&mut child, Duration::from_secs(30))?;
        Ok(Self { child, url, data })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for the exit status, at most `timeout`.
    pub fn terminate(&mut self, timeout: Duration) -> Result<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status()?;
        if !status.success() {
            bail!("kill -TERM {pid} failed");
        }
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if start.elapsed() > timeout {
                bail!("gdc-server did not exit within {timeout:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `gdc-server demo` process: companion and central store on SQLite in a
/// fresh temporary folder, serving the repository's demo page.
#[derive(Debug)]
pub struct DemoServer {
    process: ServerProcess,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl DemoServer {
    /// Starts the demo exactly as `cargo xtask demo` does, on port 0.
    pub fn start() -> Result<Self> {
        Self::start_with(&server_bin(), &env_path("GDC_SITE_ROOT", repo_root()))
    }

    /// The demo from a given binary, serving pages from `site_root`.
    pub fn start_with(bin: &Path, site_root: &Path) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        let args: Vec<std::ffi::OsString> = vec![
            "demo".into(),
            "--addr".into(),
            "127.0.0.1:0".into(),
            "--data-dir".into(),
            data.clone().into(),
            "--assets-dir".into(),
            dist().into(),
            "--site-root".into(),
            site_root.into(),
        ];
        let process = ServerProcess::spawn(bin, &args, data)?;
        let url = process.url.clone();
        Ok(Self { process, url, _dir: dir })
    }

    pub fn terminate(&mut self, timeout: Duration) -> Result<std::process::ExitStatus> {
        self.process.terminate(timeout)
    }

    /// Every row of the central store, through the `export` command.
    pub fn export(&self) -> Result<Vec<serde_json::Value>> {
        let out = Command::new(server_bin())
            .args(["export", "--format", "jsonl", "--data-dir"])
            .arg(&self.process.data)
            .output()?;
        if !out.status.success() {
            bail!("export failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        String::from_utf8(out.stdout)?.lines().map(|l| Ok(serde_json::from_str(l)?)).collect()
    }

    /// Publishes submissions as an organiser does, with `gdc-server publish`.
    pub fn publish(&self, ids: &[&str]) -> Result<()> {
        let out =
            Command::new(server_bin()).arg("publish").arg("--data-dir").arg(&self.process.data).args(ids).output()?;
        if !out.status.success() {
            bail!("publish failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    /// Waits until the companion has nothing left to forward (so no
    /// delivery is still to come), then returns the central store's
    /// deliveries by result: `(accepted, duplicate)`. A row count cannot see
    /// a second delivery of the same id; these counts can.
    pub async fn settled_deliveries(&self, timeout: Duration) -> Result<(u64, u64)> {
        let start = Instant::now();
        loop {
            let ready: serde_json::Value = serde_json::from_str(&http_get(&format!("{}/readyz", self.url))?)?;
            if ready["outbox"]["pending"] == 0 {
                break;
            }
            if start.elapsed() > timeout {
                bail!("the outbox never drained: {ready}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let metrics = http_get(&format!("{}/metrics", self.url))?;
        let count = |result: &str| {
            let series = format!("gdc_central_batch_items_total{{result=\"{result}\"}} ");
            metrics.lines().find_map(|l| l.strip_prefix(series.as_str())?.trim().parse().ok()).unwrap_or(0)
        };
        Ok((count("accepted"), count("duplicate")))
    }

    /// Polls the export until `done` holds for its rows, or fails.
    pub async fn wait_for_export(
        &self,
        timeout: Duration,
        done: impl Fn(&[serde_json::Value]) -> bool,
    ) -> Result<Vec<serde_json::Value>> {
        let start = Instant::now();
        loop {
            let rows = self.export()?;
            if done(&rows) {
                return Ok(rows);
            }
            if start.elapsed() > timeout {
                bail!("central store never reached the expected state; it holds {rows:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Reads the child's stdout until it announces its address.
fn wait_for_listening(child: &mut Child, timeout: Duration) -> Result<String> {
    let stdout = child.stdout.take().context("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("gdc-server listening on ") {
                let _ = tx.send(url.to_owned());
            }
        }
    });
    rx.recv_timeout(timeout).map_err(|_| anyhow!("gdc-server did not start within {timeout:?}"))
}

/// A free loopback port, for a program that must be told its port before
/// it starts (chromedriver's `--port`, a central store a companion is
/// configured to reach). Everything that can bind port 0 itself does.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Headless Chromium driven through its own chromedriver process.
#[derive(Debug)]
pub struct Browser {
    /// Until ended.
    driver: Option<Child>,
    pub client: Client,
    _profile: tempfile::TempDir,
}

/// The switches every headless Chromium here starts with (tests and benches).
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--window-size=1024,900",
];

impl Browser {
    pub async fn start() -> Result<Self> {
        Self::start_with(&[], serde_json::json!({})).await
    }

    /// Runs `source` in every new document before the page's own scripts,
    /// through chromedriver's Chrome DevTools Protocol endpoint.
    pub async fn on_new_document(&self, source: &str) -> Result<()> {
        self.cdp("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": source })).await?;
        Ok(())
    }

    /// Sends any Chrome DevTools Protocol command (`Network.setCacheDisabled`…)
    /// and returns its result.
    pub async fn cdp(&self, cmd: &'static str, params: serde_json::Value) -> Result<serde_json::Value> {
        cdp(&self.client, cmd, params).await
    }

    /// Ends the session, then the driver.
    pub async fn close(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        end_group(&mut self.driver);
        closed.map_err(Into::into)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        end_group(&mut self.driver);
    }
}

/// Kills `driver`'s process group (it leads one: the driver and every
/// Chromium process it started), then reaps the driver; once (the group's
/// number may be another's later).
fn end_group(driver: &mut Option<Child>) {
    let Some(mut driver) = driver.take() else { return };
    if let Some(group) = i32::try_from(driver.id()).ok().and_then(rustix::process::Pid::from_raw) {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

/// A demo server whose partner pages (on `localhost`, another site than
/// the companion's `127.0.0.1`) a test writes.
#[derive(Debug)]
pub struct Partner {
    pub server: DemoServer,
    root: tempfile::TempDir,
    pub origin: String,
}

impl Partner {
    pub fn start() -> Result<Self> {
        let root = tempfile::tempdir()?;
        std::fs::create_dir_all(root.path().join("examples"))?;
        let server = DemoServer::start_with(&server_bin(), root.path())?;
        let origin = server.url.replace("127.0.0.1", "localhost");
        anyhow::ensure!(origin != server.url, "the demo should listen on 127.0.0.1, not {}", server.url);
        Ok(Self { server, root, origin })
    }

    /// Writes a partner page and returns its URL.
    pub fn page(&self, name: &str, head: &str, body: &str) -> Result<String> {
        let html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Partner</title>{head}</head>\
             <body><h1>Partner news</h1>{body}</body></html>"
        );
        std::fs::write(self.root.path().join("examples").join(name), html)?;
        Ok(format!("{}/examples/{name}", self.origin))
    }

    /// The row of the central store with `id`, once it is there.
    pub async fn row(&self, id: &str) -> Result<serde_json::Value> {
        let rows =
            self.server.wait_for_export(form::WAIT, |rows| rows.iter().any(|r| r["submission"]["id"] == id)).await?;
        assert_eq!(rows.iter().filter(|r| r["submission"]["id"] == id).count(), 1, "stored once: {rows:?}");
        rows.into_iter().find(|r| r["submission"]["id"] == id).context("the row")
    }
}

/// The first widget's iframe, inside the shadow root of its
/// `<gdc-consultation>` element, once the loader has put it there.
pub async fn widget_frame(c: &Client, timeout: Duration) -> Result<fantoccini::elements::Element> {
    widget_frame_of(c, "gdc-consultation", timeout).await
}

/// The iframe of the widget element matching `host` (a CSS selector).
pub async fn widget_frame_of(c: &Client, host: &str, timeout: Duration) -> Result<fantoccini::elements::Element> {
    let start = Instant::now();
    loop {
        if let Ok(host) = c.find(fantoccini::Locator::Css(host)).await
            && let Ok(root) = host.shadow_root().await
            && let Ok(frame) = root.find(fantoccini::Locator::Css("iframe")).await
        {
            return Ok(frame);
        }
        if start.elapsed() > timeout {
            bail!("no widget iframe within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends a Chrome DevTools Protocol command through the client's chromedriver.
pub async fn cdp(c: &Client, cmd: &'static str, params: serde_json::Value) -> Result<serde_json::Value> {
    Ok(c.issue_cmd(Cdp { cmd, params }).await?)
}

/// A Chrome DevTools Protocol command sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A plain HTTP/1.0 GET on loopback, for reading `/metrics` and the like.
pub fn http_get(url: &str) -> Result<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").context("http URL")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host)?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response.split_once("\r\n\r\n").map_or(response.clone(), |(_, body)| body.to_owned()))
}

/// The data path under faults (SIGKILL, outages, full spool, full disk):
/// the driver shared by `tests/tests/crash.rs` and `cargo xtask soak`.
pub mod soak;

impl ServerProcess {
    /// Like `spawn`, with the server's log appended to `log` instead of the
    /// test's stderr (a soak run restarts servers hundreds of times).
    pub fn spawn_logged(bin: &Path, args: &[std::ffi::OsString], data: PathBuf, log: &Path) -> Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("cannot open {}", log.display()))?;
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(file))
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let url = match wait_for_listening(&mut child, Duration::from_secs(30)) {
            Ok(url) => url,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e.context(format!("see {}", log.display())));
            }
        };
        Ok(Self { child, url, data })
    }

    /// SIGKILL, then reaps the process: no shutdown code of the server runs.
    pub fn kill_hard(&mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

/// The form token of the widget in the current document: the embed page's
/// `<meta name="gdc-token">`, a same-origin widget frame's, or the one a
/// draft kept in `localStorage` (inline mode).
const FIND_FORM_TOKEN: &str = r#"
const meta = (doc) => { const m = doc && doc.querySelector('meta[name=gdc-token]'); return m && m.content; };
let token = meta(document);
for (const host of document.querySelectorAll('gdc-consultation')) {
  const frame = host.shadowRoot && host.shadowRoot.querySelector('iframe');
  try { token = token || meta(frame && frame.contentDocument); } catch (e) {}
}
for (let i = 0; !token && i < localStorage.length; i++) {
  const key = localStorage.key(i);
  if (key.startsWith('gdc-draft:')) token = new URLSearchParams(localStorage.getItem(key)).get('_token');
}
return token && token.startsWith('v1.') ? [token, Date.now()] : null;
"#;

/// Waits until the widget's form token was issued at least `age` ago, as a
/// person would take longer than the companion's minimum time to submit: a
/// condition on the token's own issue time (`v1.<ms>.<signature>`), not on
/// when the page loaded.
pub async fn wait_for_form_token_age(c: &Client, age: Duration) -> Result<()> {
    let start = Instant::now();
    loop {
        let found = c.execute(FIND_FORM_TOKEN, vec![]).await?;
        if let (Some(token), Some(now)) = (found[0].as_str(), found[1].as_i64()) {
            let issued: i64 = token.split('.').nth(1).and_then(|ms| ms.parse().ok()).context("a v1 form token")?;
            let left = (age.as_millis() as i64) - (now - issued);
            if left <= 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(left as u64 + 10)).await;
        } else if start.elapsed() > Duration::from_secs(10) {
            bail!("no form token in this document after 10 s");
        } else {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Browser {
    /// A headless Chromium with more Chromium switches (`--js-flags=…`)
    /// and profile preferences (`goog:chromeOptions.prefs`), for a browser
    /// unlike the usual one: JavaScript off, no WebAssembly.
    pub async fn start_with(switches: &[&str], prefs: serde_json::Value) -> Result<Self> {
        let chromium = required(env_path("GDC_CHROMIUM", "/usr/bin/chromium".into()), "Chromium");
        let chromedriver = required(env_path("GDC_CHROMEDRIVER", "/usr/bin/chromedriver".into()), "chromedriver");
        let port = free_port()?;
        // In a process group of its own, with the Chromium it starts: a
        // test that fails drops the browser without closing its session,
        // and killing the driver alone would leave Chromium running (110
        // processes after one failed run, skewing what ran next).
        let driver = Command::new(chromedriver)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start chromedriver")?;
        let profile = tempfile::tempdir()?;
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().chain(switches).map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let caps = serde_json::json!({ "goog:chromeOptions": { "binary": chromium, "args": args, "prefs": prefs } });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
                Ok(client) => break client,
                Err(_) if start.elapsed() < Duration::from_secs(20) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    end_group(&mut Some(driver));
                    bail!("cannot open a Chromium session: {e}");
                }
            }
        };
        Ok(Self { driver: Some(driver), client, _profile: profile })
    }
}
